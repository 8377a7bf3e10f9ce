package reassembly

import (
	"errors"
	"io"
	"slices"
	"time"
)

// Reassembler turns packets into CTI frames and events. It is not safe for
// concurrent use; run one per capture.
type Reassembler struct {
	proto Protocol
	opts  Options
	hl    int
	// syncLen frames at a known boundary (see InSyncFramer); proto.FrameLen
	// is the stricter rule for hunting one.
	syncLen func([]byte) (int, bool)

	dec      *decoder
	seg      segment
	table    connTable
	isServer [65536 / 64]uint64 // bitset of server ports

	nextIndex int
	now       time.Time // latest capture time seen
	nowNS     int64     // the same in Unix nanoseconds, cheaper to compare
	stats     Stats

	fn    func(*Item) error
	cbErr error

	// Output scratch, reused for every item.
	frameOut Frame
	eventOut Event
	itemOut  Item
	pkt      int // packet being processed (0 while flushing at the end)
	// While a lost hole is declared, the events it causes (bytes before
	// it skipped) carry the gap's packet and time, not the current ones:
	// stamped later, they would sort after the messages behind the gap.
	stamped bool
	stampPk int
	stampTS time.Time
	onePkt  [1]int
	pkts    []int

	freeBufs [][]byte

	// Connections that may hold data behind a hole, checked for holes
	// past HoleTimeout every holeCheckEvery of capture time, so a quiet
	// connection's frames do not wait for its next packet.
	holey         []*conn
	nextHoleCheck int64
	oooTotal      int       // out-of-order bytes buffered across all connections
	partialTotal  int       // capacity of the in-order buffers (incomplete frames, resync windows) of all connections
	tombs         []tombRef // tombstones, oldest first (bury)
	tombSeq       uint64
}

// holeCheckEvery spaces the scans of holey connections in capture time.
const holeCheckEvery = int64(100 * time.Millisecond)

// New returns a Reassembler that frames with p. Zero Options fields take
// their defaults.
func New(p Protocol, opts Options) *Reassembler {
	r := &Reassembler{proto: p, opts: opts.withDefaults(), hl: headerLen(p), syncLen: inSyncLen(p), dec: newDecoder()}
	r.table.init()
	r.dec.frags.init(r.opts.MaxFragBytes, r.opts.FragTimeout, &r.stats)
	for _, port := range r.opts.ServerPorts {
		r.isServer[port/64] |= 1 << (port % 64)
	}
	return r
}

func (r *Reassembler) serverPort(p uint16) bool { return r.isServer[p/64]&(1<<(p%64)) != 0 }

// Stats returns a snapshot of the counters.
func (r *Reassembler) Stats() Stats { return r.stats.clone() }

// Run reads src to the end, calling fn for every frame and event in order,
// then flushes all connections (Close). It returns fn's first non-nil error
// (stopping early), or the source's error for a truncated or corrupt
// capture: the items decoded before it have been delivered either way.
func (r *Reassembler) Run(src *Source, fn func(*Item) error) error {
	for {
		p, err := src.ReadPacket()
		if err != nil {
			cerr := r.Close(fn)
			if err == io.EOF {
				return cerr
			}
			if cerr != nil {
				return cerr
			}
			return err
		}
		if err := r.Packet(&p, fn); err != nil {
			return err
		}
	}
}

// ErrStopped is never produced by the package itself: callers can return
// it from their callback to stop Run early and recognise it afterwards.
var ErrStopped = errors.New("reassembly: stopped")

// Packet processes one link-layer packet, calling fn for the frames and
// events it completes. It returns fn's error, if any.
func (r *Reassembler) Packet(p *Packet, fn func(*Item) error) error {
	r.fn, r.cbErr, r.pkt = fn, nil, p.Num
	r.stats.Packets++
	r.stats.Bytes += int64(len(p.Data))
	r.setClock(p.Time)
	seg := &r.seg
	isTCP, err := r.dec.decode(p, seg, r.nowNS)
	if err != nil {
		switch err {
		case errUnsupportedLink:
			r.stats.unsupported(p.LinkType)
		case errFragment: // held until its datagram completes
		default:
			r.stats.decodeError(p.LinkType)
		}
	}
	// Expire first, so a packet arriving after a long silence finds its
	// old connection flushed rather than extending it.
	r.expireIdle(false)
	if isTCP {
		r.stats.TCPPackets++
		r.stats.TCPBytes += int64(len(seg.payload))
		r.tcp(seg)
		if r.partialTotal > r.opts.MaxPartialTotal {
			r.shedPartial()
		}
	}
	return r.cbErr
}

