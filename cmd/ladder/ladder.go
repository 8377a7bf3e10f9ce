// Package ladder implements `ctishark ladder`: draw the CTI messages of
// captures as a call ladder (sequence diagram) on the terminal, as SVG or
// as JSON.
package ladder

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/progress"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/ladder"
	"github.com/spf13/cobra"
)

// DefaultMaxArrows is how many arrows an SVG may hold without --force.
const DefaultMaxArrows = 20000

// LadderOptions are the flags and arguments of `ctishark ladder`.
type LadderOptions struct {
	IO *iostreams.IOStreams

	Files       []string
	Format      string
	Output      string
	Count       int
	Streams     []int
	Call        string
	Agent       string
	Force       bool
	Input       inputflags.Options // -p, --no-heuristics, --cti-version, --float-header, -Y
	ShowSecrets bool
	Color       string

	// MaxArrows caps SVG output (DefaultMaxArrows; tests lower it).
	MaxArrows int

	// Resolved by validate.
	sel ladder.Selector

	wholeDecode bool // tests: decode every field, as -Y does, to compare with the partial decode
}

// NewCmdLadder returns the ladder command; runF replaces ladderRun in tests.
func NewCmdLadder(f *factory.Factory, runF func(*LadderOptions) error) *cobra.Command {
	opts := &LadderOptions{IO: f.IOStreams, MaxArrows: DefaultMaxArrows}
	cmd := &cobra.Command{
		Use:   "ladder [flags] FILE...",
		Short: "Draw the CTI messages of captures as a call ladder",
		Long: `Ladder draws a sequence diagram of the CTI messages in captures: one
lifeline per endpoint (each CTI server address, and each client session
labelled with the client signature, agent and mode of its OPEN_REQ) and one
arrow per message in capture order.

Confirms carry the latency since their request; FAILURE_CONF and
CONTROL_FAILURE_CONF are red with their status names; requests never
answered are marked UNANSWERED; stream gaps are dotted lines; messages with
expert warnings or errors are marked.

Narrowing:
  --call ID    messages naming the call (CallID, ActiveCallID, HeldCallID,
               PrimaryCallID, NewCallID...) and its linked consult,
               transfer and conference legs (--no-linked: the call only),
               with the requests and confirms paired with them
  --agent ID   messages of the sessions whose OPEN_REQ named the agent, and
               messages carrying AgentID ID (a bridge client's events), with
               their request/confirm partners
  --stream N   only TCP stream N (repeatable)
  -c N         stop after N arrows

Views (-T):
  text  streamed, one line per arrow (box drawing and colour on a terminal)
  svg   a standalone SVG document (open it in a browser); at most 20000
        arrows unless --force
  json  endpoints and arrows as data

Columns appear only for endpoints that have an arrow in the selection.`,
		Example: `  # the whole capture on the terminal
  ctishark ladder capture.pcap

  # one call, as an SVG
  ctishark ladder --call 16777511 -T svg -w call.svg capture.pcap

  # one agent's session and the bridge events about the agent
  ctishark ladder --agent mlopez capture.pcap`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return factory.Usagef("ladder needs at least one capture file (or - for standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return ladderRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&opts.Format, "format", "T", "text", "view: text, svg or json")
	cmd.RegisterFlagCompletionFunc("format", view.Values("text", "svg", "json"))
	fl.StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	fl.StringVarP(&opts.Output, "write", "w", "", "same as -o")
	fl.IntVarP(&opts.Count, "count", "c", 0, "stop after `N` arrows")
	fl.StringVar(&opts.Call, "call", "", "only messages about call `ID`, its linked consult, transfer and conference legs, and their request/confirm partners")
	fl.BoolVar(&opts.sel.NoLinked, "no-linked", false, "with --call: leave out the call's linked legs")
	fl.StringVar(&opts.Agent, "agent", "", "only the sessions of agent `ID` and messages naming it")
	fl.IntSliceVar(&opts.Streams, "stream", nil, "only TCP stream `N` (repeatable)")
	fl.BoolVar(&opts.Force, "force", false, "draw an SVG of more than 20000 arrows")
	opts.Input.AddFlags(fl)
	fl.BoolVar(&opts.ShowSecrets, "show-secrets", false, "show passwords instead of ********")
	fl.StringVar(&opts.Color, "color", "auto", "colour `WHEN`: auto (on a terminal, unless NO_COLOR is set), always or never; always and never win over NO_COLOR")
	cmd.RegisterFlagCompletionFunc("color", view.Values(view.ColorValues...))
	return cmd
}

// validate checks the flags and resolves them.
func (o *LadderOptions) validate() error {
	switch o.Format {
	case "text", "svg", "json":
	default:
		return factory.Usagef("invalid -T %q: want text, svg or json", o.Format)
	}
	if o.Count < 0 {
		return factory.Usagef("-c must be a positive number of arrows")
	}
	if o.Call != "" {
		id, err := strconv.ParseUint(o.Call, 10, 32)
		if err != nil {
			return factory.Usagef("invalid --call %q: want a CallID (a number)", o.Call)
		}
		o.sel.CallID, o.sel.HasCall = id, true
	}
	o.sel.AgentID = o.Agent
	if len(o.Streams) > 0 {
		o.sel.Streams = map[int]bool{}
		for _, s := range o.Streams {
			if s < 0 {
				return factory.Usagef("invalid --stream %d", s)
			}
			o.sel.Streams[s] = true
		}
	}
	if err := o.Input.Validate(); err != nil {
		return err
	}
	if err := o.IO.SetColorMode(o.Color); err != nil {
		return &factory.UsageError{Err: err}
	}
	if err := inputflags.CheckFiles(o.Files); err != nil {
		return err
	}
	return inputflags.CheckOutput("-o", o.Output, o.Files...)
}

// pipelineOptions is the one place the pipeline is configured. Look-ahead
// is on: requests then know their confirm (for latencies, --call partners
// and UNANSWERED marks). -Y is not the pipeline's: every record is
// observed and selected (sessions, call legs, pairs) before the filter
// decides which arrows are drawn.
func (o *LadderOptions) pipelineOptions() pipeline.Options {
	p := o.Input.Pipeline()
	p.Filter = nil
	p.Lookahead = true
	// Arrows copy what they draw (strings and numbers): unless the
	// selector holds records back, later messages can reuse the memory of
	// those drawn, and drawing runs beside decoding.
	p.Recycle = !o.sel.Holds()
	p.Async = true
	p.Parallel = true
	// Only what the arrows show is decoded, and every expert item; -Y may
	// test any field.
	if o.Input.Match == nil && !o.wholeDecode {
		p.Reads, p.ReadsExpert = ladder.Reads, true
	}
	return p
}

// errEnough stops reading once -c arrows were drawn.
var errEnough = errors.New("ladder: count reached")

func ladderRun(o *LadderOptions) (err error) {
	out := o.IO.Out
	toFile := o.Output != "" && o.Output != "-"
	if toFile {
		f, cerr := os.Create(o.Output)
		if cerr != nil {
			return fmt.Errorf("ladder: %w", cerr)
		}
		defer func() {
			f.Close()
			// A refused or failed diagram leaves no file behind.
			var silent *factory.SilentError
			if err != nil && !errors.As(err, &silent) {
				os.Remove(o.Output)
			}
		}()
		out = f
	}
	sink, err := o.newSink(out, toFile)
	if err != nil {
		return err
	}
	b := ladder.NewBuilder(o.ShowSecrets)
	if o.Format == "json" {
		// The JSON document names arrow ends by column and lists the
		// endpoints at its end: clients can stay small records.
		b = ladder.NewCompactBuilder(o.ShowSecrets)
		sink.(*jsonSink).each = b.EachEndpoint
	}
	drawn := 0
	emit := func(r *pipeline.Record) error {
		if o.Input.Match != nil && !o.Input.Match(r) {
			return nil
		}
		a, fresh := b.Arrow(r)
		if err := sink.arrow(&a, fresh, b.Endpoints()); err != nil {
			return err
		}
		if !a.IsEvent() {
			drawn++
		}
		if o.Count > 0 && drawn >= o.Count {
			return errEnough
		}
		return nil
	}
	popts := o.pipelineOptions()
	if popts.Recycle {
		// The arrows' labels (Info, most of drawing's work) are made
		// ahead on every core.
		show := o.ShowSecrets
		popts.Render = func() func([]byte, *pipeline.Record) []byte {
			return func(dst []byte, r *pipeline.Record) []byte {
				if r.Msg == nil {
					return dst
				}
				return record.AppendInfo(dst, r.Msg, show)
			}
		}
		b.InfoAhead = true
	}
	p := pipeline.New(popts)
	// A progress bar for large files, unless the diagram goes to the same
	// terminal.
	tr := progress.NewTracker(o.IO, toFile || !o.IO.IsStdoutTTY())
	failed, rerr := tr.Read(p, o.Files, sink.flush, func(r *pipeline.Record) error {
		b.Observe(r)
		return o.sel.Push(r, emit)
	})
	if rerr == nil {
		rerr = o.sel.Flush(emit)
	}
	if rerr != nil && !errors.Is(rerr, errEnough) {
		return rerr
	}
	if err := sink.close(b.Endpoints(), drawn); err != nil {
		return err
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}

// title names the diagram after its inputs and narrowing.
func (o *LadderOptions) title() string {
	names := make([]string, len(o.Files))
	for i, f := range o.Files {
		if f == "-" {
			f = "standard input"
		}
		names[i] = f
	}
	t := "CTI ladder of " + strings.Join(names, ", ")
	var n []string
	if o.Call != "" {
		n = append(n, "call "+o.Call)
	}
	if o.Agent != "" {
		n = append(n, "agent "+o.Agent)
	}
	if len(o.Streams) > 0 {
		s := make([]string, len(o.Streams))
		for i, v := range o.Streams {
			s[i] = strconv.Itoa(v)
		}
		n = append(n, "stream "+strings.Join(s, ","))
	}
	if len(n) > 0 {
		t += " (" + strings.Join(n, ", ") + ")"
	}
	return t
}

// sink is where arrows go: the streaming text writer, or a collector for
// the SVG and JSON documents.
type sink interface {
	arrow(a *ladder.Arrow, fresh, all []*ladder.Endpoint) error
	flush()
	close(endpoints []*ladder.Endpoint, drawn int) error
}

func (o *LadderOptions) newSink(w io.Writer, toFile bool) (sink, error) {
	switch o.Format {
	case "svg":
		max := o.MaxArrows
		if o.Force {
			max = 0
		}
		return &svgSink{w: w, title: o.title(), max: max}, nil
	case "json":
		return &jsonSink{w: ladder.NewJSON(w, o.title())}, nil
	}
	tty := o.IO.IsStdoutTTY() && !toFile
	t := ladder.NewText(w, ladder.TextOptions{Unicode: tty, Color: o.IO.ColorEnabled() && !toFile, Width: o.IO.TerminalWidth()})
	if err := t.Title(o.title()); err != nil {
		return nil, err
	}
	return &textSink{t: t}, nil
}

type textSink struct{ t *ladder.TextWriter }

func (s *textSink) arrow(a *ladder.Arrow, fresh, _ []*ladder.Endpoint) error {
	return s.t.Arrow(a, fresh)
}
func (s *textSink) flush() { s.t.Flush() }
func (s *textSink) close(_ []*ladder.Endpoint, drawn int) error {
	if drawn == 0 {
		s.t.Note("no CTI messages selected")
	}
	return s.t.Flush()
}

type svgSink struct {
	w     io.Writer
	title string
	max   int
	d     ladder.Diagram
}

func (s *svgSink) arrow(a *ladder.Arrow, _, _ []*ladder.Endpoint) error {
	if s.max > 0 && len(s.d.Arrows) >= s.max {
		return fmt.Errorf("ladder: more than %d arrows for an SVG; narrow the selection (--call, --agent, --stream, -c) or pass --force", s.max)
	}
	s.d.Arrows = append(s.d.Arrows, *a)
	return nil
}
func (s *svgSink) flush() {}
func (s *svgSink) close(endpoints []*ladder.Endpoint, _ int) error {
	s.d.Title = s.title
	s.d.Endpoints = endpoints
	return ladder.WriteSVG(s.w, &s.d)
}

type jsonSink struct {
	w    *ladder.JSONWriter
	each func(func(*ladder.Endpoint) error) error // the compact builder's endpoints
}

func (s *jsonSink) arrow(a *ladder.Arrow, _, _ []*ladder.Endpoint) error { return s.w.ArrowByColumn(a) }
func (s *jsonSink) flush()                                               {}
func (s *jsonSink) close(_ []*ladder.Endpoint, _ int) error              { return s.w.CloseEach(s.each) }
