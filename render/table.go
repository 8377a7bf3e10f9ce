package render

import (
	"bufio"
	"bytes"
	"io"
	"strconv"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/termtext"
	"github.com/fatih/color"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// The table view is tshark's packet list: one row per message.
//
// On a terminal (Options.Aligned) rows are collected and printed as an
// aligned table with a header, in blocks of tableBlock rows so memory stays
// bounded on long captures. Otherwise (a pipe, a file, live capture) each
// row is written as soon as it is decoded, in fixed-width columns separated
// by spaces, without a header, as tshark does when its output is not a
// terminal:
//
//	      3    0.000412     10.0.0.5:51234 → 10.0.0.1:42027       OPEN_CONF                                   1 agent mode granted ...
//
// Columns: message number (right-aligned, width 7; "-" for a stream event),
// time (right-aligned, width depending on -t), source ip:port (right-aligned,
// width 21), " → ", destination ip:port (left-aligned, width 21), message
// name (left-aligned, width 29; "[gap]" etc. for stream events), ID
// (right-aligned, width 15: an InvokeID as a number, a CallID as "call N")
// and Info, which runs to the end of the line, without the ID again.
// Wider values push the following columns right rather than being cut.

const tableBlock = 2000

// idWidth fits "call 4294967295"; numWidth fits message numbers to
// 9,999,999, so columns do not shift from the 100,000th message on.
const (
	idWidth  = 15
	numWidth = 7
)

var tableHeader = []string{"No.", "Time", "Source", "Destination", "Message", "Invoke/Call", "Info"}

type tableWriter struct {
	w     io.Writer
	bw    *bufio.Writer
	opts  Options
	clock clock
	pal   *palette
	rows  [][]string
	timeW int
	buf   []byte
	info  []byte // room the Info cell is built in, reused row after row
	num   []byte // room a message number is formatted in
	dup   []byte // room the ID column's text is formatted in
	cell  []byte // room row's Info cell is made in
}

func newTable(w io.Writer, opts Options) *tableWriter {
	t := &tableWriter{w: w, opts: opts, clock: clock{opts: opts}, pal: newPalette(opts.Color)}
	if !opts.Aligned {
		t.bw = bufio.NewWriterSize(w, 32<<10)
	}
	t.timeW = opts.Time.timeWidth()
	return t
}

// Row returns the seven cells of a record, uncoloured.
func (t *tableWriter) row(r *record.Record) []string {
	tm := t.clock.format(&r.Frame)
	src, dst := endpoint(r.Frame.Src), endpoint(r.Frame.Dst)
	if r.Event != nil {
		return []string{"-", tm, src, dst, "[" + r.Event.Kind.String() + "]", "", record.EventInfo(r.Event, r.Frame.Dir)}
	}
	id, dup := t.labelID(r.Msg)
	t.cell = t.appendInfoCell(t.cell[:0], r, dup)
	return []string{strconv.Itoa(r.Num), tm, src, dst, r.Msg.Name(), string(id), string(t.cell)}
}

// rowColor picks the colour of a whole row.
func (t *tableWriter) paintRow(r *record.Record, cells []string) {
	if !t.pal.on {
		return
	}
	c := rowStyle(t.pal, r)
	if c == nil {
		return
	}
	for i := range cells {
		cells[i] = t.pal.paint(c, cells[i])
	}
}

func (t *tableWriter) Write(r *record.Record) error {
	if len(r.Rendered) > 0 {
		_, err := t.bw.Write(r.Rendered)
		return err
	}
	if !t.opts.Aligned && !t.pal.on && r.Event == nil {
		b := t.appendPlainRow(t.buf[:0], r)
		return t.endRow(b, r)
	}
	cells := t.row(r)
	t.paintRow(r, cells)
	if t.opts.Aligned {
		t.rows = append(t.rows, cells)
		if len(t.rows) >= tableBlock {
			return t.flushBlock()
		}
		return nil
	}
	b := t.buf[:0]
	b = padLeft(b, cells[0], numWidth)
	b = append(b, ' ')
	b = padLeft(b, cells[1], t.timeW)
	b = append(b, ' ')
	b = padLeft(b, cells[2], 21)
	b = append(b, " → "...)
	b = padRight(b, cells[3], 21)
	b = append(b, ' ')
	b = padRight(b, cells[4], 29)
	b = append(b, ' ')
	b = padLeft(b, cells[5], idWidth)
	b = append(b, ' ')
	b = append(b, cells[6]...)
	return t.endRow(b, r)
}

// endRow cuts the row in b to the width, ends and writes it, and the
// message's bytes after it with -x.
func (t *tableWriter) endRow(b []byte, r *record.Record) error {
	b = t.cut(b)
	b = append(b, '\n')
	t.buf = b
	_, err := t.bw.Write(b)
	if err == nil && t.opts.Hex && r.Msg != nil {
		// tshark -x: a blank line, the bytes, a blank line.
		t.bw.WriteByte('\n')
		HexDump(t.bw, r.Msg, t.opts.ShowSecrets)
		err = t.bw.WriteByte('\n')
	}
	return err
}

// padLeft right-aligns s in width w (visible width, colour codes excluded).
func padLeft(b []byte, s string, w int) []byte {
	for n := termtext.VisibleLen(s); n < w; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

func padRight(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for n := termtext.VisibleLen(s); n < w; n++ {
		b = append(b, ' ')
	}
	return b
}

func (t *tableWriter) flushBlock() error {
	if len(t.rows) == 0 {
		return nil
	}
	var buf bytes.Buffer
	tbl := termtext.NewTable(&buf,
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: columnAlign}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: columnAlign}),
	)
	tbl.Header(termtext.Cells(tableHeader)...)
	for _, r := range t.rows {
		if err := tbl.Append(termtext.Cells(r)...); err != nil {
			return err
		}
	}
	t.rows = t.rows[:0]
	if err := tbl.Render(); err != nil {
		return err
	}
	out := termtext.TrimLineEnds(buf.Bytes())
	if t.opts.Width > 0 {
		var cut []byte
		for line := range bytes.Lines(out) {
			cut = append(t.cut(append(cut, bytes.TrimSuffix(line, []byte("\n"))...)), '\n')
		}
		out = cut
	}
	_, err := t.w.Write(out)
	return err
}

