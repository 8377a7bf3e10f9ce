package doctor

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// wholeDecode is the doctor command decoding every field of every message,
// as with -Y.
var wholeDecode = testutil.Tweaked(NewCmdDoctor, doctorRun, func(o *DoctorOptions) { o.wholeDecode = true })

// TestPartialDecodeShowsTheSame holds the doctor's findings (table and
// JSON, with their examples, streams, agents and calls) to the same bytes
// whether messages are decoded whole or only in the fields the rules read:
// a field a rule reads but diag.Reads does not name shows here, on the
// captures of every fault scenario.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	paths := append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3))
	testutil.SameOutput(t, NewCmdDoctor, wholeDecode, [][]string{{}, {"-T", "json"}}, paths...)
	if out, _, _ := testutil.Exec(t, NewCmdDoctor, "-T", "json", paths[2]); len(out) < 2000 {
		t.Fatalf("doctor %s: %d bytes: no findings to compare", paths[2], len(out))
	}
}
