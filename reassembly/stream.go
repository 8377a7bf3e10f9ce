package reassembly

import "time"

// half is one direction of a connection: the TCP sequencing state and the
// framing state of the bytes one side sends. Sequence numbers are turned
// into 64-bit stream offsets (bytes since the first byte of the direction)
// as soon as a segment arrives, so everything past this file is free of
// 32-bit wraparound.
type half struct {
	// Hot: touched for every segment (see conn).
	started bool      // nextSeq is meaningful
	mode    frameMode // what the framer does with the next bytes
	finSeen bool      // a FIN was seen (finOff is meaningful)
	nextSeq uint32    // sequence number of the next in-order byte
	off     int64     // stream offset of nextSeq
	buf     []byte    // in-order bytes not yet framed
	bufOff  int64     // stream offset of buf[0] (of the next byte when buf is empty)
	want    int       // length of the frame at buf[0] once its header is complete
	discard int64     // bytes still to drop from an overflowed frame
	ooo     []oooSeg

	// Cold.
	synSeen bool   // the stream starts at a SYN, so offset 0 is a frame boundary
	isn     uint32 // initial sequence number, when synSeen
	finOff  int64  // stream offset of the FIN
	oooLen  int    // what ooo costs: its bytes plus oooSegCost per segment
	marks   []mark // which packets the bytes in buf came from
	scan    int    // resync: next index in buf to try as a frame start
	skipped int64  // resync: bytes passed over so far
	skipOff int64  // resync: stream offset where skipping began
	hint    int64  // resync: stream offset of a known frame boundary, or -1

	// What the receiver of this direction last said in its ACKs, to judge
	// RSTs as it would (rst.go).
	wscale   int8   // window scale shift from this side's SYN; -1: none seen
	rcvAck   uint32 // latest acknowledgement number the peer sent
	rcvWin   uint16 // latest window the peer advertised, unscaled
	rcvKnown bool   // rcvAck and rcvWin are meaningful
}

// oooSeg is data that arrived before the bytes preceding it. It is copied:
// the packet buffer is reused for the next packet.
type oooSeg struct {
	off  int64
	data []byte
	pkt  int
	ts   time.Time // capture time of pkt
}

func (s *oooSeg) end() int64 { return s.off + int64(len(s.data)) }

func oooSpan(s *oooSeg) (int64, int64) { return s.off, s.end() }

// oooSegCost is what buffering a segment costs besides its bytes (the
// oooSeg record and allocation rounding), charged against MaxBuffered and
// MaxBufferedTotal so a flood of tiny segments is bounded like big ones.
const oooSegCost = 96

func oooCost(n int) int { return n + oooSegCost }

// mark attributes buffered bytes to packets: bytes before end came from pkt
// (or from earlier marks), captured at ts.
type mark struct {
	end int64
	pkt int
	ts  time.Time
}

// seqOffset converts a sequence number to a stream offset relative to the
// next expected byte, using signed 32-bit distance so wraparound is free.
func (h *half) seqOffset(seq uint32) int64 {
	return h.off + int64(int32(seq-h.nextSeq))
}

// segment processes one TCP segment sent by side s of c.
func (r *Reassembler) segment(c *conn, s int, seg *segment) {
	h := &c.half[s]
	seq := seg.seq
	if seg.syn {
		if seg.wscale >= 0 {
			h.wscale = seg.wscale
		}
		if !h.started {
			h.started, h.synSeen, h.isn = true, true, seg.seq
			h.nextSeq = seg.seq + 1
			h.hint = -1
		}
		seq++ // SYN occupies one sequence number
	}
	n := len(seg.payload) + seg.missing
	if !h.started {
		if n == 0 {
			return // a bare ACK/FIN/RST tells us nothing about where data starts
		}
		// No handshake seen: the capture started mid-session, so the
		// first byte we see is offset 0 and may be mid-frame.
		h.started, h.nextSeq, h.hint = true, seq, -1
		if h.mode == modeFrame {
			h.mode = modeSync
		}
	}
	start := h.seqOffset(seq)
	end := start + int64(n)
	if seg.fin && !h.finSeen {
		h.finSeen, h.finOff = true, end
	}
	if n > 0 {
		switch {
		case end <= h.off:
			r.stats.Retransmits++
		case start <= h.off:
			// In order, possibly overlapping bytes we already have: keep
			// the first-seen copy and deliver only the new tail.
			skip := h.off - start
			if skip < int64(len(seg.payload)) {
				r.deliver(c, s, seg.payload[skip:], seg.pkt, seg.ts)
			}
			if seg.missing > 0 && end > h.off {
				r.stats.Truncated++
				r.gap(c, s, end-h.off, seg.pkt, seg.ts, "segment cut by snaplen")
			}
			r.drainOOO(c, s)
		default:
			r.stats.OutOfOrder++
			r.storeOOO(c, s, start, seg)
		}
	}
}

// deliver hands in-order bytes to the framer and advances the stream.
// pkt and ts identify the packet the bytes came from.
func (r *Reassembler) deliver(c *conn, s int, data []byte, pkt int, ts time.Time) {
	h := &c.half[s]
	h.off += int64(len(data))
	h.nextSeq += uint32(len(data))
	r.push(c, s, data, pkt, ts)
}

// gap declares n bytes at the current stream position lost.
func (r *Reassembler) gap(c *conn, s int, n int64, pkt int, ts time.Time, why string) {
	h := &c.half[s]
	at := h.off
	h.off += n
	h.nextSeq += uint32(n)
	r.lost(c, s, at, n, pkt, ts, why)
}

