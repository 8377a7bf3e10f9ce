// Package progress shows how far the reading of a large capture has got,
// on one line of standard error that is erased at the end, and holds the
// capture-reading loop shared by the commands that aggregate a whole
// capture before printing (calls, agents, stats).
package progress

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/ctishark/ctishark/reassembly"
)

// MinSize is the smallest file that gets a bar: smaller ones are read
// before a bar would be seen.
const MinSize = 4 << 20

// redraw is the shortest time between two drawings of the bar.
const redraw = 100 * time.Millisecond

// Bar is a single-line progress bar on a terminal. A nil *Bar is valid and
// does nothing, so callers need not check whether a bar is shown.
type Bar struct {
	w        io.Writer
	name     string
	total    int64
	read     int64
	msgs     atomic.Int64 // counted by the record callback, which may run on another goroutine (pipeline.Options.Async)
	start    time.Time
	lastDraw time.Time
	drawn    bool
	now      func() time.Time
	closer   io.Closer // the file being read
}

// Open opens a capture file ("-" is os.Stdin) like reassembly.OpenFile and,
// when isTTY says errOut is a terminal and the file is larger than MinSize,
// returns a Bar drawing on errOut as the file is read. Close the Bar (even
// a nil one) and the Source when done: the Bar closes the file it opened.
func Open(name string, errOut io.Writer, isTTY bool) (*reassembly.Source, *Bar, error) {
	st, err := os.Stat(name)
	if name == "-" || err != nil || !isTTY || !st.Mode().IsRegular() || st.Size() <= MinSize {
		src, err := reassembly.OpenFile(name)
		return src, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	b := newBar(errOut, name, st.Size(), time.Now)
	b.closer = f
	src, err := reassembly.OpenReader(&countReader{r: f, b: b})
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return src, b, nil
}

func newBar(w io.Writer, name string, total int64, now func() time.Time) *Bar {
	t := now()
	return &Bar{w: w, name: name, total: total, start: t, now: now}
}

// Message counts one decoded message (shown as a count and a rate).
func (b *Bar) Message() {
	if b != nil {
		b.msgs.Add(1)
	}
}

// add counts bytes read and redraws at most every redraw interval.
func (b *Bar) add(n int) {
	b.read += int64(n)
	t := b.now()
	if t.Sub(b.lastDraw) < redraw {
		return
	}
	b.lastDraw = t
	b.draw(t)
}

func (b *Bar) draw(t time.Time) {
	const width = 30
	frac := float64(b.read) / float64(b.total)
	frac = min(max(frac, 0), 1)
	fill := int(frac * width)
	bar := make([]byte, width)
	for i := range bar {
		bar[i] = ' '
		if i < fill {
			bar[i] = '='
		}
	}
	secs := t.Sub(b.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(b.read) / secs / (1 << 20)
	}
	// \r and erase-to-end-of-line keep the bar on one line.
	fmt.Fprintf(b.w, "\r\x1b[K[%s] %3.0f%% %d/%d MB, %d messages, %.1f MB/s", bar, frac*100, b.read>>20, b.total>>20, b.msgs.Load(), rate)
	b.drawn = true
}

// Close erases the bar and closes the file it was reading.
func (b *Bar) Close() error {
	if b == nil {
		return nil
	}
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.drawn = false
	}
	if b.closer != nil {
		c := b.closer
		b.closer = nil
		return c.Close()
	}
	return nil
}

// countReader counts the bytes read from the file for the bar.
type countReader struct {
	r io.Reader
	b *Bar
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.b.add(n)
	}
	return n, err
}
