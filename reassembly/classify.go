package reassembly

// verdict is what the first bytes of one direction say about a connection.
type verdict uint8

const (
	undecided verdict = iota
	isCTI
	notCTI
)

// examine applies the detection rule to the first bytes of side s: a chain
// of two plausible headers, or (when closing) one plausible header whose
// frame exactly fills the data.
func (r *Reassembler) examine(h *half, closing bool) verdict {
	b, hl := h.buf, r.hl
	if len(b) < hl {
		if closing && len(b) > 0 {
			return notCTI
		}
		return undecided
	}
	n1, ok := r.proto.FrameLen(b[:hl])
	if !ok || n1 < hl {
		return notCTI
	}
	if len(b) < n1+hl {
		switch {
		case closing && len(b) == n1:
			return isCTI
		case closing || n1+hl > r.opts.MaxBuffered:
			return notCTI
		}
		return undecided
	}
	if n2, ok := r.proto.FrameLen(b[n1 : n1+hl]); ok && n2 >= hl {
		return isCTI
	}
	return notCTI
}

// classify decides an undecided connection from the bytes buffered so far.
// Evidence for CTI in either direction wins; evidence against in either
// direction rules it out; at close, undecided means not CTI.
func (r *Reassembler) classify(c *conn, closing bool) {
	if c.state != stUndecided {
		return
	}
	v0, v1 := r.examine(&c.half[0], closing), r.examine(&c.half[1], closing)
	switch {
	case v0 == isCTI || v1 == isCTI:
		r.becomeCTI(c, v0 == isCTI, v1 == isCTI)
	case v0 == notCTI || v1 == notCTI || closing:
		r.ignore(c)
	}
}

// ignore marks c as not CTI and frees its buffers.
func (r *Reassembler) ignore(c *conn) {
	c.state = stIgnored
	for s := range c.half {
		h := &c.half[s]
		h.mode = modeIgnore
		r.dropBuf(h)
		r.oooTotal -= h.oooLen
		h.marks, h.ooo, h.oooLen = nil, nil, 0
	}
}

// becomeCTI turns a connection into a CTI one: it gets its index, its
// client side is settled as well as the evidence allows, an Opened event
// goes out, and bytes buffered while undecided are framed, both directions
// merged in capture order. proven[s] says side s's first bytes passed the
// detection rule, so they start at a frame boundary.
func (r *Reassembler) becomeCTI(c *conn, proven0, proven1 bool) {
	c.state = stCTI
	c.Index = r.nextIndex
	r.nextIndex++
	r.stats.Connections++
	if c.DirKnownBy == "" {
		r.guessClient(c)
	}
	proven := [2]bool{proven0, proven1}
	for s := range c.half {
		h := &c.half[s]
		if proven[s] || h.synSeen {
			h.mode = modeFrame
		} else {
			h.mode = modeSync
		}
	}
	r.open(c)
	r.replay(c)
}

// open emits the Opened event once.
func (r *Reassembler) open(c *conn) {
	if c.opened {
		return
	}
	c.opened = true
	r.event(c, c.clientSide, Opened, 0, 0, c.DirKnownBy)
}

// guessClient settles direction for a connection without SYN or server
// port: the side whose buffered frames include a client-only message first
// (in capture order) is the client; failing that, the side with the higher
// port (clients use ephemeral ports), which later frames may correct.
func (r *Reassembler) guessClient(c *conn) {
	best, bestPkt := -1, 0
	for s := range c.half {
		h := &c.half[s]
		b, off := h.buf, 0
		for off+r.hl <= len(b) {
			n, ok := r.proto.FrameLen(b[off : off+r.hl])
			if !ok || n < r.hl {
				break
			}
			if r.proto.ClientOnly(b[off : off+r.hl]) {
				p := pktAt(h, h.bufOff+int64(off))
				if best < 0 || p < bestPkt {
					best, bestPkt = s, p
				}
				break
			}
			off += n
		}
	}
	if best >= 0 {
		c.setClient(best, DirByHeuristic)
		return
	}
	if c.ep[0].Port() > c.ep[1].Port() {
		c.setClient(0, DirByGuess)
	} else {
		c.setClient(1, DirByGuess)
	}
}

// pktAt returns the packet that supplied the buffered byte at offset off.
func pktAt(h *half, off int64) int {
	for _, m := range h.marks {
		if m.end > off {
			return m.pkt
		}
	}
	return 0
}

// replay frames what both directions buffered while the connection was
// undecided, always taking the frame that completed earlier in the capture
// so output stays in capture order.
func (r *Reassembler) replay(c *conn) {
	for s := range c.half {
		if c.half[s].mode == modeSync {
			r.resync(c, s, false)
		}
	}
	for {
		p0, p1 := r.nextDrainPkt(c, 0), r.nextDrainPkt(c, 1)
		var s int
		switch {
		case p0 == 0 && p1 == 0:
			return
		case p0 == 0:
			s = 1
		case p1 == 0:
			s = 0
		case p1 < p0:
			s = 1
		}
		if !r.drainOne(c, s) && c.half[s].mode == modeSync {
			r.resync(c, s, false)
		}
	}
}
