package render

import (
	"fmt"
	"io"
	"time"

	"github.com/ctishark/ctishark/dissect/record"
	"github.com/fatih/color"
)

// Format is an output view.
type Format string

// The views.
const (
	FormatTable Format = "table"
	FormatTree  Format = "tree"
	FormatJSON  Format = "json"
	FormatJSONL Format = "jsonl"
	FormatEK    Format = "ek"   // tshark's -T ek: Elasticsearch bulk lines
	FormatPSML  Format = "psml" // tshark's -T psml: the packet list as XML
	// FormatFields prints only the fields Options.Fields names.
	FormatFields Format = "fields"
)

// Formats lists the views of whole messages in the order --help shows
// them; FormatFields, which shows chosen fields, comes after them.
var Formats = []Format{FormatTable, FormatTree, FormatJSON, FormatJSONL, FormatEK, FormatPSML}

// ParseFormat reads a view name.
func ParseFormat(s string) (Format, error) {
	if Format(s) == FormatFields {
		return FormatFields, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown output format %q (want table, tree, json, jsonl, ek, psml or fields)", s)
}

// TimeFormat is how the table and tree show a message's time.
type TimeFormat string

// Time formats, as tshark's -t: the long names ctishark always had, the
// letters tshark uses for the same thing, and tshark's other letters.
const (
	TimeRelative    TimeFormat = "relative" // r: seconds since the first packet of the capture
	TimeAbsolute    TimeFormat = "absolute" // ad: local date and time of day
	TimeOfDay       TimeFormat = "a"        // a: local time of day, no date
	TimeDelta       TimeFormat = "delta"    // dd: seconds since the previous message shown
	TimeDeltaDecode TimeFormat = "d"        // d: seconds since the previous message decoded, shown or not
	TimeEpoch       TimeFormat = "epoch"    // e: seconds since 1970
	TimeUTC         TimeFormat = "u"        // u: UTC time of day
	TimeUTCDate     TimeFormat = "ud"       // ud: UTC date and time of day
)

// timeNames maps every accepted -t spelling to its format.
var timeNames = map[string]TimeFormat{
	"relative": TimeRelative, "r": TimeRelative,
	"absolute": TimeAbsolute, "ad": TimeAbsolute,
	"a":     TimeOfDay,
	"delta": TimeDelta, "dd": TimeDelta,
	"d":     TimeDeltaDecode,
	"epoch": TimeEpoch, "e": TimeEpoch,
	"u":  TimeUTC,
	"ud": TimeUTCDate,
}

// TimeFormatNames are the -t values in the order help and completion show them.
var TimeFormatNames = []string{"r", "a", "ad", "d", "dd", "e", "u", "ud", "relative", "absolute", "delta", "epoch"}

// ParseTimeFormat reads a -t value: tshark's letters (r, a, ad, d, dd, e,
// u, ud) or the long names relative, absolute (= ad), delta (= dd), epoch.
func ParseTimeFormat(s string) (TimeFormat, error) {
	if f, ok := timeNames[s]; ok {
		return f, nil
	}
	return "", fmt.Errorf("unknown time format %q (want r, a, ad, d, dd, e, u or ud as in tshark, or relative, absolute, delta, epoch)", s)
}

// timeWidth is the width of the time column in the streamed table.
func (f TimeFormat) timeWidth() int {
	switch f {
	case TimeAbsolute, TimeUTCDate:
		return 26
	case TimeOfDay, TimeUTC:
		return 15
	case TimeEpoch:
		return 17
	}
	return 11
}

// Options tune every renderer.
type Options struct {
	Time        TimeFormat     // table and tree (default relative)
	Location    *time.Location // zone of absolute times (default time.Local)
	Color       bool           // colour failures, expert items, heartbeats
	ShowSecrets bool           // show passwords instead of ********
	Hex         bool           // table and tree: add a hex dump of each frame
	Aligned     bool           // table: buffer rows and align them with tablewriter (TTY)
	Live        bool           // flush after every record (input is a live pipe)
	Width       int            // table: cut rows at this many columns (the terminal's) so they never wrap; 0 = no limit
	Fields      FieldsOptions  // the fields view: which fields, separators, quoting
}

// Writer renders records one at a time. Close flushes what a view buffers
// (the aligned table, the JSON array's closing bracket).
type Writer interface {
	Write(r *record.Record) error
	Close() error
}

// Prerenderer is a Writer that can render records ahead of writing them,
// on other goroutines: the bytes of a record are a function of the record
// and the writer's options alone.
type Prerenderer interface {
	// Renderer returns a function, for one goroutine, that appends what
	// Write would write for r; nil when the writer's options make a
	// record's bytes depend on the records before it (-t d). Write writes
	// r.Rendered as it stands when it is not empty.
	Renderer() func(dst []byte, r *record.Record) []byte
}

// RenderAhead is w's Renderer when w can render records ahead with its
// options, else nil: what a pipeline's Options.Render takes.
func RenderAhead(w Writer) func() func([]byte, *record.Record) []byte {
	if p, ok := w.(Prerenderer); ok && p.Renderer() != nil {
		return p.Renderer
	}
	return nil
}

// New returns the writer for a view.
func New(f Format, w io.Writer, opts Options) (Writer, error) {
	if opts.Time == "" {
		opts.Time = TimeRelative
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	var wr Writer
	switch f {
	case FormatTable, "":
		// Rows interleaved with hex dumps cannot be aligned as one table.
		if opts.Live || opts.Hex {
			opts.Aligned = false
		}
		wr = newTable(w, opts)
	case FormatTree:
		wr = newTree(w, opts)
	case FormatJSON:
		wr = newJSON(w, opts, true)
	case FormatJSONL:
		wr = newJSON(w, opts, false)
	case FormatEK:
		wr = newEK(w, opts)
	case FormatPSML:
		wr = newPSML(w, opts)
	case FormatFields:
		return NewFields(w, opts, opts.Fields), nil // flushes per line itself when live
	default:
		return nil, fmt.Errorf("unknown output format %q", f)
	}
	if opts.Live {
		wr = liveWriter{wr}
	}
	return wr, nil
}

// liveWriter flushes after every record so a live capture shows each
// message as soon as it is decoded.
type liveWriter struct{ Writer }

func (l liveWriter) Write(r *record.Record) error {
	if err := l.Writer.Write(r); err != nil {
		return err
	}
	return l.Writer.(interface{ Flush() error }).Flush()
}

func (l liveWriter) Flush() error { return l.Writer.(interface{ Flush() error }).Flush() }

// Renderer is the wrapped writer's (Prerenderer), nil when it has none.
func (l liveWriter) Renderer() func([]byte, *record.Record) []byte {
	if p, ok := l.Writer.(Prerenderer); ok {
		return p.Renderer()
	}
	return nil
}

// clock formats record times and remembers what delta times need.
type clock struct {
	opts Options
	prev time.Time
	has  bool
}

// format returns the time column of t; "" when the record has no time
// (an event at the end of the capture).
func (c *clock) format(fr *record.Frame) string {
	t := fr.Time
	if t.IsZero() {
		return ""
	}
	var s string
	switch c.opts.Time {
	case TimeAbsolute:
		s = t.In(c.opts.Location).Format("2006-01-02 15:04:05.000000")
	case TimeOfDay:
		s = t.In(c.opts.Location).Format("15:04:05.000000")
	case TimeUTCDate:
		s = t.UTC().Format("2006-01-02 15:04:05.000000")
	case TimeUTC:
		s = t.UTC().Format("15:04:05.000000")
	case TimeEpoch:
		s = record.Seconds(t.Sub(time.Unix(0, 0)))
	case TimeDelta:
		if c.has {
			s = record.Seconds(record.Elapsed(t, c.prev))
		} else {
			s = record.Seconds(0)
		}
	case TimeDeltaDecode:
		if fr.Prev.IsZero() {
			s = record.Seconds(0)
		} else {
			s = record.Seconds(record.Elapsed(t, fr.Prev))
		}
	default:
		s = record.Seconds(fr.Relative())
	}
	c.prev, c.has = t, true
	return s
}

// palette holds the colours of one writer; every function returns its
// input unchanged when colour is off.
type palette struct {
	on                                    bool
	red, yellow, dim, bold, cyan, redBold *color.Color
}

func newPalette(on bool) *palette {
	p := &palette{on: on,
		red: color.New(color.FgRed), yellow: color.New(color.FgYellow), dim: color.New(color.Faint),
		bold: color.New(color.Bold), cyan: color.New(color.FgCyan), redBold: color.New(color.FgRed, color.Bold)}
	for _, c := range []*color.Color{p.red, p.yellow, p.dim, p.bold, p.cyan, p.redBold} {
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p *palette) paint(c *color.Color, s string) string {
	if !p.on || s == "" {
		return s
	}
	return c.Sprint(s)
}
