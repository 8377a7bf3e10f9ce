// Package calls implements `ctishark calls`: one row per call, merged
// across the sessions that saw it, or one call's event timeline.
package calls

import (
	"fmt"
	"strconv"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/report"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render/analyze"
	"github.com/spf13/cobra"
)

// CallsOptions are the flags and arguments of `ctishark calls`.
type CallsOptions struct {
	IO       *iostreams.IOStreams
	Input    inputflags.Options
	Files    []string
	Format   string
	Call     string // --call: the CallID whose timeline is printed
	NoLinked bool   // --no-linked: the timeline leaves out linked legs
	MaxCalls int    // --max-calls: the calls itemised

	callID uint32

	wholeDecode bool // tests: decode every field, as -Y does, to compare with the partial decode
}

// NewCmdCalls returns the calls command; runF replaces callsRun in tests.
func NewCmdCalls(f *factory.Factory, runF func(*CallsOptions) error) *cobra.Command {
	opts := &CallsOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "calls [flags] FILE...",
		Short: "One row per call: parties, queue, agent, answer, duration and how it ended",
		Long: `Calls follows every CallID through the call events of the captures. The
same call reaches several sessions (the agent desktops involved and every
bridge client); their events are merged into one row per call:

  CALLID, FIRST/LAST   CallID, first and last message naming it
  ANI, DNIS, DIALED    from the first event carrying them
  CSQ                  CSQID and queue name (CALL_QUEUED_EVENT)
  AGENT                agent (extension) that answered, else the last agent it rang
  ANSWERED             first CALL_ESTABLISHED_EVENT
  DURATION             seconds from the answer (or first sight) to the end
  END                  cleared, abandoned (cleared unanswered), transferred or
                       conferenced (a consult call merged into another), or
                       active (no end before the capture ends), with the
                       EventCause name when it is not CEC_NONE
  LINKS                → N (transfer|conference): merged into call N;
                       ← N: call N merged into this one; consult: the call a
                       consult call was placed from (CONSULT_CALL_REQ/CONF)

A call is a CallID within one capture file's server session and time
span: CCX reuses CallIDs, so the same CallID after the call ended, or in
another capture, is another row (with several captures, FILE says which).
--call ID prints that call's timeline instead: every message naming it or
its linked consult, transfer and conference legs (--no-linked: the call
only), requests and confirms included, with its stream and client mode,
connection state, cause, the devices it names and the call variables
(CallVariable1-10, named variables and arrays) that changed with it.`,
		Example: `  ctishark calls capture.pcap
  ctishark calls --call 16777516 capture.pcap
  ctishark calls -T json capture.pcap | jq '.[] | select(.end == "abandoned")'
  ctishark calls -T csv capture.pcap > calls.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if err := report.Validate(&opts.Input, args, opts.Format, "csv"); err != nil {
				return err
			}
			if opts.Call != "" {
				n, err := strconv.ParseUint(opts.Call, 10, 32)
				if err != nil || n == 0 {
					return factory.Usagef("invalid --call %q (want a CallID, 1-4294967295)", opts.Call)
				}
				opts.callID = uint32(n)
				if opts.Format == "csv" {
					return factory.Usagef("-T csv writes the calls table; --call's timeline is table or json")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return callsRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	report.AddFormatFlag(fl, &opts.Format)
	cmd.RegisterFlagCompletionFunc("format", view.Values("table", "json", "csv"))
	fl.Lookup("format").Usage = "output `FORMAT`: table, json, or csv (one row per call, for spreadsheets)"
	fl.StringVar(&opts.Call, "call", "", "print the timeline of the call with this `CallID`, with its linked consult, transfer and conference legs")
	fl.BoolVar(&opts.NoLinked, "no-linked", false, "with --call: only the call itself, without its linked legs")
	fl.IntVar(&opts.MaxCalls, "max-calls", analyze.MaxCalls, "itemise at most `N` calls (each costs about a hundred bytes until the end); later ones are counted")
	opts.Input.AddFlags(fl)
	return cmd
}

// reads is what the view reads of each message, for the pipeline to decode
// only that (report.RunMessagesOnly); nil decodes everything.
func (o *CallsOptions) reads() report.Reads {
	if o.wholeDecode {
		return report.All
	}
	return report.Reads{Fields: analyze.CallsReads}
}

func callsRun(o *CallsOptions) error {
	cs := analyze.NewCalls()
	cs.Timeline, cs.NoLinked = o.callID, o.NoLinked
	cs.Select = o.Input.Match
	cs.Max = o.MaxCalls
	cs.NoVars = o.Format != "json" // only JSON lists the variables
	return report.RunMessagesOnly(o.IO, &o.Input, o.Files, o.reads(), func(r *pipeline.Record) { cs.Add(r) }, func(reassembly.Stats) error {
		return writeCalls(o, cs)
	})
}

// writeCalls prints the calls table, or --call's timeline.
func writeCalls(o *CallsOptions, cs *analyze.Calls) error {
	defer notes(o, cs)
	switch {
	case o.callID != 0:
		tl := timelineCalls(cs.TimelineCalls(), o.callID)
		if len(tl) == 0 {
			fmt.Fprintf(o.IO.ErrOut, "ctishark: no call event names CallID %d\n", o.callID)
			return &factory.SilentError{Code: factory.ExitError}
		}
		if o.Format == "json" {
			return analyze.WriteCallTimelineJSON(o.IO.Out, tl, cs.Events(), cs)
		}
		return analyze.WriteCallTimeline(o.IO.Out, tl, cs.Events(), cs)
	case o.Format == "json":
		return analyze.WriteCallsJSON(o.IO.Out, cs)
	case o.Format == "csv":
		return analyze.WriteCallsCSV(o.IO.Out, cs)
	default:
		return analyze.WriteCallsTable(o.IO.Out, cs)
	}
}

// notes says on stderr what a bound left out of the calls: those past
// --max-calls (the table says so on its last line too), those summarised
// before their end, variables and links past a call's bound.
func notes(o *CallsOptions, cs *analyze.Calls) {
	if n := cs.Unlisted(); n > 0 && o.Format != "table" && o.callID == 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %d more calls not listed (at most %d are; --max-calls raises the bound)\n", n, o.MaxCalls)
	}
	if n := cs.Early(); n > 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %d calls summarised before their end: more than %d calls were open at once\n", n, analyze.MaxWorking)
	}
	if n := cs.ExtensionsNotKept(); n > 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %d agent state events past the first %d extensions not kept: calls on those extensions show no agent\n", n, analyze.MaxExtensions)
	}
	if n := cs.Dropped(); n > 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %d call variables or links not kept: past the bound of %d variables and %d links per call\n", n, analyze.MaxCallVars, analyze.MaxCallLinks)
	}
}

// timelineCalls puts the first call with the asked CallID first; nil when
// no call has it.
func timelineCalls(calls []*analyze.Call, id uint32) []*analyze.Call {
	for i, c := range calls {
		if c.CallID == id {
			return append(append([]*analyze.Call{c}, calls[:i]...), calls[i+1:]...)
		}
	}
	return nil
}