// Advance moves the capture clock to now without a packet, as a live
// capture that has gone quiet does: idle connections are flushed and holes
// past HoleTimeout given up, so their frames come out without waiting for
// the next packet. A time before the latest packet changes nothing.
func (r *Reassembler) Advance(now time.Time, fn func(*Item) error) error {
	r.fn, r.cbErr, r.pkt = fn, nil, 0
	r.setClock(now)
	r.expireIdle(true)
	return r.cbErr
}

// setClock moves the capture clock forward to t (never back: captures
// are not always in time order).
func (r *Reassembler) setClock(t time.Time) {
	if ns := t.UnixNano(); ns > r.nowNS || r.now.IsZero() {
		r.now, r.nowNS = t, ns
	}
}

// expireIdle flushes idle connections and gives up holes past
// HoleTimeout; holes are scanned at most every holeCheckEvery of capture
// time unless now.
func (r *Reassembler) expireIdle(now bool) {
	r.expire()
	if len(r.holey) > 0 && (now || r.nowNS >= r.nextHoleCheck) {
		r.expireHoles()
	}
}

// tcp routes a segment to its connection, creating one when the segment
// can start or continue a stream.
func (r *Reassembler) tcp(seg *segment) {
	onServerPort := r.serverPort(seg.srcPort) || r.serverPort(seg.dstPort)
	if !onServerPort && r.opts.NoHeuristics {
		return
	}
	c, side := r.table.lookup(seg)
	if c != nil && seg.syn && !seg.ackf {
		h := &c.half[side]
		if c.state == stClosed || !(h.synSeen && h.isn == seg.seq) {
			// A new SYN on a known 4-tuple: the port was reused.
			r.closeConn(c, ReasonReused, seg.pkt, seg.ts)
			c = nil
		}
	}
	if c == nil {
		if !seg.syn && len(seg.payload) == 0 && seg.missing == 0 {
			return // a bare ACK, FIN or RST cannot start anything
		}
		key, _ := keyOf(seg)
		c = r.newConn(key, side, seg, onServerPort)
	}
	r.table.touch(c, r.nowNS)
	switch c.state {
	case stClosed:
		return
	case stIgnored:
		if seg.rst || (c.half[0].finSeen && c.half[1].finSeen) {
			c.state = stClosed
			r.bury(c)
		}
		if seg.fin {
			c.half[side].finSeen = true
		}
		return
	}
	if seg.syn && c.DirKnownBy != DirBySYN {
		// The handshake is the best evidence, even when it arrives after
		// the connection was first seen.
		if seg.ackf {
			c.setClient(1-side, DirBySYN)
		} else {
			c.setClient(side, DirBySYN)
		}
	}
	if seg.rst && !r.acceptRST(c, side, seg) {
		return // a receiving stack drops it whole: no data, no ACK
	}
	if seg.ackf {
		c.noteAck(side, seg)
	}
	// Holes this packet proves lost go first: the frames behind them
	// completed before it.
	r.settleHoles(c, side, seg)
	r.segment(c, side, seg)
	switch {
	case seg.rst:
		r.closeConn(c, ReasonRST, seg.pkt, seg.ts)
	case c.half[0].finSeen && c.half[1].finSeen:
		// Both sides have sent FIN. Normally every byte before each FIN
		// has arrived by now; if not, a hole remains that no
		// retransmission will fill once both applications have closed:
		// closing declares it lost at this packet (finishHalf) and
		// releases the frames buffered after it before the Closed event.
		// A single FIN is not enough: the peer may still be waiting for
		// a retransmission that arrives after it.
		r.closeConn(c, ReasonFIN, seg.pkt, seg.ts)
	}
}

// newConn creates a connection record for a segment on an unknown 4-tuple.
func (r *Reassembler) newConn(key connKey, side int, seg *segment, onServerPort bool) *conn {
	for r.table.n >= r.opts.MaxConns && r.table.head != nil {
		// Evict the least recently active; the list is only roughly in
		// that order, so give recently active heads a second chance
		// (bounded, so a table of all-active connections still evicts).
		c := r.table.head
		for range 8 {
			if c.lastSeen <= c.listed || c.next == nil {
				break
			}
			r.table.requeue(c, r.nowNS)
			c = r.table.head
		}
		r.closeConn(c, ReasonEvicted, seg.pkt, seg.ts)
	}
	c := &conn{key: key, clientSide: -1, lastSeen: r.nowNS}
	c.ep[side] = addrPort(&seg.srcIP, seg.is4, seg.srcPort)
	c.ep[1-side] = addrPort(&seg.dstIP, seg.is4, seg.dstPort)
	for s := range c.half {
		c.half[s].hint, c.half[s].wscale = -1, -1
	}
	r.table.add(c, r.nowNS)
	switch {
	case seg.syn:
		if seg.ackf {
			c.setClient(1-side, DirBySYN)
		} else {
			c.setClient(side, DirBySYN)
		}
	case onServerPort:
		srvSide := side
		if r.serverPort(seg.dstPort) {
			srvSide = 1 - side
		}
		c.setClient(1-srvSide, DirByPort)
	}
	if onServerPort {
		c.state = stCTI
		c.Index = r.nextIndex
		r.nextIndex++
		r.stats.Connections++
		for s := range c.half {
			c.half[s].mode = modeFrame // segment() switches to modeSync without a SYN
		}
		r.open(c)
	} else {
		c.state = stUndecided
		for s := range c.half {
			c.half[s].mode = modeHold
		}
	}
	return c
}

