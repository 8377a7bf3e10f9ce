package agents

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// wholeDecode is the agents command decoding every field of every message,
// as with -Y.
var wholeDecode = testutil.Tweaked(NewCmdAgents, agentsRun, func(o *AgentsOptions) { o.wholeDecode = true })

// TestPartialDecodeShowsTheSame holds the agents views to the same bytes
// whether messages are decoded whole or only in the fields the view
// reads: a field the view reads but AgentsReads does not name shows here.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	views := [][]string{{}, {"-T", "json"}, {"--agent", "mlopez"}, {"--agent", "mlopez", "-T", "json"}}
	paths := testutil.VariedCaptures(t)
	testutil.SameOutput(t, NewCmdAgents, wholeDecode, views, paths...)
	if out, _, _ := testutil.Exec(t, NewCmdAgents, paths[0]); len(out) < 100 {
		t.Fatalf("agents %s: %q: no agents to compare", paths[0], out)
	}
}
