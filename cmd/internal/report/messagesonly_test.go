package report

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
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
		in := parseInput(t, args...)
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
		if err := run(ios, in, []string{path}, add, func(reassembly.Stats) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	all := findings(func(ios *iostreams.IOStreams, in *inputflags.Options, files []string, add func(*pipeline.Record), write func(reassembly.Stats) error) error {
		return Run(ios, in, files, All, add, write)
	})
	if all == 0 {
		t.Fatal("Run: no findings or verdicts on a capture of every fault")
	}
	messagesOnly := func(ios *iostreams.IOStreams, in *inputflags.Options, files []string, add func(*pipeline.Record), write func(reassembly.Stats) error) error {
		return RunMessagesOnly(ios, in, files, All, add, write)
	}
	if n := findings(messagesOnly); n != 0 {
		t.Fatalf("RunMessagesOnly without -Y: %d findings and verdicts, want the rules and the look-ahead off", n)
	}
	if n := findings(messagesOnly, "-Y", "cti.expert"); n != all {
		t.Fatalf("RunMessagesOnly with -Y: %d findings and verdicts, want the %d of Run", n, all)
	}
}

// With the fields it reads named, a report decodes only those (and the
// fixed ones) without -Y, and every field with -Y, which may test any.
func TestRunMessagesOnlyDecodesWhatItReads(t *testing.T) {
	path, _, _ := testutil.Capture(t, gen.DefaultConfig())
	reads := func(fd *dissect.FieldDef) bool { return fd.Name == "AgentState" }
	count := func(args ...string) (partial, sigs int) {
		t.Helper()
		in := parseInput(t, args...)
		ios, _, _, _ := iostreams.Test()
		add := func(r *pipeline.Record) {
			if r.Msg == nil {
				return
			}
			if r.Msg.Partial() {
				partial++
			}
			if r.Msg.Def != nil && r.Msg.Def.ID == dissect.MsgAgentStateEvent && r.Msg.Get("CTIClientSignature") != nil {
				sigs++
			}
		}
		if err := RunMessagesOnly(ios, in, []string{path}, Reads{Fields: reads}, add, func(reassembly.Stats) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return partial, sigs
	}
	partial, sigs := count()
	if partial == 0 || sigs != 0 {
		t.Fatalf("without -Y: %d partial messages, %d agent state events with a CTIClientSignature; want some, and none", partial, sigs)
	}
	partial, sigs = count("-Y", "cti.msg_type")
	if partial != 0 || sigs == 0 {
		t.Fatalf("with -Y: %d partial messages, %d agent state events with a CTIClientSignature; want none, and some", partial, sigs)
	}
}

// parseInput is the input flags of a command given args.
func parseInput(t *testing.T, args ...string) *inputflags.Options {
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
	return &in
}

// A report that reads no call reference gets none without -Y (calls are
// not numbered), and every one with -Y, which may test any record.
func TestRunMessagesOnlyNumbersCallsOnlyWhenRead(t *testing.T) {
	path, _, _ := testutil.Capture(t, gen.DefaultConfig())
	named := func(args ...string) int {
		t.Helper()
		ios, _, _, _ := iostreams.Test()
		n := 0
		add := func(r *pipeline.Record) { n += len(r.Calls) }
		if err := RunMessagesOnly(ios, parseInput(t, args...), []string{path}, Reads{NoCalls: true}, add, func(reassembly.Stats) error { return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := named(); n != 0 {
		t.Fatalf("without -Y: %d call references, want none", n)
	}
	if n := named("-Y", "cti.msg_type"); n == 0 {
		t.Fatal("with -Y: no call references")
	}
}
