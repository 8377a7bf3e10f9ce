package ladder

import "testing"

// countingWriter records the size of every Write it is given.
type countingWriter struct{ sizes []int }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.sizes = append(c.sizes, len(p))
	return len(p), nil
}

// TestWritersBatchWrites holds the streaming writers to their 32 KiB
// batches: every write but the last is at least that, so a big ladder
// is a few thousand system calls, not one per 4 KiB.
func TestWritersBatchWrites(t *testing.T) {
	d := build(t, hostileRecords(t), false)
	const rounds = 3000
	check := func(name string, c *countingWriter) {
		t.Helper()
		total := 0
		for i, n := range c.sizes {
			total += n
			if i < len(c.sizes)-1 && n < 32<<10 {
				t.Fatalf("%s: write %d of %d has %d bytes", name, i, len(c.sizes), n)
			}
		}
		if total < 4*(32<<10) {
			t.Fatalf("%s: only %d bytes written; the test needs more", name, total)
		}
	}
	var jc countingWriter
	j := NewJSON(&jc, d.Title)
	for range rounds {
		for i := range d.Arrows {
			must(t, j.Arrow(&d.Arrows[i], d.Endpoints))
		}
	}
	must(t, j.Close(d.Endpoints))
	check("json", &jc)

	var tc countingWriter
	tw := NewText(&tc, TextOptions{})
	for range rounds {
		for i := range d.Arrows {
			must(t, tw.Arrow(&d.Arrows[i], d.Endpoints))
		}
	}
	must(t, tw.Flush())
	check("text", &tc)
}
