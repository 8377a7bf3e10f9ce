// Package doctor implements `ctishark doctor`: what is wrong on the CTI
// link, and why, in the words of the protocol's rules. The rules and the
// findings live in dissect/diag; every command sees the same
// findings as expert items (the pipeline runs the rules), doctor ranks them.
package doctor

import (
	"fmt"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/report"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/diag"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/spf13/cobra"
)

// DoctorOptions are the flags and arguments of `ctishark doctor`.
type DoctorOptions struct {
	IO     *iostreams.IOStreams
	Input  inputflags.Options
	Files  []string
	Format string
	Rules  []string // --rule: only these codes
	Skip   []string // --skip: not these codes
	List   bool     // --list-rules

	rules int // rules evaluated, once resolved

	wholeDecode bool // tests: decode every field, as -Y does, to compare with the partial decode
}

// reads is what the report reads of each message: its findings, which
// are the message's own expert items, and no field (the rules' own are
// kept by the pipeline); nil Fields decodes everything.
func (o *DoctorOptions) reads() report.Reads {
	if o.wholeDecode {
		return report.All
	}
	return report.Reads{Fields: func(*dissect.FieldDef) bool { return false }}
}

// NewCmdDoctor returns the doctor command; runF replaces doctorRun in tests.
func NewCmdDoctor(f *factory.Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "doctor [flags] FILE...",
		Short: "What is wrong on the CTI link, and why",
		Long: `Doctor checks captures against the rules of the Unified CCX CTI protocol
(session setup, liveness, agents, calls, requests) and prints a ranked
report: errors, then warnings, then notes, one block per rule code
(cti.diag.*) with its count, the first messages concerned, the streams,
agents and calls, what each occurrence was, why the rule exists and the
guide section it comes from. --list-rules prints the rule table.

The same findings are expert items of the messages in every command:
  ctishark read -Y 'cti.expert == cti.diag.heartbeat_missed' capture.pcap
and check's no_expert sees them. -Y narrows the report to the findings on
the messages it keeps (the rules still see the whole capture). --rule and
--skip (codes, with or without the cti.diag. prefix; repeatable or
comma-separated) choose the rules. -T json prints one document, described
in dissect/diag/JSON.md.

Exit status: 1 when an error-level finding is reported (or a capture could
not be read in full), 0 otherwise, so doctor can gate CI next to check.`,
		Example: `  ctishark doctor capture.pcap
  ctishark doctor --skip request_failed -T json capture.pcap | jq '.findings[].code'
  ctishark doctor -Y 'cti.stream == 3' capture.pcap`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if opts.List {
				return listRules(opts)
			}
			if err := report.Validate(&opts.Input, args, opts.Format); err != nil {
				return err
			}
			keep, n, err := selectRules(opts.Rules, opts.Skip)
			if err != nil {
				return err
			}
			opts.Input.DiagRules, opts.rules = keep, n
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	report.AddFormatFlag(fl, &opts.Format)
	fl.StringSliceVar(&opts.Rules, "rule", nil, "run only the rule with this `CODE` (repeatable)")
	fl.StringSliceVar(&opts.Skip, "skip", nil, "do not run the rule with this `CODE` (repeatable)")
	fl.BoolVar(&opts.List, "list-rules", false, "print the rule table and exit")
	opts.Input.AddFlags(fl)
	return cmd
}

// selectRules turns --rule/--skip into the pipeline's rule choice; it
// returns nil (every rule) when neither is given, and how many rules run.
func selectRules(only, skip []string) (func(string) bool, int, error) {
	resolve := func(flag string, codes []string) (map[string]bool, error) {
		set := map[string]bool{}
		for _, c := range codes {
			c = strings.TrimSpace(c)
			if !strings.HasPrefix(c, diag.Prefix) {
				c = diag.Prefix + c
			}
			if diag.Lookup(c) == nil {
				return nil, factory.Usagef("%s %s: no such rule (see --list-rules)", flag, c)
			}
			set[c] = true
		}
		return set, nil
	}
	in, err := resolve("--rule", only)
	if err != nil {
		return nil, 0, err
	}
	out, err := resolve("--skip", skip)
	if err != nil {
		return nil, 0, err
	}
	keep := func(code string) bool { return (len(in) == 0 || in[code]) && !out[code] }
	n := 0
	for _, ru := range diag.Rules {
		if keep(ru.Code) {
			n++
		}
	}
	if n == 0 {
		return nil, 0, factory.Usagef("--rule and --skip leave no rule to run")
	}
	if len(in) == 0 && len(out) == 0 {
		keep = nil
	}
	return keep, n, nil
}

func doctorRun(o *DoctorOptions) error {
	rp := diag.NewReport()
	rp.Select = o.Input.Match
	err := report.Run(o.IO, &o.Input, o.Files, o.reads(), rp.Add, func(reassembly.Stats) error {
		if o.Format == "json" {
			return diag.WriteJSON(o.IO.Out, rp, o.rules)
		}
		return writeTable(o.IO.Out, rp, o.rules)
	})
	if err != nil {
		return err
	}
	if rp.Worst() >= dissect.SeverityError {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}

func listRules(o *DoctorOptions) error {
	var b strings.Builder
	for _, ru := range diag.Rules {
		fmt.Fprintf(&b, "%-40s %-8s %-9s %s\n", ru.Code, ru.Severity, ru.Area, ru.Summary)
	}
	_, err := fmt.Fprint(o.IO.Out, b.String())
	return err
}
