package pipeline

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// Queue slots are reused (newSlot), but never one that pairing can still
// reach: a request that went out unanswered stays in pending, and its
// late answer must find that request, not whichever record took over its
// slot. A slot handed back too early is the next request's (C's here),
// which would take A's late answer for its own.
func TestReusedSlotsKeepVerdictsApart(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	for i := range 3 {
		c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", uint64(100+i))) // answer nothing: their slots are free again
	}
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 1)) // A: unanswered within holdTime
	c.T = c.T.Add(holdTime + time.Second)
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 2)) // B: its coming pushes A out, unanswered
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 3)) // C: takes the slot freed last
	c.T = c.T.Add(time.Second)
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1)) // A's answer, too late: A's request is still pending
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 2))
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 3))

	for name, o := range map[string]Options{"serial": {Lookahead: true}, "parallel": {Lookahead: true, Parallel: true, Async: true}} {
		byInvoke := map[string]*Record{}
		for _, r := range readAll(t, ctitest.Pcap(ctitest.Ethernet, c.Segs), o) {
			if r.Msg == nil || r.Msg.Def == nil {
				continue
			}
			if id, ok := r.Msg.Uint("InvokeID"); ok && id <= 3 {
				byInvoke[r.Msg.Name()+string(rune('0'+id))] = r
			}
		}
		a, b, cr := byInvoke["HEARTBEAT_REQ1"], byInvoke["HEARTBEAT_REQ2"], byInvoke["HEARTBEAT_REQ3"]
		aAns, bAns, cAns := byInvoke["HEARTBEAT_CONF1"], byInvoke["HEARTBEAT_CONF2"], byInvoke["HEARTBEAT_CONF3"]
		if a == nil || b == nil || cr == nil || aAns == nil || bAns == nil || cAns == nil {
			t.Fatalf("%s: records missing: %v", name, byInvoke)
		}
		if !a.Unanswered || a.Response != nil {
			t.Errorf("%s: A: unanswered %v, response %+v; want unanswered", name, a.Unanswered, a.Response)
		}
		if b.Unanswered || b.Response == nil || b.Response.Num != bAns.Num {
			t.Errorf("%s: B: unanswered %v, response %+v; want #%d", name, b.Unanswered, b.Response, bAns.Num)
		}
		if cr.Response == nil || cr.Response.Num != cAns.Num {
			t.Errorf("%s: C: response %+v; want #%d", name, cr.Response, cAns.Num)
		}
		if aAns.Request == nil || aAns.Request.Num != a.Num || bAns.Request == nil || bAns.Request.Num != b.Num {
			t.Errorf("%s: answers name %+v and %+v; want #%d and #%d", name, aAns.Request, bAns.Request, a.Num, b.Num)
		}
	}
}
