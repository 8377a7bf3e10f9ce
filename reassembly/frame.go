package reassembly

import (
	"slices"
	"time"
)

// Frame is one CTI frame, header included.
//
// Data and Pkts are borrowed: Data usually points straight into the packet
// buffer (no copy for frames that sit inside one segment), otherwise into
// the direction's reassembly buffer. Both are valid only until the callback
// that received the Frame returns; call Clone to keep a frame.
type Frame struct {
	Conn      *Conn     // connection this frame belongs to
	Dir       Direction // ClientToServer or ServerToClient
	Data      []byte    // the whole CTI frame, header included (borrowed)
	FirstPkt  int       // 1-based capture frame number of the first contributing segment
	LastPkt   int       // 1-based capture frame number of the last contributing segment
	Pkts      []int     // all contributing capture frame numbers, ascending, deduplicated (borrowed)
	Time      time.Time // timestamp of the packet that completed the frame: packet LastPkt, the last contributor to arrive
	Truncated bool      // cut by a lost segment or the end of the connection/capture: Data is partial
}

// Clone returns a copy of f that owns its Data and Pkts.
func (f *Frame) Clone() *Frame {
	c := *f
	c.Data = slices.Clone(f.Data)
	c.Pkts = slices.Clone(f.Pkts)
	return &c
}

// frameMode is what the framer does with the next in-order bytes.
type frameMode uint8

const (
	modeHold   frameMode = iota // connection not yet classified: buffer
	modeFrame                   // in sync: cut frames
	modeSync                    // lost sync: scan for a chain of plausible headers
	modeIgnore                  // not CTI: drop
)

// push feeds in-order bytes of side s to the framer.
// pkt and ts identify the packet they came from.
func (r *Reassembler) push(c *conn, s int, data []byte, pkt int, ts time.Time) {
	h := &c.half[s]
	switch h.mode {
	case modeFrame:
		r.frame(c, s, data, pkt, ts)
	case modeSync:
		r.appendBuf(c, s, data, pkt, ts)
		r.settle(c, s, false)
	case modeHold:
		if len(h.buf)+len(data) > r.opts.MaxBuffered {
			// Never found a plausible start within the cap: not CTI.
			r.ignore(c)
			return
		}
		r.appendBuf(c, s, data, pkt, ts)
		r.classify(c, false)
	}
}

// appendBuf buffers bytes, remembering which packet they came from. In
// resync mode the cap is enforced by dropping the oldest bytes (they are
// skipped anyway); in frame mode the frame length was checked against the
// cap before, so the buffer never exceeds it.
func (r *Reassembler) appendBuf(c *conn, s int, data []byte, pkt int, ts time.Time) {
	h := &c.half[s]
	if len(data) == 0 {
		return
	}
	if h.mode == modeSync && len(h.buf)+len(data) > r.opts.MaxBuffered {
		drop := len(h.buf) + len(data) - r.opts.MaxBuffered
		if drop > len(h.buf) {
			extra := drop - len(h.buf)
			r.noteSkipped(h, len(h.buf))
			r.consume(h, len(h.buf))
			r.noteSkipped(h, extra)
			h.bufOff += int64(extra)
			data = data[extra:]
		} else {
			r.noteSkipped(h, drop)
			r.consume(h, drop)
		}
		h.scan = 0
	}
	before := cap(h.buf)
	if h.buf == nil {
		h.buf = r.getBuf()
	}
	h.buf = append(h.buf, data...)
	r.partialTotal += cap(h.buf) - before
	end := h.bufOff + int64(len(h.buf))
	if n := len(h.marks); n > 0 && h.marks[n-1].pkt == pkt {
		h.marks[n-1].end = end
	} else {
		h.marks = append(h.marks, mark{end: end, pkt: pkt, ts: ts})
	}
}

// consume drops n bytes from the front of the buffer.
func (r *Reassembler) consume(h *half, n int) {
	if n <= 0 {
		return
	}
	h.buf = h.buf[:copy(h.buf, h.buf[n:])]
	h.bufOff += int64(n)
	if len(h.buf) == 0 {
		// Most of the time a direction holds no partial frame: give the
		// buffer back so thousands of connections share a few buffers.
		r.dropBuf(h)
	}
	i := 0
	for i < len(h.marks) && h.marks[i].end <= h.bufOff {
		i++
	}
	if i > 0 {
		h.marks = h.marks[:copy(h.marks, h.marks[i:])]
	}
	if h.scan >= n {
		h.scan -= n
	} else {
		h.scan = 0
	}
}

