package render

import (
	"bufio"
	"io"
	"strings"

	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/termtext"
)

// FieldsOptions configure the fields view (`-T fields -e NAME...`), which
// prints the values of the named fields, one line per message, like
// tshark's -T fields with its -E options.
type FieldsOptions struct {
	Fields     []string // filter names, in output order (cti.AgentID, cti.num...)
	Titles     []string // the header's names when they differ from Fields (aliases as typed); nil: Fields
	Separator  string   // between columns (default tab)
	Aggregator string   // between occurrences of a repeated field (default ",")
	Quote      byte     // 0, '"' or '\'': wrap every value, doubling the quote inside
	Header     bool     // first line: the field names
	Display    bool     // symbolic values: enum and mask names, TIME as a date
	// Occurrence picks among the values of a repeated field, as tshark's
	// -E occurrence: 0 all (a), 1 the first (f), -1 the last (l), n > 1
	// the n-th.
	Occurrence int
}

// occurrence keeps the values -E occurrence asks for.
func (fo *FieldsOptions) occurrence(vals []string) []string {
	switch n := fo.Occurrence; {
	case n == 0 || len(vals) == 0:
		return vals
	case n < 0:
		return vals[len(vals)-1:]
	case n <= len(vals):
		return vals[n-1 : n]
	}
	return vals[:0]
}

// fieldsWriter writes one line per record. Nothing is kept between
// records.
type fieldsWriter struct {
	bw     *bufio.Writer
	opts   Options
	fo     FieldsOptions
	header bool
	line   []byte
	set    *record.FieldSet // the names resolved once, shared by the renderers
	vals   [][]string       // scratch: each column's values
}

// NewFields returns the fields view writer.
func NewFields(w io.Writer, opts Options, fo FieldsOptions) Writer {
	if fo.Separator == "" {
		fo.Separator = "\t"
	}
	if fo.Aggregator == "" {
		fo.Aggregator = ","
	}
	var wr Writer = &fieldsWriter{bw: bufio.NewWriterSize(w, 64<<10), opts: opts, fo: fo, header: fo.Header, set: record.NewFieldSet(fo.Fields)}
	if opts.Live {
		wr = liveWriter{wr}
	}
	return wr
}

func (f *fieldsWriter) Write(r *record.Record) error {
	b := f.line[:0]
	if f.header {
		f.header = false
		b = f.appendHeader(b)
	}
	if len(r.Rendered) > 0 {
		b = append(b, r.Rendered...)
	} else {
		b = f.appendLine(b, r)
	}
	f.line = b
	_, err := f.bw.Write(b)
	return err
}

// appendLine appends a record's line (its scratch room is f.vals).
func (f *fieldsWriter) appendLine(b []byte, r *record.Record) []byte {
	f.vals = f.set.Values(f.vals, r, f.fo.Display, f.opts.ShowSecrets)
	for i, vals := range f.vals {
		if i > 0 {
			b = append(b, f.fo.Separator...)
		}
		b = f.appendCell(b, strings.Join(f.fo.occurrence(vals), f.fo.Aggregator))
	}
	return append(b, '\n')
}

// Renderer renders lines ahead (Prerenderer): a line is a function of its
// record; the header stays with Write. Each goroutine has its own room.
func (f *fieldsWriter) Renderer() func([]byte, *record.Record) []byte {
	own := &fieldsWriter{opts: f.opts, fo: f.fo, set: f.set}
	return own.appendLine
}

// appendCell adds one value, quoted when asked; control characters (TAB
// and line breaks included) and backslashes are escaped as tshark does
// (termtext.Escape), so a message stays on one line, its columns stay
// apart and nothing from the wire acts on a terminal.
func (f *fieldsWriter) appendCell(b []byte, s string) []byte {
	s = termtext.Escape(s)
	if f.fo.Quote == 0 {
		return append(b, s...)
	}
	q := string(f.fo.Quote)
	b = append(b, q...)
	b = append(b, strings.ReplaceAll(s, q, q+q)...)
	return append(b, q...)
}

func (f *fieldsWriter) Flush() error { return f.bw.Flush() }

func (f *fieldsWriter) Close() error {
	if f.header && len(f.fo.Fields) > 0 {
		// No record at all: the header still says what the columns were.
		f.header = false
		f.bw.Write(f.appendHeader(nil))
	}
	return f.bw.Flush()
}

// appendHeader adds the line of field names.
func (f *fieldsWriter) appendHeader(b []byte) []byte {
	names := f.fo.Fields
	if len(f.fo.Titles) == len(names) {
		names = f.fo.Titles
	}
	for i, name := range names {
		if i > 0 {
			b = append(b, f.fo.Separator...)
		}
		b = f.appendCell(b, name)
	}
	return append(b, '\n')
}
