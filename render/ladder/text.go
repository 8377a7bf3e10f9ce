package ladder

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ctishark/ctishark/render"

	"github.com/ctishark/ctishark/render/termtext"
)

// TextOptions shape the terminal ladder.
type TextOptions struct {
	Unicode bool // box-drawing lifelines and arrows (else ASCII)
	Color   bool // ANSI colour: failures red, latencies cyan, warnings yellow
	Width   int  // truncate lines to this many columns (0 = never)
}

// cell is the width given to each lifeline column.
const cell = 5

// nameWidth pads message names so the labels after them line up.
const nameWidth = 30

// glyphs are the characters a ladder is drawn with.
type glyphs struct {
	life, line, cross, right, left, fromR, fromL, dot string
}

var (
	unicodeGlyphs = glyphs{life: "│", line: "─", cross: "┼", right: "▶", left: "◀", fromR: "├", fromL: "┤", dot: "┄"}
	asciiGlyphs   = glyphs{life: "|", line: "-", cross: "-", right: ">", left: "<", fromR: "+", fromL: "+", dot: "."}
)

const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[31m"
	ansiRedB   = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

// TextWriter streams a ladder to a terminal or a file: a title, then one
// line per arrow, with each endpoint introduced on its own line just
// before the first arrow that touches it. Nothing is kept but the columns.
type TextWriter struct {
	w    *bufio.Writer
	opts TextOptions
	g    glyphs
	cols int // columns introduced so far
	rows int
}

// NewText returns a streaming text ladder writer.
func NewText(w io.Writer, opts TextOptions) *TextWriter {
	t := &TextWriter{w: bufio.NewWriterSize(w, writeBuf), opts: opts, g: asciiGlyphs}
	if opts.Unicode {
		t.g = unicodeGlyphs
	}
	return t
}

func (t *TextWriter) paint(code, s string) string {
	if !t.opts.Color || s == "" || code == "" {
		return s
	}
	return code + s + ansiReset
}

// Title writes the first line.
func (t *TextWriter) Title(title string) error {
	_, err := t.w.WriteString(t.paint(ansiBold, Sanitize(title)) + "\n")
	return err
}

// prefix is the time and number gutter before the lifelines.
const gutter = 20

// lifelines draws n lifelines with nothing crossing them.
func (t *TextWriter) lifelines(b *strings.Builder, n int) {
	for i := 0; i < n; i++ {
		b.WriteString(t.paint(ansiDim, t.g.life))
		b.WriteString(strings.Repeat(" ", cell-1))
	}
}

// introduce writes the line that opens an endpoint's lifeline.
func (t *TextWriter) introduce(e *Endpoint) {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutter))
	t.lifelines(&b, e.Index)
	name := e.Name
	b.WriteString(t.paint(ansiBold, name))
	pad := cell*(e.Index+1) - cell*e.Index - utf8.RuneCountInString(name)
	if pad < 1 {
		pad = 1
	}
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteString(" " + e.Addr.String() + "  " + Sanitize(e.Label()))
	if e.Role == RoleClient {
		note := "stream " + strconv.Itoa(e.Stream)
		if e.UCCE && e.DialectWhy != "" {
			note += "; UCCE: " + Sanitize(e.DialectWhy) // why, once per session
		}
		b.WriteString(t.paint(ansiDim, "  ("+note+")"))
	}
	t.line(b.String())
	t.cols = e.Index + 1
}

