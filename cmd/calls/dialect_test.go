package calls

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// In a capture mixing gen's UCCX and UCCE contact centers, calls follows
// the calls of both (UCCE names them ConnectionCallID) with gen's times;
// the UCCE ones say so in JSON and on the timeline's call line.
func TestMixedDialectCalls(t *testing.T) {
	mx := testutil.MixedCapture(t, 2, 3)
	out, errOut, err := run(t, "-T", "json", mx.Path)
	if err != nil {
		t.Fatalf("calls: %v %s", err, errOut)
	}
	var got []struct {
		call
		Dialect string `json:"dialect"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	ucce := map[uint32]bool{}
	for _, c := range mx.UCCE.Calls {
		ucce[c.CallID] = true
	}
	seen := 0
	for _, c := range got {
		if (c.Dialect == "ucce") != ucce[c.CallID] {
			t.Errorf("call %d: dialect %q", c.CallID, c.Dialect)
		}
		if ucce[c.CallID] {
			seen++
		}
	}
	if seen != len(mx.UCCE.Calls) {
		t.Errorf("%d UCCE calls listed, gen placed %d", seen, len(mx.UCCE.Calls))
	}
	for _, c := range mx.UCCE.Calls {
		for _, g := range got {
			if g.CallID == c.CallID && (g.ANI != c.ANI || g.AgentID != c.AgentID || g.CSQID != c.CSQID || g.Answered != jt(c.Answered) || g.Ended != jt(c.Cleared) || g.Sessions != 2) {
				t.Errorf("UCCE call %d: got %+v, gen %+v", c.CallID, g, c)
			}
		}
	}
	x, e := mx.UCCX.Calls[0].CallID, mx.UCCE.Calls[0].CallID
	for id, want := range map[uint32]bool{x: false, e: true} {
		tl, _, err := run(t, "--call", strconv.FormatUint(uint64(id), 10), mx.Path)
		if err != nil {
			t.Fatal(err)
		}
		head, _, _ := strings.Cut(tl, "\n")
		if strings.HasSuffix(head, ", UCCE v20") != want {
			t.Errorf("call %d (UCCE %v): %s", id, want, head)
		}
	}
}