// skipHole declares the hole before the first out-of-order segment of side
// s lost (why says how we know) and delivers what then became in order.
func (r *Reassembler) skipHole(c *conn, s int, pkt int, ts time.Time, why string) {
	h := &c.half[s]
	// The gap is told at the packet that gave the hole up, but stamped no
	// later than the first data that waited behind it: the gap and the
	// messages after it then keep capture time order, however late the
	// hole was given up (a filtered export has no ACKs to give it up early).
	if o := &h.ooo[0]; o.ts.Before(ts) {
		ts = o.ts
	}
	r.gap(c, s, h.ooo[0].off-h.off, pkt, ts, why)
	r.drainOOO(c, s)
}

// drainOOO delivers buffered out-of-order data that has become in order.
func (r *Reassembler) drainOOO(c *conn, s int) {
	h := &c.half[s]
	i := 0
	for ; i < len(h.ooo) && h.ooo[i].off <= h.off; i++ {
		o := &h.ooo[i]
		if o.end() > h.off {
			r.deliver(c, s, o.data[h.off-o.off:], o.pkt, o.ts)
		}
		h.oooLen -= oooCost(len(o.data))
		r.oooTotal -= oooCost(len(o.data))
		o.data = nil
	}
	if i > 0 {
		h.ooo = append(h.ooo[:0], h.ooo[i:]...)
	}
}

// storeOOO buffers a segment that starts beyond the next expected byte,
// keeping only bytes no earlier segment already supplied. If that would
// exceed the cap, the oldest hole is declared lost to make progress.
func (r *Reassembler) storeOOO(c *conn, s int, start int64, seg *segment) {
	h := &c.half[s]
	data := seg.payload
	cost := oooCost(len(data))
	r.reserveOOO(cost, seg.pkt, seg.ts)
	for h.oooLen+cost > r.opts.MaxBuffered && len(h.ooo) > 0 {
		r.skipHole(c, s, seg.pkt, seg.ts, "segment never captured")
	}
	if start <= h.off {
		// The gap above moved us up to (or past) this segment.
		skip := h.off - start
		if skip < int64(len(data)) {
			r.deliver(c, s, data[skip:], seg.pkt, seg.ts)
		}
		r.drainOOO(c, s)
		return
	}
	if h.oooLen+cost > r.opts.MaxBuffered || r.oooTotal+cost > r.opts.MaxBufferedTotal {
		// Still too big with nothing buffered: the hole before it is lost.
		r.gap(c, s, start-h.off, seg.pkt, seg.ts, "segment never captured")
		r.deliver(c, s, data, seg.pkt, seg.ts)
		return
	}
	if len(c.half[0].ooo)+len(c.half[1].ooo) == 0 {
		r.holey = append(r.holey, c) // its first hole
	}
	// Buffer the parts of the segment no earlier one supplied.
	insertUncovered(&h.ooo, oooSpan, start, start+int64(len(data)), func(a, b int64) (oooSeg, bool) {
		piece := make([]byte, b-a)
		copy(piece, data[a-start:b-start])
		h.oooLen += oooCost(len(piece))
		r.oooTotal += oooCost(len(piece))
		return oooSeg{off: a, data: piece, pkt: seg.pkt, ts: seg.ts}, true
	})
	if seg.missing > 0 {
		// The cut-off tail will never arrive; it becomes a gap when the
		// stream reaches it (via the hole logic), which is good enough for
		// this rare combination of reordering and snaplen.
		r.stats.Truncated++
	}
}

// settleHoles declares lost the holes no retransmission will fill, so the
// frames buffered behind them go out now rather than at connection end:
// a hole the peer has acknowledged past (the receiver got the bytes; the
// capture dropped them), and one whose later data has waited HoleTimeout.
// The second also covers captures exported with a filter, where the
// packets between kept messages are simply absent.
func (r *Reassembler) settleHoles(c *conn, s int, seg *segment) {
	if seg.ackf {
		o := &c.half[1-s]
		for o.started && len(o.ooo) > 0 && o.seqOffset(seg.ack) >= o.ooo[0].off {
			r.skipHole(c, 1-s, seg.pkt, seg.ts, "acknowledged by the receiver, never captured")
		}
	}
	r.timeoutHoles(c, seg.pkt, seg.ts)
}

// timeoutHoles declares lost the holes of c whose later data has waited
// HoleTimeout, at packet pkt.
func (r *Reassembler) timeoutHoles(c *conn, pkt int, ts time.Time) {
	if r.opts.HoleTimeout < 0 {
		return
	}
	limit := r.nowNS - int64(r.opts.HoleTimeout)
	for k := range c.half {
		h := &c.half[k]
		for len(h.ooo) > 0 && h.ooo[0].ts.UnixNano() < limit && c.state != stClosed {
			r.skipHole(c, k, pkt, ts, "never captured, not retransmitted in time")
		}
	}
}

// expireHoles runs timeoutHoles on every connection that may hold data
// behind a hole, forgetting those that no longer do.
func (r *Reassembler) expireHoles() {
	r.nextHoleCheck = r.nowNS + holeCheckEvery
	keep := r.holey[:0]
	for _, c := range r.holey {
		if c.state == stClosed {
			continue
		}
		r.timeoutHoles(c, r.pkt, r.now)
		if len(c.half[0].ooo)+len(c.half[1].ooo) > 0 {
			keep = append(keep, c)
		}
	}
	clear(r.holey[len(keep):])
	r.holey = keep
}

// flushOOO declares every remaining hole lost, at connection end.
func (r *Reassembler) flushOOO(c *conn, s int, pkt int, ts time.Time) {
	h := &c.half[s]
	for len(h.ooo) > 0 {
		r.skipHole(c, s, pkt, ts, "segment never captured")
	}
}
