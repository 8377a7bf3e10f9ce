// Package check implements `ctishark check`: assertions about captures,
// read from a YAML rules file, for regression tests and CI.
package check

import (
	"errors"
	"fmt"
	"github.com/ctishark/ctishark/dissect/record"
	"path/filepath"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/spf13/cobra"
)

// CheckOptions are the flags and arguments of `ctishark check`.
type CheckOptions struct {
	IO *iostreams.IOStreams

	Rules string
	Files []string
	JUnit string
	Input inputflags.Options // -p, --no-heuristics, --cti-version, --float-header, -Y
	Color string
}

// NewCmdCheck returns the check command; runF replaces checkRun in tests.
func NewCmdCheck(f *factory.Factory, runF func(*CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "check [flags] RULES.yaml CAPTURE...",
		Short: "Assert facts about captures (regression tests, CI)",
		Long: `Check reads the captures (as one stream, like read: message numbers run
across files) and evaluates every rule of RULES.yaml in one pass. It prints
PASS or FAIL per rule with the reason and the offending message numbers,
and exits 0 when every rule passed, 1 when one failed, 2 when the rules
file or a capture is unusable.

A rules file is a list under "rules:". Each rule has one assertion, an
optional name, and an optional filter (display filter syntax, as read -Y)
limiting the messages it looks at. -Y FILTER limits the messages every
rule looks at (the capture still ends at its last message):

  rules:
    - name: heartbeats answered fast
      filter: cti.msg_type == "HEARTBEAT_REQ"
      answered_within: 100ms
    - count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', op: ">=", value: 3}
    - no_failures: {allow: [CF_INVALID_CSTA_CONNECTION_ID]}
    - no_expert: error
    - sequence: {per: call, steps: [CALL_DELIVERED_EVENT, CALL_ESTABLISHED_EVENT, CALL_CLEARED_EVENT]}
    - golden: expected.jsonl
      ignore: [time, cti.InvokeID]

Assertions:
  count            number of messages matching filter compared with value;
                   op is one of == != >= <= > < (default ==)
  answered_within  every request has its confirm (or failure) within the
                   duration; a request never answered fails, unless the
                   capture ended less than the duration after it
  no_failures      no FAILURE_CONF, FAILURE_EVENT or CONTROL_FAILURE_CONF,
                   except those whose status code is listed in allow
  no_expert        no expert item of this severity or above (note, warning,
                   error); stream gaps and skipped bytes count as warnings
  sequence         ordered steps per call (stream + call ID), per agent
                   (stream + AgentID) or per stream: a group opens a cycle
                   at the first step; each step must follow the one before
                   (a step arriving early is an error, repeats are fine);
                   a cycle still open at the end fails; groups whose first
                   step was not captured are ignored
  golden           the decode equals a stored "read -T jsonl" output (of
                   the same filter), line by line; ignore drops top-level
                   keys (time, num, response_time; session.version for
                   a nested key) or fields by filter name (cti.InvokeID)

Golden paths are relative to the rules file.`,
		Example: `  ctishark check rules.yaml capture.pcapng
  ctishark check --junit report.xml rules.yaml day1.pcap day2.pcap

  # make a golden file to compare future captures with
  ctishark read -T jsonl -Y 'cti.msg_type matches "^CALL_"' capture.pcap > calls.jsonl`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return factory.Usagef("check needs a rules file and at least one capture")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Rules, opts.Files = args[0], args[1:]
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return checkRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&opts.JUnit, "junit", "", "also write the results as JUnit XML to `FILE`")
	opts.Input.AddFlags(fl)
	fl.StringVar(&opts.Color, "color", "auto", "colour `WHEN`: auto (on a terminal, unless NO_COLOR is set), always or never; always and never win over NO_COLOR")
	cmd.RegisterFlagCompletionFunc("color", view.Values(view.ColorValues...))
	return cmd
}

func (o *CheckOptions) validate() error {
	if err := o.Input.Validate(); err != nil {
		return err
	}
	if err := o.IO.SetColorMode(o.Color); err != nil {
		return &factory.UsageError{Err: err}
	}
	if err := inputflags.CheckFiles(o.Files); err != nil {
		return err
	}
	return inputflags.CheckOutput("--junit", o.JUnit, append([]string{o.Rules}, o.Files...)...)
}

// pipelineOptions is the one place the pipeline is configured. Look-ahead
// is on so requests know their answer (answered_within). -Y is applied by
// checkRun, not the pipeline: the capture end must stay its last message
// whatever the filter keeps.
func (o *CheckOptions) pipelineOptions() pipeline.Options {
	p := o.Input.Pipeline()
	p.Filter = nil
	p.Lookahead = true
	return p
}

// rule is a compiled rule.
type rule struct {
	spec  ruleSpec
	name  string
	match func(*pipeline.Record) bool // nil = every record
	a     assertion
}

