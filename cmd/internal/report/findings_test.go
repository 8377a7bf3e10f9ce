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

// A report that reads no expert items runs without the doctor's rules
// unless -Y is given, which may test their findings; Run keeps them.
// Counted on a capture with every fault scenario, which breaks the rules.
func TestRunNoFindingsSkipsRulesUnlessFiltered(t *testing.T) {
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
		t.Fatal("Run: no findings on a capture of every fault")
	}
	if n := findings(RunNoFindings); n != 0 {
		t.Fatalf("RunNoFindings without -Y: %d findings, want the rules off", n)
	}
	if n := findings(RunNoFindings, "-Y", "cti.expert"); n != all {
		t.Fatalf("RunNoFindings with -Y: %d findings, want the %d of Run", n, all)
	}
}
