package ladder

import (
	"io"
	"runtime"
	"testing"
)

// A row of a ladder with thousands of lifelines costs memory in proportion
// to its width: building a colour run glyph by glyph used to copy the run
// on every glyph, quadratic in the width (5,000 connections took minutes).
// Measured in bytes allocated, not time, so load cannot make it flaky.
func TestWideRowIsLinear(t *testing.T) {
	tw := NewText(io.Discard, TextOptions{Unicode: true, Color: true})
	const cols = 5000
	tw.cols = cols
	a := &Arrow{From: 0, To: cols - 1, MsgType: "HEARTBEAT_REQ", Kind: "request"}
	width := (cols-1)*cell + 1
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	row := tw.ladder(a)
	runtime.ReadMemStats(&after)
	if len(row) < width {
		t.Fatalf("row of %d bytes for %d columns", len(row), width)
	}
	// A handful of copies of the row is linear; the old way was ~width²/2.
	if got := after.TotalAlloc - before.TotalAlloc; got > 40*uint64(len(row)) {
		t.Errorf("one row of %d bytes allocated %d bytes", len(row), got)
	}
	// On a terminal, nothing past its width is built at all.
	tw.opts.Width = 120
	if row := tw.ladder(a); len([]rune(row)) > 120+64 { // colour codes are not columns
		t.Errorf("row for a 120-column terminal has %d runes", len([]rune(row)))
	}
}
