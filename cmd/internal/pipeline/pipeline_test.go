package pipeline

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

func decoded(t *testing.T, name string, invoke uint64) *dissect.Message {
	t.Helper()
	return dissect.Decode(testutil.Encode(t, name, invoke), dissect.Context{Version: 13, Layout: dissect.Layout11})
}

func rec(t *testing.T, num int, name string, invoke uint64) *record.Record {
	return &record.Record{Num: num, Msg: decoded(t, name, invoke)}
}

// at sets the capture time of a record, which pairing measures latency by.
func at(r *record.Record, t time.Time) *record.Record {
	r.Frame.Time = t
	return r
}

func TestPairRequests(t *testing.T) {
	var c connState
	t0 := time.Unix(1000, 0)
	r := at(rec(t, 3, "HEARTBEAT_REQ", 7), t0)
	if !c.pairRecord(r, &slot{rec: r}) || r.Request != nil {
		t.Fatalf("a request was not remembered, or answered itself: %+v", r.Request)
	}
	r = at(rec(t, 4, "HEARTBEAT_CONF", 8), t0)
	if c.pairRecord(r, nil); r.Request != nil {
		t.Fatalf("confirm with another InvokeID paired: %+v", r.Request)
	}
	r = at(rec(t, 5, "FAILURE_CONF", 7), t0.Add(1500*time.Microsecond))
	c.pairRecord(r, nil)
	if q := r.Request; q == nil || q.Num != 3 || q.Latency != 1500*time.Microsecond {
		t.Fatalf("FAILURE_CONF pairing = %+v", q)
	}
	r = at(rec(t, 6, "HEARTBEAT_CONF", 7), t0)
	if c.pairRecord(r, nil); r.Request != nil {
		t.Fatalf("a request was answered twice: %+v", r.Request)
	}
}

func TestPendingIsBounded(t *testing.T) {
	var c connState
	for i := 0; i < 3*maxPending; i++ {
		c.pairRecord(rec(t, i+1, "HEARTBEAT_REQ", uint64(i)), nil)
	}
	if len(c.pending) > maxPending {
		t.Errorf("%d pending requests kept, cap %d", len(c.pending), maxPending)
	}
}