// frame cuts frames from in-order bytes while in sync. The common case (the
// buffer is empty and the segment holds whole frames) emits straight from
// the packet without copying.
func (r *Reassembler) frame(c *conn, s int, data []byte, pkt int, ts time.Time) {
	h := &c.half[s]
	hl := r.hl
	if h.discard > 0 {
		if int64(len(data)) <= h.discard {
			h.discard -= int64(len(data))
			h.bufOff += int64(len(data))
			return
		}
		data = data[h.discard:]
		h.bufOff += h.discard
		h.discard = 0
	}
	// Complete a frame that earlier segments started.
	for len(h.buf) > 0 && len(data) > 0 {
		need := hl - len(h.buf)
		if h.want > 0 {
			need = h.want - len(h.buf)
		}
		if need > len(data) {
			need = len(data)
		}
		r.appendBuf(c, s, data[:need], pkt, ts)
		data = data[need:]
		if h.want == 0 && len(h.buf) >= hl {
			if !r.checkHeader(c, s) {
				if h.mode == modeSync {
					r.appendBuf(c, s, data, pkt, ts)
					r.settle(c, s, false)
				} else {
					r.frame(c, s, data, pkt, ts) // overflowed: discarding
				}
				return
			}
		}
		if h.want > 0 && len(h.buf) == h.want {
			r.emitBuf(c, s, h.want, false)
		}
	}
	// Fast path: whole frames inside this segment.
	for len(data) >= hl {
		n, ok := r.syncLen(data[:hl])
		if !ok || n < hl {
			h.mode = modeSync
			r.appendBuf(c, s, data, pkt, ts)
			r.settle(c, s, false)
			return
		}
		if n > len(data) {
			break
		}
		r.emitDirect(c, s, data[:n], pkt, ts)
		h.bufOff += int64(n)
		data = data[n:]
	}
	if len(data) > 0 {
		r.appendBuf(c, s, data, pkt, ts)
		if len(h.buf) >= hl && !r.checkHeader(c, s) {
			// Either resync (nothing more to do: data is in buf) or an
			// overflowed frame whose buffered bytes were dropped.
			if h.mode == modeSync {
				r.settle(c, s, false)
			}
		}
	}
}

// checkHeader validates the header at buf[0] and records the frame length.
// It returns false after switching to resync (implausible header) or to
// discarding (frame larger than the buffer cap).
func (r *Reassembler) checkHeader(c *conn, s int) bool {
	h := &c.half[s]
	n, ok := r.syncLen(h.buf[:r.hl])
	if !ok || n < r.hl {
		h.mode = modeSync
		h.want = 0
		return false
	}
	if n > r.opts.MaxBuffered {
		r.overflow(c, s, n, "frame larger than the buffer cap")
		return false
	}
	h.want = n
	return true
}

// overflow drops a frame of n bytes starting at buf[0] (one that would
// exceed the buffer cap, or one the partial-frame budget gives up; why
// says which). Its length is plausible, so we stay in sync by discarding
// exactly its bytes.
func (r *Reassembler) overflow(c *conn, s int, n int, why string) {
	h := &c.half[s]
	at := h.bufOff
	have := len(h.buf)
	r.stats.Overflows++
	r.event(c, s, Overflow, int64(n), at, why)
	r.consume(h, have)
	h.want = 0
	h.discard = int64(n - have)
}

// settle emits every complete frame in the buffer, resynchronising as
// often as needed. It loops instead of recursing so a long run of garbage
// cannot grow the stack.
func (r *Reassembler) settle(c *conn, s int, closing bool) {
	h := &c.half[s]
	for {
		switch h.mode {
		case modeSync:
			r.resync(c, s, closing)
			if h.mode != modeFrame {
				return
			}
		case modeFrame:
			if !r.drainOne(c, s) && h.mode != modeSync {
				return
			}
		default:
			return
		}
	}
}

// drainOne emits the frame at the front of the buffer if it is complete.
// It returns false when there is none, possibly after switching to resync.
func (r *Reassembler) drainOne(c *conn, s int) bool {
	h := &c.half[s]
	if h.mode != modeFrame || len(h.buf) < r.hl {
		return false
	}
	if h.want == 0 && !r.checkHeader(c, s) {
		return false
	}
	if len(h.buf) < h.want {
		return false
	}
	r.emitBuf(c, s, h.want, false)
	return true
}