// closeConn ends a connection: pending data is flushed and a Closed event
// goes out for CTI connections. After FIN or RST the record stays as a
// buffer-less tombstone (so late retransmissions do not start a new
// connection) until it idles out or a new SYN reuses the 4-tuple; for any
// other reason, or for a tombstone, it leaves the table.
func (r *Reassembler) closeConn(c *conn, reason string, pkt int, ts time.Time) {
	if c.state == stClosed {
		r.table.remove(c)
		return
	}
	if c.state == stUndecided {
		r.classify(c, true)
	}
	if c.state == stCTI {
		for s := range c.half {
			r.finishHalf(c, s, pkt, ts)
		}
		r.event(c, c.clientSide, Closed, 0, 0, reason)
	}
	for s := range c.half {
		h := &c.half[s]
		r.dropBuf(h)
		r.oooTotal -= h.oooLen
		h.marks, h.ooo, h.oooLen = nil, nil, 0
	}
	c.state = stClosed
	if reason != ReasonFIN && reason != ReasonRST {
		r.table.remove(c)
		return
	}
	r.bury(c)
}

// expire flushes connections idle for longer than IdleTimeout of capture
// time; the activity list keeps the oldest at the front.
func (r *Reassembler) expire() {
	if r.opts.IdleTimeout < 0 {
		return
	}
	limit := r.nowNS - int64(r.opts.IdleTimeout)
	for c := r.table.head; c != nil && c.listed < limit; c = r.table.head {
		if c.lastSeen >= limit {
			r.table.requeue(c, r.nowNS) // active since it was queued: second chance
			continue
		}
		r.closeConn(c, ReasonIdle, r.pkt, r.now)
	}
}

// Close flushes every connection (end of capture), calling fn for the
// resulting frames and events, in connection index order.
func (r *Reassembler) Close(fn func(*Item) error) error {
	r.fn, r.cbErr = fn, nil
	var all []*conn
	for c := r.table.head; c != nil; c = c.next {
		all = append(all, c)
	}
	// Undecided connections get their index when classified, after the
	// CTI ones, so sort those last in order of appearance.
	slices.SortStableFunc(all, func(a, b *conn) int {
		ai, bi := a.Index, b.Index
		if a.state != stCTI {
			ai = 1 << 62
		}
		if b.state != stCTI {
			bi = 1 << 62
		}
		return ai - bi
	})
	r.pkt = 0
	for _, c := range all {
		r.closeConn(c, ReasonEnd, 0, r.now)
	}
	r.dec.frags.flush() // datagrams still missing fragments never complete
	return r.cbErr
}

// event hands an event about the packet being processed to the callback.
func (r *Reassembler) event(c *conn, s int, k EventKind, n, off int64, text string) {
	if r.stamped {
		r.eventAt(c, s, k, n, off, r.stampPk, r.stampTS, text)
		return
	}
	r.eventAt(c, s, k, n, off, r.curPkt(), r.now, text)
}

// eventAt hands an event triggered by packet pkt, captured at ts, to the
// callback.
func (r *Reassembler) eventAt(c *conn, s int, k EventKind, n, off int64, pkt int, ts time.Time, text string) {
	if r.cbErr != nil {
		return
	}
	dir := ClientToServer
	if s >= 0 {
		dir = c.dirOf(s)
	}
	e := &r.eventOut
	*e = Event{Conn: &c.Conn, Dir: dir, Kind: k, Bytes: n, Offset: off, Pkt: pkt, Time: ts, Text: text}
	r.itemOut = Item{Event: e}
	r.cbErr = r.fn(&r.itemOut)
}

func (r *Reassembler) curPkt() int { return r.pkt }

// Buffers are recycled between connections so a long capture with many
// short connections does not churn the allocator.
const maxFreeBufs = 64

func (r *Reassembler) getBuf() []byte {
	if n := len(r.freeBufs); n > 0 {
		b := r.freeBufs[n-1]
		r.freeBufs = r.freeBufs[:n-1]
		return b
	}
	return make([]byte, 0, 512)
}

func (r *Reassembler) putBuf(b []byte) {
	// Oversized buffers go back to the GC so memory stays flat.
	if b == nil || cap(b) > 64<<10 || len(r.freeBufs) >= maxFreeBufs {
		return
	}
	r.freeBufs = append(r.freeBufs, b[:0])
}
