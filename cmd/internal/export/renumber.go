package export

import (
	"net/netip"
	"slices"
	"sort"

	"github.com/ctishark/ctishark/reassembly"
)

// A filtered export keeps only the segments that carried kept messages, so
// each TCP stream it holds has holes where the other messages were. Read
// back, every hole looks like a lost segment: a gap row, and the messages
// behind it wait for a retransmission that never comes (HoleTimeout), so
// they come out after later messages of other connections. renumber closes
// those holes: in each direction it subtracts from a kept packet's
// sequence number the bytes of the left-out packets before it (and from
// the peer's acknowledgement numbers the same), fixing the TCP checksum,
// so the kept segments of a direction are contiguous.
//
// Only bytes the capture held are closed up. A hole the original capture
// already had (a segment never captured) stays, and so is reported again
// on reading back. So does a left-out packet that carried part of a
// message whose other part is in a kept packet ("pinned"): closing it up
// would splice half a message onto the next one.

// dirKey is one direction of one TCP connection.
type dirKey struct{ src, dst netip.AddrPort }

// cut is a run of sequence space removed from a direction, as stream
// offsets from the first byte seen; cum is every byte removed up to end.
type cut struct{ start, end, cum int64 }

// dirState follows one direction's sequence space.
type dirState struct {
	hi    uint32 // sequence number of the byte after the highest one seen
	hiOff int64  // its stream offset
	cuts  []cut  // removed runs not yet acknowledged, in order
	base  int64  // bytes removed before cuts[0]
}

// off is the stream offset of sequence number seq (signed 32-bit distance
// from the highest byte seen, so wraparound is free).
func (d *dirState) off(seq uint32) int64 { return d.hiOff + int64(int32(seq-d.hi)) }

// removedBefore is how many removed bytes lie before stream offset x.
func (d *dirState) removedBefore(x int64) int64 {
	i := sort.Search(len(d.cuts), func(i int) bool { return d.cuts[i].end > x })
	n := d.base
	if i > 0 {
		n = d.cuts[i-1].cum
	}
	if i < len(d.cuts) && x > d.cuts[i].start {
		n += x - d.cuts[i].start
	}
	return n
}

// acked forgets the cuts wholly before offset x, which the peer
// acknowledged: later packets point past them.
func (d *dirState) acked(x int64) {
	i := sort.Search(len(d.cuts), func(i int) bool { return d.cuts[i].end > x })
	if i > 0 {
		d.base = d.cuts[i-1].cum
		d.cuts = slices.Delete(d.cuts, 0, i)
	}
}

// maxCuts bounds the runs one direction remembers when its peer never
// acknowledges (a one-way export): past it the direction is no longer
// closed up, and its holes stay as they are.
const maxCuts = 1 << 20

type renumber struct {
	in     *reassembly.Inspector
	pinned *Set
	dirs   map[dirKey]*dirState
	buf    []byte
}

func newRenumber(pinned *Set) *renumber {
	return &renumber{in: reassembly.NewInspector(), pinned: pinned, dirs: map[dirKey]*dirState{}}
}

// see follows every packet read, in capture order, and returns what to
// write for a kept one: p itself, or a renumbered copy.
func (rn *renumber) see(p *reassembly.Packet, kept bool) *reassembly.Packet {
	t, ok := rn.in.Inspect(p)
	if !ok {
		return p
	}
	key := dirKey{t.Src, t.Dst}
	d := rn.dirs[key]
	if d == nil && t.PayloadLen > 0 {
		// A direction is followed from its first byte of data on: a SYN
		// or a bare ACK before it says nothing a kept packet depends on.
		seq := t.Seq
		if t.SYN {
			seq++
		}
		d = &dirState{hi: seq}
		rn.dirs[key] = d
	}
	peer := rn.dirs[dirKey{t.Dst, t.Src}]
	var start int64
	if d != nil {
		seq := t.Seq
		if t.SYN {
			seq++ // the SYN takes one sequence number before the data
		}
		start = d.off(seq)
		if end := start + int64(t.PayloadLen); end > d.hiOff {
			if !kept && !rn.pinned.Has(p.Num) && len(d.cuts) < maxCuts {
				d.remove(max(start, d.hiOff), end)
			}
			d.hi += uint32(end - d.hiOff)
			d.hiOff = end
		}
	}
	var ackOff int64
	if t.ACK && peer != nil {
		ackOff = peer.off(t.Ack)
	}
	if !kept {
		if t.ACK && peer != nil {
			peer.acked(ackOff)
		}
		return p
	}
	newSeq, newAck := t.Seq, t.Ack
	if d != nil {
		newSeq -= uint32(d.removedBefore(start))
	}
	if t.ACK && peer != nil {
		newAck -= uint32(peer.removedBefore(ackOff))
		peer.acked(ackOff)
	}
	if newSeq == t.Seq && newAck == t.Ack {
		return p
	}
	rn.buf = append(rn.buf[:0], p.Data...)
	reassembly.SetSeqAck(rn.buf, t.Off, newSeq, newAck)
	q := *p
	q.Data = rn.buf
	return &q
}

// remove cuts [from, end) out of the direction's sequence space.
func (d *dirState) remove(from, end int64) {
	cum := d.base
	if n := len(d.cuts); n > 0 {
		cum = d.cuts[n-1].cum
		if last := &d.cuts[n-1]; last.end == from {
			last.end, last.cum = end, cum+end-from
			return
		}
	}
	d.cuts = append(d.cuts, cut{from, end, cum + end - from})
}

// tornFrames collects, while the first pass filters, the packets of the
// messages the filter left out that took more than one packet; pinned
// then marks those of them that share such a message with a kept packet.
type tornFrames struct {
	pkts []int // packet lists, each ended by a 0
	lost bool  // too many to remember: renumber nothing
}

// maxTorn bounds what tornFrames remembers (packet numbers).
const maxTorn = 1 << 22

func (tf *tornFrames) add(pkts []int) {
	if len(pkts) < 2 || tf.lost {
		return
	}
	if len(tf.pkts)+len(pkts)+1 > maxTorn {
		tf.lost, tf.pkts = true, nil
		return
	}
	tf.pkts = append(append(tf.pkts, pkts...), 0)
}

// pinned is the set of left-out packets that carried part of a message
// another part of which is in a kept packet.
func (tf *tornFrames) pinned(keep *Set) *Set {
	var s Set
	for rest := tf.pkts; len(rest) > 0; {
		i := slices.Index(rest, 0)
		frame := rest[:i]
		rest = rest[i+1:]
		if slices.ContainsFunc(frame, keep.Has) {
			for _, n := range frame {
				if !keep.Has(n) {
					s.Add(n)
				}
			}
		}
	}
	return &s
}