// compile turns rule specs into evaluators; errors name the rules file line.
func compile(file string, specs []ruleSpec) ([]*rule, error) {
	var rules []*rule
	fail := func(s ruleSpec, format string, args ...any) error {
		return &ruleFileError{File: file, Line: s.Line, Msg: fmt.Sprintf(format, args...)}
	}
	matcher := func(s ruleSpec, expr, what string, line int) (func(*pipeline.Record) bool, error) {
		if expr == "" {
			return nil, nil
		}
		f, err := filter.Compile(expr)
		if err != nil {
			if line > 0 {
				s.Line = line // the filter's own line, not the rule's
			}
			return nil, fail(s, "%s: %v", what, err)
		}
		return pipeline.Matcher(f), nil
	}
	for _, s := range specs {
		r := &rule{spec: s, name: s.Name}
		var err error
		if r.match, err = matcher(s, s.Filter, "filter", s.FilterLine); err != nil {
			return nil, err
		}
		switch s.Kind {
		case "count":
			c := &countAssert{op: s.Op, value: s.Value}
			if c.match, err = matcher(s, s.CountFilter, "count filter", s.CountFilterLine); err != nil {
				return nil, err
			}
			r.a = c
			if r.name == "" {
				what := "messages"
				if s.CountFilter != "" {
					what = s.CountFilter
				}
				r.name = fmt.Sprintf("count(%s) %s %d", what, s.Op, s.Value)
			}
		case "answered_within":
			r.a = &answeredAssert{within: s.Within}
			r.setName("requests answered within " + s.Within.String())
		case "no_failures":
			r.a = &failuresAssert{allow: s.Allow}
			r.setName("no failures")
		case "no_expert":
			r.a = &expertAssert{min: parseSeverity(s.Severity)}
			r.setName("no expert items of severity " + s.Severity + " or above")
		case "sequence":
			for _, st := range s.Steps {
				if dissect.LookupName(st) == nil {
					return nil, fail(s, "sequence step %s is not a message type", st)
				}
			}
			r.a = &seqAssert{per: s.Per, steps: s.Steps, open: map[seqKey]*seqState{}}
			r.setName(fmt.Sprintf("sequence per %s: %v", s.Per, s.Steps))
		case "golden":
			g, err := newGolden(s.Golden, s.Ignore)
			if err != nil {
				return nil, fail(s, "golden: %v", err)
			}
			r.a = g
			r.setName("golden " + filepath.Base(s.Golden))
		}
		if r.spec.Filter != "" && s.Name == "" {
			r.name += " [" + s.Filter + "]"
		}
		rules = append(rules, r)
	}
	return rules, nil
}

func (r *rule) setName(def string) {
	if r.name == "" {
		r.name = def
	}
}

func checkRun(o *CheckOptions) error {
	specs, err := loadRules(o.Rules)
	if err != nil {
		return rulesError(err)
	}
	file := filepath.Base(o.Rules)
	rules, err := compile(file, specs)
	if err != nil {
		return rulesError(err)
	}
	popts := o.pipelineOptions()
	popts.OnVerdict = func(v record.Verdict) {
		// A request the look-ahead released before its answer: the rules
		// that observed it hear how it ended.
		for _, ru := range rules {
			if vr, ok := ru.a.(verdictHearer); ok {
				vr.verdict(v)
			}
		}
	}
	p := pipeline.New(popts)
	var end time.Time
	captureErr := false
	in := pipeline.Inputs{Names: o.Files, Stdin: o.IO.In, OnError: func(name string, err error) {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", err)
		captureErr = true
	}, OnWarning: pipeline.WarnTo(o.IO.ErrOut)}
	_, err = p.ReadFiles(in, func(r *pipeline.Record) error {
		if r.Frame.Time.After(end) {
			end = r.Frame.Time
		}
		if o.Input.Match != nil && !o.Input.Match(r) {
			return nil
		}
		for _, ru := range rules {
			if ru.match == nil || ru.match(r) {
				ru.a.observe(r)
			}
		}
		return nil
	})
	results := make([]result, len(rules))
	failed := false
	for i, ru := range rules {
		out := ru.a.finish(end) // also closes golden files
		results[i] = result{name: ru.name, kind: ru.spec.Kind, line: ru.spec.Line, out: out}
		failed = failed || !out.pass
	}
	if err != nil {
		return err
	}
	if captureErr {
		fmt.Fprintln(o.IO.ErrOut, "ctishark: check: a capture could not be read in full; no verdict")
		return &factory.SilentError{Code: factory.ExitUsage}
	}
	if err := writeReport(o.IO.Out, file, results, o.IO.ColorEnabled()); err != nil {
		return err
	}
	if o.JUnit != "" {
		if err := writeJUnit(o.JUnit, file, o.Files, results); err != nil {
			fmt.Fprintf(o.IO.ErrOut, "ctishark: --junit: %v\n", err)
			return &factory.SilentError{Code: factory.ExitUsage}
		}
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}

// rulesError makes an unusable rules file exit with code 2 with its message.
func rulesError(err error) error {
	var re *ruleFileError
	if errors.As(err, &re) {
		return &factory.UsageError{Err: err}
	}
	return &factory.UsageError{Err: fmt.Errorf("rules: %w", err)}
}