// nextDrainPkt returns the packet that completed the frame drainOne would
// emit next, or 0 if none is complete; used to replay buffered frames of
// both directions in capture order.
func (r *Reassembler) nextDrainPkt(c *conn, s int) int {
	h := &c.half[s]
	if h.mode != modeFrame || len(h.buf) < r.hl {
		return 0
	}
	n, ok := r.syncLen(h.buf[:r.hl])
	if !ok || n < r.hl || n > r.opts.MaxBuffered {
		return -1 // drainOne will act on it right away
	}
	if len(h.buf) < n {
		return 0
	}
	end := h.bufOff + int64(n)
	for _, m := range h.marks {
		if m.end >= end {
			return m.pkt
		}
	}
	return -1
}

// emitDirect emits a frame that lies entirely inside one packet, captured
// at ts.
func (r *Reassembler) emitDirect(c *conn, s int, data []byte, pkt int, ts time.Time) {
	r.onePkt[0] = pkt
	r.emitFrame(c, s, data, r.onePkt[:], ts, false)
}

// emitBuf emits the first n bytes of the buffer as a frame and drops them.
// The frame's time is that of its highest-numbered contributing packet
// (Frame.LastPkt): the one that arrived last, which completed the frame
// (for out-of-order data, the one that filled the last hole).
func (r *Reassembler) emitBuf(c *conn, s int, n int, truncated bool) {
	h := &c.half[s]
	end := h.bufOff + int64(n)
	pk := r.pkts[:0]
	prev := h.bufOff
	last, ts := 0, time.Time{}
	for _, m := range h.marks {
		if m.end > h.bufOff && prev < end {
			pk = append(pk, m.pkt)
			if m.pkt >= last {
				last, ts = m.pkt, m.ts
			}
		}
		if m.end >= end {
			break
		}
		prev = m.end
	}
	if !slices.IsSorted(pk) {
		slices.Sort(pk)
		pk = slices.Compact(pk)
	}
	r.pkts = pk
	r.emitFrame(c, s, h.buf[:n], pk, ts, truncated)
	h.want = 0
	r.consume(h, n)
}

// emitFrame hands a frame to the callback; ts is the capture time of the
// last packet in pkts.
func (r *Reassembler) emitFrame(c *conn, s int, data []byte, pkts []int, ts time.Time, truncated bool) {
	if c.DirKnownBy == DirByGuess && len(data) >= r.hl && r.proto.ClientOnly(data[:r.hl]) {
		// A client-only message settles a guessed direction.
		wrong := s != c.clientSide
		c.setClient(s, DirByHeuristic)
		if wrong {
			r.event(c, s, DirectionChanged, 0, c.half[s].bufOff, "client-only message from the side guessed to be the server")
		}
	}
	r.stats.Frames++
	if truncated {
		r.stats.TruncFrames++
	}
	if r.cbErr != nil {
		return
	}
	f := &r.frameOut
	*f = Frame{
		Conn:      &c.Conn,
		Dir:       c.dirOf(s),
		Data:      data,
		FirstPkt:  pkts[0],
		LastPkt:   pkts[len(pkts)-1],
		Pkts:      pkts,
		Time:      ts,
		Truncated: truncated,
	}
	r.itemOut = Item{Frame: f}
	r.cbErr = r.fn(&r.itemOut)
}

// finishHalf flushes side s at connection end: holes become gaps (with pkt
// and ts, the packet that ended the connection), including one between the
// last byte received and a FIN seen beyond it, a pending resync takes the
// last chance the closing rule gives it, and a partial frame is delivered
// as truncated.
func (r *Reassembler) finishHalf(c *conn, s int, pkt int, ts time.Time) {
	r.flushOOO(c, s, pkt, ts)
	if h := &c.half[s]; h.finSeen && h.off < h.finOff {
		r.gap(c, s, h.finOff-h.off, pkt, ts, "segment never captured")
	}
	r.settle(c, s, true)
	r.cutPartial(c, s, "connection ended")
}

// cutPartial deals with the bytes left in the buffer when the stream stops
// (end of connection or a lost segment): a frame whose header we have is
// delivered truncated; anything shorter than a header is reported skipped.
func (r *Reassembler) cutPartial(c *conn, s int, why string) {
	h := &c.half[s]
	switch h.mode {
	case modeFrame:
		if len(h.buf) >= r.hl {
			r.emitBuf(c, s, len(h.buf), true)
		} else if len(h.buf) > 0 {
			r.noteSkipped(h, len(h.buf))
			r.consume(h, len(h.buf))
			r.reportSkipped(c, s, why+" inside a frame header")
		}
	case modeSync:
		r.noteSkipped(h, len(h.buf))
		r.consume(h, len(h.buf))
		r.reportSkipped(c, s, why+" before a frame boundary was found")
	}
	h.want = 0
}
