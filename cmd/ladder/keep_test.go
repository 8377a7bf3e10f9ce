package ladder

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// TestPartialDecodeShowsTheSame holds every ladder view (text, JSON, SVG,
// --call and --agent selections) to the same bytes whether messages are
// decoded whole or only in the fields the diagram reads (ladder.Reads),
// with every expert item kept: a field it reads but Reads does not name
// shows here, on captures that break every rule and on one with changed
// bytes.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	views := [][]string{{}, {"-T", "json"}, {"-T", "svg"}, {"--call", "16777217", "-T", "json"}, {"--call", "16777218", "--no-linked"}, {"--agent", "mlopez", "-T", "json"}}
	whole := func(o *LadderOptions) { o.wholeDecode = true }
	for _, path := range append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3)) {
		for _, v := range views {
			args := append(v, path)
			partOut, partErr, err1 := run(t, nil, args...)
			wholeOut, wholeErr, err2 := run(t, whole, args...)
			if partOut != wholeOut || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
				t.Fatalf("ladder %v: partial decode differs from whole:\n%.3000s\n%s\nwhole:\n%.3000s\n%s", args, partOut, partErr, wholeOut, wholeErr)
			}
		}
	}
}
