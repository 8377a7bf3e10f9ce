package pipeline

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

func decoded(t *testing.T, name string, invoke uint64) *dissect.Message {
	t.Helper()
	m := dissect.NewMessage(dissect.LookupName(name))
	if err := m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, invoke)); err != nil {
		t.Fatal(err)
	}
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return dissect.Decode(b, dissect.Context{Version: 13, Layout: dissect.Layout11})
}

func TestPairRequests(t *testing.T) {
	var c connState
	t0 := time.Unix(1000, 0)
	if q := c.pair(decoded(t, "HEARTBEAT_REQ", 7), 3, t0); q != nil {
		t.Fatalf("a request answered itself: %+v", q)
	}
	if q := c.pair(decoded(t, "HEARTBEAT_CONF", 8), 4, t0); q != nil {
		t.Fatalf("confirm with another InvokeID paired: %+v", q)
	}
	q := c.pair(decoded(t, "FAILURE_CONF", 7), 5, t0.Add(1500*time.Microsecond))
	if q == nil || q.Num != 3 || q.Latency != 1500*time.Microsecond {
		t.Fatalf("FAILURE_CONF pairing = %+v", q)
	}
	if q := c.pair(decoded(t, "HEARTBEAT_CONF", 7), 6, t0); q != nil {
		t.Fatalf("a request was answered twice: %+v", q)
	}
}

func TestPendingIsBounded(t *testing.T) {
	var c connState
	for i := 0; i < 3*maxPending; i++ {
		c.pair(decoded(t, "HEARTBEAT_REQ", uint64(i)), i+1, time.Time{})
	}
	if len(c.pending) > maxPending {
		t.Errorf("%d pending requests kept, cap %d", len(c.pending), maxPending)
	}
}