// Arrow writes one arrow, introducing the endpoints it placed first.
func (t *TextWriter) Arrow(a *Arrow, fresh []*Endpoint) error {
	for _, e := range fresh {
		t.introduce(e)
	}
	var b strings.Builder
	if a.IsEvent() {
		fmt.Fprintf(&b, "%11s %6s  ", seconds(a.Rel), "")
	} else {
		fmt.Fprintf(&b, "%11s %6d  ", seconds(a.Rel), a.Num)
	}
	b.WriteString(t.ladder(a))
	b.WriteString(" ")
	name := a.MsgType
	code := ""
	switch {
	case a.Failure:
		code = ansiRedB
	case a.IsEvent():
		code = ansiYellow
	case strings.HasPrefix(name, "HEARTBEAT_"):
		code = ansiDim
	}
	b.WriteString(t.paint(code, pad(name, nameWidth)))
	b.WriteString(" ")
	var notes []string
	if a.Kind == "confirm" && a.HasLatency {
		notes = append(notes, t.paint(ansiCyan, render.Millis(a.Latency)))
	}
	if a.Failure && a.Status != "" && !strings.HasPrefix(a.Label, a.Status) {
		notes = append(notes, t.paint(ansiRed, Sanitize(a.Status)))
	}
	if a.Unanswered {
		notes = append(notes, t.paint(ansiYellow, "UNANSWERED"))
	}
	if len(a.Expert) > 0 {
		mark := "!"
		if t.opts.Unicode {
			mark = "⚠"
		}
		notes = append(notes, t.paint(ansiYellow, mark))
	}
	notes = append(notes, Sanitize(a.Label))
	b.WriteString(strings.Join(notes, "  "))
	t.line(b.String())
	return t.err()
}

// ladder draws the lifelines of one row with the arrow across them.
func (t *TextWriter) ladder(a *Arrow) string {
	lo, hi := a.From, a.To
	if lo > hi {
		lo, hi = hi, lo
	}
	right := a.From < a.To
	line, code := t.g.line, ""
	switch {
	case a.IsEvent():
		line, code = t.g.dot, ansiYellow
	case a.Failure:
		code = ansiRed
	case a.Unanswered:
		code = ansiYellow
	}
	// Runs of one colour are built in a byte buffer: appending glyph by
	// glyph to a string copied the run each time, quadratic in the width.
	var b strings.Builder
	run, runCode := make([]byte, 0, 64), ""
	put := func(code, g string) {
		if code != runCode {
			if len(run) > 0 {
				b.WriteString(t.paint(runCode, string(run)))
			}
			run, runCode = run[:0], code
		}
		run = append(run, g...)
	}
	width := (t.cols-1)*cell + 1
	if t.opts.Width > 0 {
		// Nothing past the terminal's width survives the line's cut.
		width = min(width, t.opts.Width)
	}
	for x := 0; x < width; x++ {
		col, at := x/cell, x%cell == 0
		switch {
		case x < lo*cell || x > hi*cell:
			if at {
				put(ansiDim, t.g.life)
			} else {
				put(ansiDim, " ")
			}
		case x == lo*cell && right:
			put(code, t.g.fromR) // the sender's end
		case x == hi*cell && !right:
			put(code, t.g.fromL)
		case x == lo*cell || x == hi*cell:
			put(ansiDim, t.g.life) // the receiver keeps its lifeline
		case right && x == hi*cell-1:
			put(code, t.g.right)
		case !right && x == lo*cell+1:
			put(code, t.g.left)
		case at && col > lo && col < hi:
			put(code, t.g.cross)
		default:
			put(code, line)
		}
	}
	put("\x00", "") // flush the last run
	return b.String()
}

// Note writes a free line (a warning, the end of the ladder).
func (t *TextWriter) Note(s string) error {
	t.line(t.paint(ansiDim, s))
	return t.err()
}

// Flush writes out what is buffered.
func (t *TextWriter) Flush() error { return t.w.Flush() }

func (t *TextWriter) line(s string) {
	if t.opts.Width > 0 {
		s = termtext.Truncate(s, t.opts.Width)
	}
	t.w.WriteString(s)
	t.w.WriteByte('\n')
	t.rows++
}

func (t *TextWriter) err() error {
	if t.w.Buffered() > 32<<10 {
		return t.w.Flush()
	}
	return nil
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// seconds renders a relative time with microsecond precision.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 6, 64)
}

// Sanitize makes wire text safe for a terminal: control characters (an
// escape sequence in an AgentID must not drive the terminal) become \xNN.
func Sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1, r < 0x20, r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
