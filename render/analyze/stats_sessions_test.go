package analyze

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// A capture of very many short connections keeps at most MaxSessions
// session rows; the others still count everywhere else, and the report
// says how many there were (800k one-message connections took 2 GB).
func TestStatsSessionsBounded(t *testing.T) {
	st := NewStats()
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	const n = MaxSessions + 25
	for i := range n {
		st.Add(&record.Record{Num: i + 1, Msg: m, Frame: record.Frame{Stream: i}, Unanswered: true})
		if i%2 == 0 { // a second message on some of them
			st.Add(&record.Record{Num: i + 1, Msg: m, Frame: record.Frame{Stream: i}, Unanswered: true})
		}
	}
	rep := st.Result()
	if len(rep.Sessions) != MaxSessions || rep.UnlistedSessions != 25 {
		t.Errorf("%d sessions listed, %d unlisted; want %d and 25", len(rep.Sessions), rep.UnlistedSessions, MaxSessions)
	}
	if want := n + (n+1)/2; rep.Messages != want { // every even stream sent two
		t.Errorf("%d messages counted, want %d", rep.Messages, want)
	}
	wantUnlisted := 0
	for i := MaxSessions; i < n; i++ {
		wantUnlisted += 1 + (1 - i%2)
	}
	if rep.UnlistedMessages != wantUnlisted {
		t.Errorf("%d unlisted messages, want %d", rep.UnlistedMessages, wantUnlisted)
	}
	if len(rep.Requests) != 1 || rep.Requests[0].Unanswered != rep.Messages {
		t.Errorf("requests %+v", rep.Requests)
	}
}
