package analyze

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// BenchmarkStatsAdd counts decoded messages of every UCCX definition in
// turn, over 300 sessions.
func BenchmarkStatsAdd(b *testing.B) {
	var recs []*record.Record
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, def := range dissect.Messages() {
		if def.Opaque {
			continue
		}
		frame, err := dissect.Encode(dissect.NewMessage(def), dissect.Layout11)
		if err != nil {
			b.Fatal(err)
		}
		s := dissect.NewSession(dissect.Options{Version: 13, Layout: dissect.Layout11})
		recs = append(recs, &record.Record{Msg: s.Decode(frame), Frame: record.Frame{Stream: i % 300, Time: t0, Dir: record.Direction(1 + i%2)}})
	}
	st := NewStats()
	b.ResetTimer()
	for i := range b.N {
		st.Add(recs[i%len(recs)])
	}
}
