package reassembly

import (
	"container/list"
	"time"
)

// IP fragments of TCP are put back together before the segment is decoded,
// as tshark does: in any arrival order, with overlapping bytes taken from
// the fragment that brought them first. Buffered fragments are bounded in
// bytes (Options.MaxFragBytes): a datagram still incomplete after
// Options.FragTimeout of capture time, or the oldest one when a new
// fragment would exceed the budget, is dropped and counted in
// Stats.FragDropped and Stats.FragDroppedBytes, as is every datagram
// still incomplete at the end of the capture.

// Defaults for the fragment options.
const (
	DefaultMaxFragBytes = 8 << 20
	// Linux gives up on a datagram after 30 s (net.ipv4.ipfrag_time).
	DefaultFragTimeout = 30 * time.Second
)

const (
	// maxDatagram is the largest datagram payload a fragment may reach:
	// the IP length fields are 16 bits.
	maxDatagram = 65535
	// maxFragPieces bounds the pieces of one datagram. Every fragment but
	// the last carries a multiple of 8 bytes, so a real datagram has at
	// most 8192; more is a flood.
	maxFragPieces = 8192
	// Bookkeeping charged against MaxFragBytes besides the bytes held, so
	// a flood of tiny fragments is bounded too.
	fragDgramCost = 160
	fragPieceCost = 48
)

// fragKey identifies a datagram (RFC 791 for IPv4, RFC 8200 for IPv6:
// addresses, identification and, for IPv4, the protocol).
type fragKey struct {
	src, dst [16]byte
	id       uint32
	proto    uint8
	v6       bool
}

type fragPiece struct {
	off  int
	data []byte
}

func (p *fragPiece) end() int { return p.off + len(p.data) }

func fragSpan(p *fragPiece) (int64, int64) { return int64(p.off), int64(p.end()) }

// fragDgram is a datagram being reassembled.
type fragDgram struct {
	key    fragKey
	pieces []fragPiece // sorted by offset, disjoint
	held   int         // bytes held below total (all of them while total < 0)
	total  int         // payload length once the last fragment came; -1 before
	nh     uint8       // IPv6: the header after the fragment header, from the first fragment
	born   int64       // capture time of the first fragment, Unix ns
	cost   int
	elem   *list.Element // in fragTable.order
}

// fragTable holds the datagrams being reassembled.
type fragTable struct {
	m       map[fragKey]*fragDgram
	order   list.List // of *fragDgram, oldest first
	bytes   int       // cost of everything held
	max     int
	timeout int64
	buf     []byte // the last completed datagram; valid until the next one
	lastNH  uint8  // its IPv6 next header (from its first fragment)
	stats   *Stats
}

func (t *fragTable) init(max int, timeout time.Duration, st *Stats) {
	t.m = make(map[fragKey]*fragDgram)
	t.max, t.timeout, t.stats = max, int64(timeout), st
}

// add files a fragment of payload bytes at off (more: more fragments
// follow) and returns the whole datagram payload when this fragment
// completed it. now is the capture time; nh is the IPv6 next header of the
// fragment (ignored for IPv4).
func (t *fragTable) add(k *fragKey, off int, more bool, data []byte, nh uint8, now int64) ([]byte, bool) {
	t.stats.Fragments++
	t.expire(now)
	end := off + len(data)
	if end > maxDatagram || (more && len(data) == 0) {
		t.stats.FragDropped++ // malformed: reaches past any datagram, or empty
		t.stats.FragDroppedBytes += int64(len(data))
		return nil, false
	}
	d := t.m[*k]
	if d == nil {
		for t.bytes+fragDgramCost > t.max && t.order.Len() > 0 {
			t.drop(t.oldest())
		}
		if t.max < fragDgramCost {
			return nil, false
		}
		d = &fragDgram{key: *k, total: -1, born: now, cost: fragDgramCost}
		t.m[*k] = d
		t.bytes += d.cost
		d.elem = t.order.PushBack(d)
	}
	if !more && d.total < 0 {
		// The first last fragment sets the length; bytes beyond it no
		// longer count.
		d.total = end
		d.held = 0
		for i := range d.pieces {
			p := &d.pieces[i]
			d.held += max(0, min(p.end(), end)-p.off)
		}
	}
	if off == 0 {
		d.nh = nh
	}
	t.insert(d, off, data)
	if t.m[*k] != d {
		return nil, false // dropped to make room
	}
	if d.total < 0 || d.held < d.total {
		return nil, false
	}
	// Complete: the pieces cover [0, total) without holes.
	t.buf = t.buf[:0]
	for i := range d.pieces {
		p := &d.pieces[i]
		if p.off >= d.total {
			break
		}
		t.buf = append(t.buf, p.data[:min(len(p.data), d.total-p.off)]...)
	}
	t.stats.FragDatagrams++
	t.lastNH = d.nh
	t.remove(d)
	return t.buf, true
}

// insert copies the bytes of [off, off+len(data)) that no earlier fragment
// supplied (first seen wins on overlap), making room within the budget by
// dropping the oldest datagrams first.
func (t *fragTable) insert(d *fragDgram, off int, data []byte) {
	insertUncovered(&d.pieces, fragSpan, int64(off), int64(off+len(data)), func(a, b int64) (fragPiece, bool) {
		n := int(b - a)
		cost := n + fragPieceCost
		if len(d.pieces) >= maxFragPieces || d.cost+cost > t.max {
			t.drop(d)
			return fragPiece{}, false
		}
		for t.bytes+cost > t.max && t.oldest() != d {
			t.drop(t.oldest())
		}
		if t.bytes+cost > t.max {
			t.drop(d)
			return fragPiece{}, false
		}
		piece := make([]byte, n)
		copy(piece, data[int(a)-off:int(b)-off])
		d.cost += cost
		t.bytes += cost
		if d.total < 0 {
			d.held += n
		} else {
			d.held += max(0, min(int(b), d.total)-int(a))
		}
		return fragPiece{off: int(a), data: piece}, true
	})
}

// expire drops datagrams whose first fragment is older than the timeout.
func (t *fragTable) expire(now int64) {
	for d := t.oldest(); d != nil && t.timeout > 0 && d.born < now-t.timeout; d = t.oldest() {
		t.drop(d)
	}
}

// flush drops every incomplete datagram (end of capture).
func (t *fragTable) flush() {
	for d := t.oldest(); d != nil; d = t.oldest() {
		t.drop(d)
	}
}

// oldest is the datagram whose first fragment came first, nil when none.
func (t *fragTable) oldest() *fragDgram {
	if e := t.order.Front(); e != nil {
		return e.Value.(*fragDgram)
	}
	return nil
}

// drop gives up on an incomplete datagram, counting what it held.
func (t *fragTable) drop(d *fragDgram) {
	t.stats.FragDropped++
	for i := range d.pieces {
		t.stats.FragDroppedBytes += int64(len(d.pieces[i].data))
	}
	t.remove(d)
}

func (t *fragTable) remove(d *fragDgram) {
	delete(t.m, d.key)
	t.bytes -= d.cost
	t.order.Remove(d.elem)
	d.elem, d.pieces = nil, nil
}
