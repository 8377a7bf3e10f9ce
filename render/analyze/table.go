package analyze

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ctishark/ctishark/render/termtext"
)

// table writes tab-separated cells aligned into columns.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer) *table {
	return &table{tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
}

// row writes one line. Cells carry wire text (ANI, AgentID, variables):
// escaped so no control character reaches the terminal and a TAB in a
// value cannot shift the columns.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = termtext.Escape(c)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// ms renders a duration in milliseconds with microsecond precision.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.3f", float64(d.Microseconds())/1000)
}

// secs renders a duration in seconds with microsecond precision.
// dur renders a duration for people, one way in every report table:
// 0.250s, 8.627s, 4m08.627s, 1h02m03s (milliseconds below an hour).
func dur(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	ms := d.Milliseconds()
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%s%d.%03ds", neg, ms/1000, ms%1000)
	case d < time.Hour:
		return fmt.Sprintf("%s%dm%02d.%03ds", neg, ms/60000, ms/1000%60, ms%1000)
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("%s%dh%02dm%02ds", neg, s/3600, s/60%60, s%60)
}

// ts renders a capture time as UTC date and time of day with microseconds.
func ts(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format("2006-01-02 15:04:05.000000")
	}
	// Digit by digit: the tables print several per row, and Format,
	// which reads its layout each time, was most of a row's cost.
	hour, minute, sec := t.Clock()
	var b [26]byte
	put := func(at, v, n int) {
		for i := at + n - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = ' '
	put(11, hour, 2)
	b[13] = ':'
	put(14, minute, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, t.Nanosecond()/1000, 6)
	return string(b[:])
}

// jsonTime renders a time as in render/JSON.md (RFC 3339, nine digits, UTC).
func jsonTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeAligned prints rows aligned into columns exactly as table does
// (text/tabwriter, padding 2), without holding them: rows is called
// twice, first to measure each column's widest cell, then to print. A
// table of a million calls then costs its widths, not its text.
func writeAligned(w io.Writer, rows func(emit func(cells ...string)) error) error {
	var widths []int
	if err := rows(func(cells ...string) { widths = measureCells(widths, cells) }); err != nil {
		return err
	}
	// Into the caller's buffer when it has one (an agent's table among
	// the others), flushed by the caller.
	bw, buffered := w.(*bufio.Writer)
	if !buffered {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	var line []byte
	err := rows(func(cells ...string) {
		line = appendAligned(line[:0], widths, cells)
		bw.Write(line)
	})
	if err != nil || buffered {
		return err
	}
	return bw.Flush()
}

// writeJSONArray prints the values each emits as one JSON array, as
// writeJSON prints a slice of them (two-space indent), one value at a
// time.
func writeJSONArray(w io.Writer, each func(emit func(v any) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	err := each(func(v any) error {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			bw.WriteString("[\n  ")
		} else {
			bw.WriteString(",\n  ")
		}
		n++
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}
