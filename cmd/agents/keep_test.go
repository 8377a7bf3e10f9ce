package agents

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/spf13/cobra"
)

// wholeDecode is the agents command decoding every field of every
// message, as with -Y, instead of the fields analyze.AgentsReads names.
func wholeDecode(f *factory.Factory, _ func(*AgentsOptions) error) *cobra.Command {
	return NewCmdAgents(f, func(o *AgentsOptions) error {
		o.wholeDecode = true
		return agentsRun(o)
	})
}

// TestPartialDecodeShowsTheSame holds the agents views to the same bytes
// whether messages are decoded whole or only in the fields the view
// reads: a field the view reads but AgentsReads does not name shows here.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	for _, path := range testutil.VariedCaptures(t) {
		for _, v := range [][]string{{}, {"-T", "json"}, {"--agent", "mlopez"}, {"--agent", "mlopez", "-T", "json"}} {
			args := append(v, path)
			partOut, partErr, err1 := testutil.Exec(t, NewCmdAgents, args...)
			wholeOut, wholeErr, err2 := testutil.Exec(t, wholeDecode, args...)
			if partOut != wholeOut || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
				t.Fatalf("agents %v: partial decode differs from whole:\n%s\n%s\nwhole:\n%s\n%s", args, partOut, partErr, wholeOut, wholeErr)
			}
			if len(v) == 0 && len(partOut) < 100 {
				t.Fatalf("agents %v: %q: no agents to compare", args, partOut)
			}
		}
	}
}
