package agents

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// In a capture mixing gen's UCCX and UCCE contact centers, agents follows
// both sides' agents with gen's state changes; the UCCE agents name their
// dialect with why (heading and JSON), the UCCX ones name none.
func TestMixedDialectAgents(t *testing.T) {
	mx := testutil.MixedCapture(t, 2, 2)
	out, errOut, err := run(t, "-T", "json", mx.Path)
	if err != nil {
		t.Fatalf("agents: %v %s", err, errOut)
	}
	var got []struct {
		agent
		Dialect    string `json:"dialect"`
		DialectWhy string `json:"dialect_why"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	changes := map[string]int{} // agent -> state changes on its own desktop
	ucce := map[string]bool{}
	for _, c := range mx.UCCE.Connections {
		if c.AgentID != "" {
			ucce[c.AgentID] = true
		}
	}
	for _, s := range slices.Concat(mx.UCCX.AgentStates, mx.UCCE.AgentStates) {
		changes[s.AgentID]++
	}
	if len(got) != len(changes) {
		t.Errorf("%d agents, gen has %d", len(got), len(changes))
	}
	for _, a := range got {
		if len(a.States) != changes[a.AgentID] {
			t.Errorf("agent %s: %d states, gen changed %d times", a.AgentID, len(a.States), changes[a.AgentID])
		}
		if (a.Dialect == "ucce") != ucce[a.AgentID] || ucce[a.AgentID] != strings.Contains(a.DialectWhy, "version 20") {
			t.Errorf("agent %s (UCCE %v): dialect %q (%q)", a.AgentID, ucce[a.AgentID], a.Dialect, a.DialectWhy)
		}
	}
	text, _, err := run(t, mx.Path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "Agent ") {
			id := strings.Fields(l)[1]
			if strings.Contains(l, "), UCCE v20: OPEN_REQ asks for protocol version 20") != ucce[id] {
				t.Errorf("heading (UCCE %v): %s", ucce[id], l)
			}
			n++
		}
	}
	if n != len(got) {
		t.Errorf("%d headings, %d agents", n, len(got))
	}
}
