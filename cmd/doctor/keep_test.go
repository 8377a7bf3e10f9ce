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
	found := false
	for _, path := range append(testutil.VariedCaptures(t), testutil.Scrambled(t, 400)) {
		for _, v := range [][]string{{}, {"-T", "json"}} {
			args := append(v, path)
			partOut, partErr, err1 := testutil.Exec(t, NewCmdDoctor, args...)
			wholeOut, wholeErr, err2 := testutil.Exec(t, wholeDecode, args...)
			if partOut != wholeOut || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
				t.Fatalf("doctor %v: partial decode differs from whole:\n%s\n%s\nwhole:\n%s\n%s", args, partOut, partErr, wholeOut, wholeErr)
			}
			found = found || len(partOut) > 2000
		}
	}
	if !found {
		t.Fatal("no capture with findings to compare")
	}
}