// cut shortens the last line of b to the terminal width (Options.Width),
// ending it with "…" where text was cut: on a terminal a row that wraps
// reads as two, so the Info column gives way, as in the ladder.
func (t *tableWriter) cut(b []byte) []byte {
	w := t.opts.Width
	if w <= 1 {
		return b
	}
	start := bytes.LastIndexByte(b, '\n') + 1
	line := string(b[start:])
	if termtext.VisibleLen(line) <= w {
		return b
	}
	return append(append(b[:start], termtext.Truncate(line, w-1)...), "…"...)
}

var columnAlign = []tw.Align{tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignLeft}

func (t *tableWriter) Close() error {
	if t.opts.Aligned {
		return t.flushBlock()
	}
	return t.bw.Flush()
}

// rowStyle is the colour of a record's row, nil for none: red for failures
// and expert errors, yellow for warnings and stream events, dim for
// heartbeats.
func rowStyle(p *palette, r *record.Record) *color.Color {
	if r.Event != nil {
		if r.Event.Kind == record.DirectionChanged {
			return p.dim
		}
		return p.yellow
	}
	m := r.Msg
	switch w := m.Worst(); {
	case m.IsFailure() || w >= dissect.SeverityError:
		return p.red
	case w == dissect.SeverityWarning:
		return p.yellow
	case m.Def != nil && (m.Def.ID == dissect.MsgHeartbeatReq || m.Def.ID == dissect.MsgHeartbeatConf):
		return p.dim
	}
	return nil
}

// Flush writes out the rows streamed so far (the aligned table prints its
// buffered block).
func (t *tableWriter) Flush() error {
	if t.opts.Aligned {
		return t.flushBlock()
	}
	return t.bw.Flush()
}
