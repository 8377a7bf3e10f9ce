package doctor

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/spf13/cobra"
)

// wholeDecode is the doctor decoding every field of every message, as
// with -Y, instead of the fields its rules read (diag.Reads).
func wholeDecode(f *factory.Factory, _ func(*DoctorOptions) error) *cobra.Command {
	return NewCmdDoctor(f, func(o *DoctorOptions) error {
		o.wholeDecode = true
		return doctorRun(o)
	})
}

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
