package calls

import (
	"encoding/json"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// wholeDecode is the calls command decoding every field of every message,
// as with -Y.
var wholeDecode = testutil.Tweaked(NewCmdCalls, callsRun, func(o *CallsOptions) { o.wholeDecode = true })

// TestPartialDecodeShowsTheSame holds every calls view (the table, JSON,
// CSV, timelines with and without linked legs) to the same bytes whether
// the messages are decoded whole or only in the fields the view reads:
// a field the view reads but CallsReads does not name shows here.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	for _, path := range testutil.VariedCaptures(t) {
		views := [][]string{{}, {"-T", "json"}, {"-T", "csv"}}
		out, _, err := run(t, "-T", "json", path)
		if err != nil {
			t.Fatal(err)
		}
		var calls []call
		if err := json.Unmarshal([]byte(out), &calls); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		timelines := 0
		for i, c := range calls {
			// Calls with links or variables, and every fifth: eight at most.
			if timelines < 8 && (len(c.Links) > 0 || len(c.Vars) > 0 || i%5 == 0) {
				views = append(views, []string{"--call", itoa(c.CallID), "-T", "json"}, []string{"--call", itoa(c.CallID), "--no-linked"})
				timelines++
			}
		}
		if timelines == 0 {
			t.Fatalf("%s: no call to follow", path)
		}
		testutil.SameOutput(t, NewCmdCalls, wholeDecode, views, path)
	}
}
