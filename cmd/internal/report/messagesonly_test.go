package report

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/spf13/pflag"
)

// A report that reads only messages runs without the doctor's rules and
// without holding requests for their answers, unless -Y is given, which
// may test either; Run keeps both. Counted on a capture with every fault
// scenario, which breaks the rules and leaves requests unanswered.
func TestRunMessagesOnlySkipsRulesUnlessFiltered(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"all"}
	path, _, _ := testutil.Capture(t, cfg)
	findings := func(run func(*iostreams.IOStreams, *inputflags.Options, []string, func(*pipeline.Record), func(reassembly.Stats) error) error, args ...string) int {
		t.Helper()
		var in inputflags.Options
		fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
		in.AddFlags(fl)
		if err := fl.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := in.Validate(); err != nil {
			t.Fatal(err)
		}
		ios, _, _, _ := iostreams.Test()
		n := 0
		add := func(r *pipeline.Record) {
			if r.Msg == nil {
				return
			}
			if r.Response != nil || r.Unanswered {
				n++ // a verdict is a finding of the look-ahead's
			}
			for _, e := range r.Msg.Expert {
				if strings.HasPrefix(e.Code, "cti.diag.") {
					n++
				}
			}
		}
		if err := run(ios, &in, []string{path}, add, func(reassembly.Stats) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	all := findings(Run)
	if all == 0 {
		t.Fatal("Run: no findings or verdicts on a capture of every fault")
	}
	if n := findings(RunMessagesOnly); n != 0 {
		t.Fatalf("RunMessagesOnly without -Y: %d findings and verdicts, want the rules and the look-ahead off", n)
	}
	if n := findings(RunMessagesOnly, "-Y", "cti.expert"); n != all {
		t.Fatalf("RunMessagesOnly with -Y: %d findings and verdicts, want the %d of Run", n, all)
	}
}
