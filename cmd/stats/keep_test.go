package stats

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// wholeDecode is the stats command decoding every field of every message,
// as with -Y.
var wholeDecode = testutil.Tweaked(NewCmdStats, statsRun, func(o *StatsOptions) { o.wholeDecode = true })

// TestPartialDecodeShowsTheSame holds stats (table and JSON: counts,
// response times, failures, sessions, expert items and findings by code)
// to the same bytes whether messages are decoded whole or only in the
// fields the report and the rules read, with every expert item kept: on
// captures that break every rule, and after changing bytes of a capture
// so that fields it leaves out draw expert items.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	paths := append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3))
	testutil.SameOutput(t, NewCmdStats, wholeDecode, [][]string{{}, {"-T", "json"}}, paths...)
}
