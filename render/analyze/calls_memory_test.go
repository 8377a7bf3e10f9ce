package analyze

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// Finished calls leave the working set a minute after their end: on a
// long capture it holds the calls of the last minutes, and every call
// still gets its row.
func TestFinishedCallsLeaveTheWorkingSet(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cs := NewCalls()
	const n = 600
	most := 0
	for i := 0; i < n; i++ {
		id := uint64(16777216 + i)
		at := t0.Add(time.Duration(i) * 10 * time.Second)
		for j, name := range []string{"BEGIN_CALL_EVENT", "CALL_ESTABLISHED_EVENT", "CALL_CLEARED_EVENT"} {
			m := recordtest.Build(t, name, map[string]dissect.Value{"CallID": recordtest.U(id)}, "ConnectionDeviceID", recordtest.S("1001"))
			cs.Add(&record.Record{Msg: m, Calls: []record.CallRef{{N: i + 1, CallID: uint32(id)}},
				Frame: record.Frame{Time: at.Add(time.Duration(j) * time.Second), Dir: record.ServerToClient}})
		}
		most = max(most, len(cs.calls))
	}
	if most > 20 {
		t.Errorf("up to %d calls in the working set; a call lasts 2 s and one starts every 10 s", most)
	}
	rows := cs.Result()
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	for i, c := range rows {
		if c.N != i+1 || c.End != "cleared" || c.Answered.IsZero() || c.Sessions != 1 {
			t.Fatalf("row %d: %+v", i, c)
		}
	}
}
