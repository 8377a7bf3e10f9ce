package analyze

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

func clientRecord(t *testing.T, name string, at time.Time, set ...any) *record.Record {
	t.Helper()
	m := dissect.NewMessage(dissect.LookupName(name))
	for i := 0; i < len(set); i += 2 {
		if err := m.SetFixed(set[i].(string), dissect.Uint(dissect.TypeUINT, uint64(set[i+1].(int)))); err != nil {
			t.Fatal(err)
		}
	}
	// No answer follows: the pipeline would flag each request unanswered.
	return &record.Record{Msg: m, Frame: record.Frame{Time: at, Dir: record.ClientToServer}, Unanswered: true}
}

// An idle timeout of 240 s and client messages at 0, 100, 400 and 640 s:
// one silence (300 s) exceeds it, one (240 s) does not.
func TestIdleViolations(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := NewStats()
	st.Add(clientRecord(t, "OPEN_REQ", t0, "InvokeID", 1, "IdleTimeout", 240))
	for i, s := range []int{100, 400, 640} {
		st.Add(clientRecord(t, "HEARTBEAT_REQ", t0.Add(time.Duration(s)*time.Second), "InvokeID", 2+i))
	}
	rep := st.Result()
	if len(rep.Sessions) != 1 {
		t.Fatalf("%d sessions", len(rep.Sessions))
	}
	s := rep.Sessions[0]
	if s.IdleTimeout != 240*time.Second || s.IdleViolations != 1 || s.MaxClientGap != 300*time.Second ||
		s.Heartbeats != 3 || s.HeartbeatInterval != 270*time.Second {
		t.Errorf("%+v", s)
	}
	// Four requests, none answered.
	n := 0
	for _, q := range rep.Requests {
		n += q.Unanswered
	}
	if n != 4 {
		t.Errorf("%d unanswered, want 4", n)
	}
}
