package analyze

import (
	"bufio"
	"io"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/ctishark/ctishark/render/termtext"
)

// A rower renders row i of a table through emit, or reports false when
// the table has no row i; each goroutine of writeAlignedRows has its own
// (its scratch memory is its own).
type rower func(i int, emit func(cells ...string)) bool

// rowBlock is how many rows a goroutine renders at a time, in order,
// while the writer writes the block before: the text held at once is a
// few blocks, whatever the table's length.
const rowBlock = 2048

// writeAlignedRows prints head and rows [0, n) aligned as writeAligned
// does, byte for byte, with both passes spread over the cores: the rows
// of a large table (a day's calls) are each formatted twice, and that
// was a tenth of calls' time on one core after the capture was read,
// with the other core idle. newRower makes one rower per goroutine.
func writeAlignedRows(w io.Writer, head []string, n int, newRower func() rower) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 4, (n+rowBlock-1)/rowBlock))

	// First pass: each goroutine measures a contiguous part.
	parts := make([][]int, workers)
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row, widths := newRower(), []int(nil)
			measure := func(cells ...string) { widths = measureCells(widths, cells) }
			for i := n * k / workers; i < n*(k+1)/workers; i++ {
				row(i, measure)
			}
			parts[k] = widths
		}()
	}
	wg.Wait()
	widths := measureCells(nil, head)
	for _, p := range parts {
		for i, v := range p {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], v)
		}
	}

	// Second pass: goroutine k renders blocks k, k+workers, ... in order;
	// the writer takes the blocks in turn.
	bw, buffered := w.(*bufio.Writer)
	if !buffered {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	bw.Write(appendAligned(nil, widths, head))
	stop := make(chan struct{})
	out := make([]chan []byte, workers)
	free := make([]chan []byte, workers)
	for k := range workers {
		out[k], free[k] = make(chan []byte, 1), make(chan []byte, 2)
		free[k] <- nil
		free[k] <- nil
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(out[k])
			row := newRower()
			for b := k; b*rowBlock < n; b += workers {
				var buf []byte
				select {
				case buf = <-free[k]:
				case <-stop:
					return
				}
				buf = buf[:0]
				emit := func(cells ...string) { buf = appendAligned(buf, widths, cells) }
				for i := b * rowBlock; i < min(n, (b+1)*rowBlock); i++ {
					row(i, emit)
				}
				select {
				case out[k] <- buf:
				case <-stop:
					return
				}
			}
		}()
	}
	var err error
	for b := 0; b*rowBlock < n && err == nil; b++ {
		k := b % workers
		buf := <-out[k]
		_, err = bw.Write(buf)
		free[k] <- buf
	}
	close(stop)
	wg.Wait() // none outlives the table, whatever stopped it
	if err != nil || buffered {
		return err
	}
	return bw.Flush()
}

// measureCells widens widths to the cells but the last (never padded),
// as they print: escaped.
func measureCells(widths []int, cells []string) []int {
	for i, c := range cells[:max(len(cells)-1, 0)] {
		if i == len(widths) {
			widths = append(widths, 0)
		}
		widths[i] = max(widths[i], utf8.RuneCountInString(termtext.Escape(c)))
	}
	return widths
}

// appendAligned appends one line of cells, escaped, each but the last
// padded to its column's width and two spaces.
func appendAligned(b []byte, widths []int, cells []string) []byte {
	for i, c := range cells {
		c = termtext.Escape(c)
		b = append(b, c...)
		if i < len(cells)-1 {
			for pad := widths[i] + 2 - utf8.RuneCountInString(c); pad > 0; pad-- {
				b = append(b, ' ')
			}
		}
	}
	return append(b, '\n')
}
