package stats

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/spf13/cobra"
)

// wholeDecode is the stats command decoding every field of every message,
// as with -Y, instead of the fields its report and the rules read.
func wholeDecode(f *factory.Factory, _ func(*StatsOptions) error) *cobra.Command {
	return NewCmdStats(f, func(o *StatsOptions) error {
		o.wholeDecode = true
		return statsRun(o)
	})
}

// TestPartialDecodeShowsTheSame holds stats (table and JSON: counts,
// response times, failures, sessions, expert items and findings by code)
// to the same bytes whether messages are decoded whole or only in the
// fields the report and the rules read, with every expert item kept: on
// captures that break every rule, and after changing bytes of a capture
// so that fields it leaves out draw expert items.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	paths := append(testutil.VariedCaptures(t), testutil.Scrambled(t, 400))
	for _, path := range paths {
		for _, v := range [][]string{{}, {"-T", "json"}} {
			args := append(v, path)
			partOut, partErr, err1 := testutil.Exec(t, NewCmdStats, args...)
			wholeOut, wholeErr, err2 := testutil.Exec(t, wholeDecode, args...)
			if partOut != wholeOut || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
				t.Fatalf("stats %v: partial decode differs from whole:\n%s\n%s\nwhole:\n%s\n%s", args, partOut, partErr, wholeOut, wholeErr)
			}
		}
	}
}
