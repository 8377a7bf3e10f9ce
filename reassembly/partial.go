package reassembly

import (
	"cmp"
	"slices"
)

// Every direction of every connection may hold up to MaxBuffered bytes in
// order: the start of a frame whose last bytes have not come yet, or the
// window a direction that lost sync scans for a plausible header. One such
// buffer is bounded; thousands of connections each holding one are not,
// unless they are bounded together (MaxPartialTotal). They are counted by
// capacity, the memory they really take.

// reasonPartialBudget is the Overflow text when an incomplete frame is
// dropped to keep the in-order buffers of all connections within
// Options.MaxPartialTotal.
const reasonPartialBudget = "given up: incomplete frames of all connections reached the buffer budget (--max-partial-total)"

// dropBuf gives a direction's in-order buffer back.
func (r *Reassembler) dropBuf(h *half) {
	r.partialTotal -= cap(h.buf)
	r.putBuf(h.buf)
	h.buf = nil
}

// shedPartial gives up the biggest in-order buffers until all of them
// together take no more than three quarters of MaxPartialTotal, so that
// the scan over the connections it takes runs once per quarter of the
// budget of new data, not once per packet. It runs between packets, when
// every direction waits for more bytes, so dropping a buffer leaves each
// in a state the next segment continues from: an incomplete frame's
// remaining bytes are discarded as they come (as for a frame over
// MaxBuffered); the bytes of a resync window, or of a header not yet
// complete, are reported skipped and the direction scans for the next
// header.
func (r *Reassembler) shedPartial() {
	type held struct {
		c *conn
		s int
		n int
	}
	var all []held // at most two per connection in the table
	for c := r.table.head; c != nil; c = c.next {
		if c.state != stCTI {
			continue // an undecided connection's first bytes are bounded by MaxBuffered until it is classified
		}
		for s := range c.half {
			if n := cap(c.half[s].buf); n > 0 {
				all = append(all, held{c, s, n})
			}
		}
	}
	slices.SortFunc(all, func(a, b held) int { return cmp.Compare(b.n, a.n) })
	target := r.opts.MaxPartialTotal / 4 * 3
	for _, v := range all {
		if r.partialTotal <= target {
			return
		}
		r.stats.PartialSheds++
		c, s, h := v.c, v.s, &v.c.half[v.s]
		if h.mode == modeFrame && h.want > 0 {
			r.overflow(c, s, h.want, reasonPartialBudget) // frees the buffer: it is empty now
			continue
		}
		r.noteSkipped(h, len(h.buf))
		r.consume(h, len(h.buf))
		h.mode, h.want, h.scan = modeSync, 0, 0
		r.reportSkipped(c, s, reasonPartialBudget)
	}
}
