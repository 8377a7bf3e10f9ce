package reassembly

import "fmt"

// RSTs are judged as the receiving stack would (RFC 5961 §3): one at the
// next expected sequence number ends the connection; any other is dropped,
// so a forged or stale RST cannot blind the analyzer to what follows.
// Inside the receive window the stack answers with a challenge ACK (a
// genuine peer then resends the RST at the exact number); outside it the
// RST is dropped silently. Either way ctishark keeps decoding and reports
// an Ignored event.
//
// "Next expected" is what the receiver would have: the next in-order byte
// seen from the sender (after its FIN, if any), the receiver's latest
// acknowledgement (the capture may have missed bytes the receiver got), or
// the end of data buffered behind a hole. Without any data, SYN or
// acknowledgement from the sender's side there is nothing to judge by, and
// the RST is accepted as before.

// unknownWindow is the window assumed when the receiver's is not known
// (no ACK seen yet, or its scale unknown because the handshake was not
// captured): the largest one TCP allows.
const unknownWindow = 65535 << 14

// noteAck records the acknowledgement and window that side s advertises
// for the peer's direction.
func (c *conn) noteAck(s int, seg *segment) {
	o := &c.half[1-s]
	o.rcvAck, o.rcvWin, o.rcvKnown = seg.ack, seg.win, true
}

// acceptRST reports whether the RST in seg, sent by side s, would be
// accepted by its receiver. A refused one is counted and, on a CTI
// connection, reported.
func (r *Reassembler) acceptRST(c *conn, s int, seg *segment) bool {
	h := &c.half[s]
	if !h.started {
		return true
	}
	next := h.nextSeq
	if h.finSeen && h.finOff == h.off {
		next++ // the FIN occupies a sequence number
	}
	exact := seg.seq == next || (h.rcvKnown && seg.seq == h.rcvAck)
	if n := len(h.ooo); n > 0 && seg.seq == h.nextSeq+uint32(h.ooo[n-1].end()-h.off) {
		exact = true
	}
	if exact {
		return true
	}
	rcvNxt := next
	if h.rcvKnown && int32(h.rcvAck-next) > 0 {
		rcvNxt = h.rcvAck
	}
	r.stats.IgnoredRSTs++
	if c.state != stCTI {
		return false
	}
	var text string
	if d := seg.seq - rcvNxt; uint64(d) < c.window(s) {
		text = fmt.Sprintf("RST at sequence %d inside the receive window but not the next expected %d: a receiver answers with a challenge ACK and keeps the connection (RFC 5961)", seg.seq, rcvNxt)
	} else {
		text = fmt.Sprintf("RST at sequence %d outside the receive window (next expected %d): a receiver drops it (RFC 5961)", seg.seq, rcvNxt)
	}
	r.event(c, s, Ignored, int64(len(seg.payload)), h.off, text)
	return false
}

// window is the receive window the peer of side s last advertised, in
// bytes: scaled when both SYNs carried the window scale option (RFC 7323),
// unknownWindow when nothing tells.
func (c *conn) window(s int) uint64 {
	h, peer := &c.half[s], &c.half[1-s]
	if !h.rcvKnown || !h.synSeen || !peer.synSeen {
		return unknownWindow
	}
	w := uint64(h.rcvWin)
	if h.wscale >= 0 && peer.wscale >= 0 {
		w <<= uint(peer.wscale)
	}
	return max(w, 1)
}
