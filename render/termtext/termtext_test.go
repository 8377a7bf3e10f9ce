package termtext

import (
	"bytes"
	"testing"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

func TestVisibleLenAndTruncate(t *testing.T) {
	red := "\x1b[1;31m"
	for _, c := range []struct {
		s     string
		vis   int
		cut   int
		wantT string
	}{
		{"plain", 5, 3, "pla"},
		{"→ü─x", 4, 2, "→ü"},
		{red + "ab" + reset + "cd", 4, 1, red + "a" + reset},
		{red + "ab" + reset + "cd", 4, 3, red + "ab" + reset + "c" + reset},
		{"ab" + red, 2, 2, "ab" + red}, // nothing visible after the cut point
		{"abc", 3, 9, "abc"},
		{"", 0, 0, ""},
	} {
		if got := VisibleLen(c.s); got != c.vis {
			t.Errorf("VisibleLen(%q) = %d, want %d", c.s, got, c.vis)
		}
		if got := Truncate(c.s, c.cut); got != c.wantT {
			t.Errorf("Truncate(%q, %d) = %q, want %q", c.s, c.cut, got, c.wantT)
		}
	}
}

func TestTableAlignsColouredCellsAndTrims(t *testing.T) {
	var buf bytes.Buffer
	tbl := NewTable(&buf, tablewriter.WithHeaderAlignment(tw.AlignLeft), tablewriter.WithRowAlignment(tw.AlignLeft))
	tbl.Header(Cells([]string{"A", "B"})...)
	tbl.Append(Cells([]string{"\x1b[31mxy\x1b[0m", "1"})...)
	tbl.Append(Cells([]string{"long", "22"})...)
	if err := tbl.Render(); err != nil {
		t.Fatal(err)
	}
	got := string(TrimLineEnds(buf.Bytes()))
	want := " A     B\n──────────\n \x1b[31mxy\x1b[0m    1\n long  22\n"
	if got != want {
		t.Errorf("table\n%q\nwant\n%q", got, want)
	}
	if got := string(TrimLineEnds([]byte("a  \nb"))); got != "a\nb" {
		t.Errorf("TrimLineEnds kept blanks or added a newline: %q", got)
	}
}
