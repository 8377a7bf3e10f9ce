package reassembly

import "time"

// resync looks for a frame boundary in the buffer of side s: an offset
// where a chain of two plausible headers starts (the first header's length
// leads exactly to the second), or one plausible header whose frame exactly
// fills the buffered bytes (which end at a segment boundary). When closing,
// candidates that would need more data are passed over instead of waited
// for. On success the mode becomes modeFrame with the boundary
// at buf[0]; bytes passed over are accounted as skipped.
//
// Bytes before the first candidate that is still waiting for more data are
// dropped as they are ruled out, so the buffer holds at most one candidate
// frame plus a header (bounded by MaxBuffered).
func (r *Reassembler) resync(c *conn, s int, closing bool) {
	h := &c.half[s]
	hl := r.hl
	b := h.buf
	if h.hint >= 0 {
		// A gap cut a frame whose length we knew: its end is a boundary,
		// better evidence than any scan.
		rel := h.hint - h.bufOff
		switch {
		case rel < 0:
			h.hint = -1
		case rel+int64(hl) <= int64(len(b)):
			if n, ok := r.proto.FrameLen(b[rel : rel+int64(hl)]); ok && n >= hl {
				r.syncAt(c, s, int(rel))
				return
			}
			h.hint = -1
		case !closing:
			return // wait for the header at the boundary
		case rel == int64(len(b)):
			r.syncAt(c, s, int(rel)) // the cut frame's tail is all there is
			return
		default:
			h.hint = -1
		}
	}
	i := h.scan
	for ; i+hl <= len(b); i++ {
		n1, ok := r.proto.FrameLen(b[i : i+hl])
		if !ok || n1 < hl {
			continue
		}
		j := i + n1
		if j == len(b) {
			// The frame exactly fills what we have, which ends at a segment
			// boundary: as good as a chain, and no need to wait for the
			// next frame (which may be long in coming).
			r.syncAt(c, s, i)
			return
		}
		if j+hl > len(b) {
			if closing {
				continue
			}
			if n1+hl > r.opts.MaxBuffered {
				continue // could never be confirmed within the cap
			}
			// Wait for the second header; what lies before i is ruled out.
			r.noteSkipped(h, i)
			r.consume(h, i)
			h.scan = 0
			return
		}
		if n2, ok := r.proto.FrameLen(b[j : j+hl]); ok && n2 >= hl {
			r.syncAt(c, s, i)
			return
		}
	}
	// No candidate starts before the last hl-1 bytes.
	if drop := len(b) - (hl - 1); drop > 0 {
		r.noteSkipped(h, drop)
		r.consume(h, drop)
	}
	h.scan = 0
}

// syncAt makes buf[i] the next frame boundary.
func (r *Reassembler) syncAt(c *conn, s int, i int) {
	h := &c.half[s]
	r.noteSkipped(h, i)
	r.consume(h, i)
	h.mode, h.want, h.hint, h.scan = modeFrame, 0, -1, 0
	r.reportSkipped(c, s, "resynchronised on a chain of plausible headers")
}

// noteSkipped accounts n bytes at the front of the buffer as passed over.
// Call it before consuming them, so bufOff is where they start.
func (r *Reassembler) noteSkipped(h *half, n int) {
	if n <= 0 {
		return
	}
	if h.skipped == 0 {
		h.skipOff = h.bufOff
	}
	h.skipped += int64(n)
}

// reportSkipped emits one Skipped event for everything passed over since
// the last report.
func (r *Reassembler) reportSkipped(c *conn, s int, why string) {
	h := &c.half[s]
	if h.skipped == 0 {
		return
	}
	r.stats.SkippedBytes += h.skipped
	r.event(c, s, Skipped, h.skipped, h.skipOff, why)
	h.skipped = 0
}

// lost handles n bytes at stream offset at that will never arrive. The
// partial frame in front of the hole is delivered truncated, a Gap event
// follows, and framing resumes in resync mode after the hole.
// The Gap event carries pkt and ts: the packet that showed the bytes are
// lost (0 and the latest capture time at the end of the capture).
func (r *Reassembler) lost(c *conn, s int, at, n int64, pkt int, ts time.Time, why string) {
	h := &c.half[s]
	switch c.state {
	case stUndecided:
		// The first bytes are incomplete: decide on what we have, as if
		// the connection had ended there.
		r.classify(c, true)
		if c.state != stCTI {
			r.ignore(c)
			return
		}
	case stCTI:
	default:
		return
	}
	if h.mode == modeFrame && h.discard > 0 {
		// The hole is inside a frame we are dropping anyway.
		if n <= h.discard {
			h.discard -= n
			h.bufOff += n
			return
		}
		n -= h.discard
		at += h.discard
		h.bufOff += h.discard
		h.discard = 0
	}
	hint := int64(-1)
	if h.mode == modeFrame && h.want > 0 && h.bufOff+int64(h.want) >= at+n {
		hint = h.bufOff + int64(h.want)
	}
	r.stamped, r.stampPk, r.stampTS = true, pkt, ts
	r.settle(c, s, true)
	r.cutPartial(c, s, "lost segment")
	r.stamped = false
	r.stats.Gaps++
	r.stats.GapBytes += n
	r.eventAt(c, s, Gap, n, at, pkt, ts, why)
	h.bufOff = at + n
	h.mode, h.want, h.hint, h.scan = modeSync, 0, hint, 0
}
