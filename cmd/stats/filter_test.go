package stats

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
)

// -Y restricts every figure to the matching messages.
func TestDisplayFilter(t *testing.T) {
	path, _, res := generate(t, gen.DefaultConfig())
	rep, _, err := runStats(t, "-Y", "cti.msg_type == HEARTBEAT_REQ || cti.msg_type == HEARTBEAT_CONF", path)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, m := range res.Messages {
		if m.Type == "HEARTBEAT_REQ" || m.Type == "HEARTBEAT_CONF" {
			want++
		}
	}
	got := 0
	for _, mt := range rep.Types {
		if mt.Type != "HEARTBEAT_REQ" && mt.Type != "HEARTBEAT_CONF" {
			t.Errorf("-Y let %s through", mt.Type)
		}
		got += mt.Count
	}
	if got != want || want == 0 {
		t.Errorf("%d heartbeat messages counted, want %d", got, want)
	}
	for _, rq := range rep.Requests {
		if rq.Type == "HEARTBEAT_REQ" && rq.Answered == 0 {
			t.Errorf("heartbeats lost their answers under -Y: %+v", rq)
		}
	}
}
