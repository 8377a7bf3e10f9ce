// Package termtext measures and shapes text for a terminal: widths that do
// not count ANSI colour sequences, truncation to a width, and the
// borderless aligned table the table views print. One copy, so every view
// pads, cuts and aligns coloured text the same way.
package termtext

import (
	"bytes"
	"io"
	"iter"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// reset ends any colour; Truncate appends it when it cut through one.
const reset = "\x1b[0m"

// visible yields the byte offset of every rune of s outside ANSI escape
// sequences (ESC up to its final byte, '@' to '~' other than '[').
func visible(s string) iter.Seq[int] {
	return func(yield func(int) bool) {
		esc := false
		for i, r := range s {
			switch {
			case esc:
				if r >= '@' && r <= '~' && r != '[' {
					esc = false
				}
			case r == 0x1b:
				esc = true
			default:
				if !yield(i) {
					return
				}
			}
		}
	}
}

// VisibleLen counts the runes of s outside ANSI escape sequences.
func VisibleLen(s string) int {
	// Nearly every cell is plain ASCII without colour: one byte, one
	// column. Only text with an escape or a multi-byte rune takes the
	// rune walk (the table measures seven cells a row).
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0x1b || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return len(s)
	}
	n := 0
	for range visible(s) {
		n++
	}
	return n
}

// Truncate cuts s to n visible runes, keeping the escape sequences before
// the cut and closing a colour it may have cut through.
func Truncate(s string, n int) string {
	vis := 0
	for i := range visible(s) {
		if vis == n {
			out := s[:i]
			if strings.Contains(out, "\x1b[") {
				out += reset
			}
			return out
		}
		vis++
	}
	return s
}

// NewTable returns a table writing to w without borders or column
// separators, with a line under the header, cells neither reformatted,
// wrapped nor trimmed; opts add what differs (alignment).
func NewTable(w io.Writer, opts ...tablewriter.Option) *tablewriter.Table {
	base := []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off, ShowHeader: tw.On},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	}
	return tablewriter.NewTable(w, append(base, opts...)...)
}

// Cells converts a row for tablewriter's Header and Append.
func Cells(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// TrimLineEnds drops the blanks at the end of every line: tablewriter pads
// the last column to its width, lines should end where their text does.
func TrimLineEnds(b []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		nl := bytes.HasSuffix(line, []byte("\n"))
		out = append(out, bytes.TrimRight(line, " \n")...)
		if nl {
			out = append(out, '\n')
		}
	}
	return out
}
