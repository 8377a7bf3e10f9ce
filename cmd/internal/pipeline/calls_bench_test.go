package pipeline

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// BenchmarkCallsAssign names the calls of call events spread over 300
// sessions of two servers, a few hundred calls live at once.
func BenchmarkCallsAssign(b *testing.B) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var recs []*record.Record
	for i := range 1024 {
		m := recordtest.Build(b, "CALL_ESTABLISHED_EVENT", map[string]dissect.Value{"CallID": recordtest.U(uint64(1000 + i%400))})
		srv := server
		if i%7 == 0 {
			srv = server2
		}
		recs = append(recs, &record.Record{Msg: m, Frame: record.Frame{Stream: i % 300, Time: t0.Add(time.Duration(i) * time.Millisecond), Src: srv, Dst: client, Dir: record.ServerToClient}})
	}
	var cs calls
	b.ResetTimer()
	for i := range b.N {
		r := recs[i%len(recs)]
		r.Calls = nil
		cs.assignRecord(r)
	}
}
