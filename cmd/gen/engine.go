package gen

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Times inside the generator are microseconds since Config.Start, so every
// latency is exact at the resolution of a classic pcap.
const (
	us  int64 = 1
	ms        = 1000 * us
	sec       = 1000 * ms
)

type dir uint8

const (
	c2s dir = iota // client to server
	s2c            // server to client
)

type itemKind uint8

const (
	kData itemKind = iota
	kSyn
	kSynAck
	kEstablish // the client's ACK of the SYN-ACK
	kFin       // client FIN
	kFinAck    // server FIN
	kLastAck   // client ACK of the server FIN
	kAckTimer  // delayed ACK: sent only if nothing carried the ACK meanwhile
	kFunc      // run scenario code at this time
)

// item is something to write (or do) at a time. Items leave the queue in
// (at, seq) order, seq being the push order, so equal times keep the order
// the scenario gave them.
type item struct {
	at   int64
	seq  uint64
	kind itemKind
	c    *conn
	d    dir
	p    *packed
	slot *slot
	hook func(frame int, at int64)
	fn   func(at int64)
}

type queue []*item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return it
}

// slot ties a request to its confirm: the InvokeID is drawn when the request
// is written, so InvokeIDs rise in send order whatever order the scenario
// scheduled things in.
type slot struct {
	id       uint32
	assigned bool
	noInvoke bool
	reqName  string
	reqFrame int
	reqAt    int64
}

// conn is one TCP connection and its CTI client.
type conn struct {
	index      int
	client     netip.AddrPort
	seq        [2]uint32 // next sequence number each side sends
	acked      [2]uint32 // last ACK number each side sent
	ipID       [2]uint16
	ackPending [2]bool // a delayed-ACK timer is queued for this side
	open       bool    // handshake done, FIN not yet sent
	closeAt    int64   // when the client starts closing (0 = never)
	closed     bool
	nextInvoke uint32
	ag         *agent // nil for the bridge
	clientID   string
	server     netip.AddrPort // zero: Server
}

// srv is the server end of the connection.
func (c *conn) srv() netip.AddrPort {
	if c.server.IsValid() {
		return c.server
	}
	return Server
}

var (
	serverMAC  = net.HardwareAddr{0x00, 0x50, 0x56, 0x8a, 0x20, 0x05}
	gatewayMAC = net.HardwareAddr{0x00, 0x1e, 0xbd, 0x4c, 0x11, 0x01}
)

// packetWriter is what pcapgo's two writers have in common.
type packetWriter interface {
	WritePacket(ci gopacket.CaptureInfo, data []byte) error
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// gen is one generation run.
type gen struct {
	cfg    Config
	rng    *rand.Rand
	layout dissect.Layout
	cat    *dissect.Catalog // the dialect's catalog: every message is built from it
	// catVersion is the version catalog look-ups use (0 for UCCX, whose
	// IDs have one meaning each).
	catVersion int
	detail     bool // keep per-message results (scripted mode)
	err        error

	q   queue
	seq uint64
	now int64
	end int64 // no heartbeat or timer past this; MaxInt64 until the scenario is fully planned

	cw     *countingWriter
	bw     *bufio.Writer
	ng     *pcapgo.NgWriter
	pw     packetWriter
	sbuf   gopacket.SerializeBuffer
	frames int
	msgs   int
	counts [512]int // by type ID: UCCE's go past 255

	res *Result

	lag    int64 // bridge lag of the current burst (0 = draw one per event)
	conns  []*conn
	bridge *conn
	scenario
}

func (g *gen) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

func (g *gen) ts(at int64) time.Time { return g.cfg.Start.Add(time.Duration(at) * time.Microsecond) }

// push queues an item; nothing may be queued in the past.
func (g *gen) push(it *item) {
	if it.at < g.now {
		it.at = g.now
	}
	g.seq++
	it.seq = g.seq
	heap.Push(&g.q, it)
}

func (g *gen) pushFunc(at int64, fn func(at int64)) { g.push(&item{at: at, kind: kFunc, fn: fn}) }

// flush writes every queued item due before t.
func (g *gen) flush(t int64) {
	for g.err == nil && len(g.q) > 0 && g.q[0].at < t {
		it := heap.Pop(&g.q).(*item)
		g.now = it.at
		g.do(it)
	}
}

func (g *gen) do(it *item) {
	c := it.c
	switch it.kind {
	case kFunc:
		it.fn(it.at)
	case kData:
		if c.closed {
			return
		}
		g.writeData(it)
	case kSyn:
		g.writeSegment(c, c2s, it.at, layers.TCP{SYN: true}, nil)
		c.seq[c2s]++
		if g.detail {
			g.res.Connections[c.index].Opened = g.ts(it.at)
		}
	case kSynAck:
		g.writeSegment(c, s2c, it.at, layers.TCP{SYN: true, ACK: true}, nil)
		c.seq[s2c]++
	case kEstablish:
		g.writeSegment(c, c2s, it.at, layers.TCP{ACK: true}, nil)
		c.open = true
	case kFin:
		g.writeSegment(c, c2s, it.at, layers.TCP{FIN: true, ACK: true}, nil)
		c.seq[c2s]++
		c.open, c.closed = false, true
		if g.detail {
			g.res.Connections[c.index].Closed = g.ts(it.at)
		}
	case kFinAck:
		g.writeSegment(c, s2c, it.at, layers.TCP{FIN: true, ACK: true}, nil)
		c.seq[s2c]++
	case kLastAck:
		g.writeSegment(c, c2s, it.at, layers.TCP{ACK: true}, nil)
	case kAckTimer:
		c.ackPending[it.d] = false
		if !c.closed && c.acked[it.d] != c.seq[1-it.d] {
			g.writeSegment(c, it.d, it.at, layers.TCP{ACK: true}, nil)
		}
	}
}

// writeData sends one message, or several queued for the same connection,
// direction and instant when they fit one segment (a server flushing a burst
// of events does that), splitting what exceeds the MSS.
func (g *gen) writeData(first *item) {
	c, d, at := first.c, first.d, first.at
	batch := []*item{first}
	size := len(first.p.frame)
	if size < MSS && g.rng.IntN(3) != 0 {
		for len(g.q) > 0 {
			nx := g.q[0]
			if nx.kind != kData || nx.c != c || nx.d != d || nx.at != at || size+len(nx.p.frame) > MSS {
				break
			}
			heap.Pop(&g.q)
			batch = append(batch, nx)
			size += len(nx.p.frame)
		}
	}
	payload := make([]byte, 0, size)
	for _, it := range batch {
		f := it.p.frame
		if it.slot != nil && it.p.invoke {
			if !it.slot.assigned {
				c.nextInvoke++
				it.slot.id, it.slot.assigned = c.nextInvoke, true
			}
			f = append([]byte(nil), f...)
			binary.BigEndian.PutUint32(f[dissect.HeaderLen:], it.slot.id)
		}
		payload = append(payload, f...)
	}
	firstFrame := g.frames + 1
	for off := 0; off < len(payload); off += MSS {
		end := min(off+MSS, len(payload))
		g.writeSegment(c, d, at, layers.TCP{ACK: true, PSH: end == len(payload)}, payload[off:end])
	}
	// Frame numbers of each message's first and last byte.
	off := 0
	for _, it := range batch {
		n := len(it.p.frame)
		ff := firstFrame + off/MSS
		lf := firstFrame + (off+n-1)/MSS
		off += n
		g.record(it, c, d, ff, lf, at, payload[off-n:off])
	}
	// The receiver acknowledges later unless it answers first.
	r := 1 - d
	if !c.ackPending[r] {
		c.ackPending[r] = true
		delay := 40*ms + g.rng.Int64N(2*ms) // server: Linux delayed ACK
		if r == c2s {
			delay = 200*ms - g.rng.Int64N(20*ms) // desktop: Windows delayed ACK
		}
		g.push(&item{at: at + delay, kind: kAckTimer, c: c, d: r})
	}
}

func (g *gen) record(it *item, c *conn, d dir, ff, lf int, at int64, frame []byte) {
	g.msgs++
	id := binary.BigEndian.Uint32(frame[4:8])
	if id < uint32(len(g.counts)) {
		g.counts[id]++
	}
	if it.hook != nil {
		it.hook(lf, at)
	}
	if !g.detail {
		return
	}
	m := Message{Frame: lf, FirstFrame: ff, Time: g.ts(at), Conn: c.index, FromClient: d == c2s,
		Type: it.p.def.Name, TypeID: id, CallID: it.p.callID, Length: len(frame)}
	if it.p.invoke {
		m.InvokeID = binary.BigEndian.Uint32(frame[dissect.HeaderLen:])
	}
	g.res.Messages = append(g.res.Messages, m)
	s := it.slot
	if s == nil {
		return
	}
	if it.p.def.Kind == dissect.KindRequest {
		s.reqName, s.reqFrame, s.reqAt = m.Type, lf, at
		return
	}
	p := Pair{Conn: c.index, Request: s.reqName, Response: m.Type, RequestFrame: s.reqFrame, ResponseFrame: lf,
		RequestTime: g.ts(s.reqAt), ResponseTime: m.Time, Latency: time.Duration(at-s.reqAt) * time.Microsecond,
		Failed: it.p.def.IsFailure()}
	if !s.noInvoke {
		p.InvokeID = s.id
	}
	g.res.Pairs = append(g.res.Pairs, p)
}

// writeSegment writes one TCP segment from side d of c. Sequence and ACK
// numbers come from the connection; the caller advances seq for SYN/FIN.
func (g *gen) writeSegment(c *conn, d dir, at int64, tcp layers.TCP, payload []byte) {
	if g.err != nil {
		return
	}
	ip := layers.IPv4{Version: 4, IHL: 5, Flags: layers.IPv4DontFragment, Protocol: layers.IPProtocolTCP}
	eth := layers.Ethernet{EthernetType: layers.EthernetTypeIPv4}
	srv := c.srv()
	cAddr, sAddr := c.client.Addr().As4(), srv.Addr().As4()
	if d == c2s {
		eth.SrcMAC, eth.DstMAC = gatewayMAC, serverMAC
		ip.SrcIP, ip.DstIP = cAddr[:], sAddr[:]
		ip.TTL = 127 // a Windows desktop one router away
		tcp.SrcPort, tcp.DstPort = layers.TCPPort(c.client.Port()), layers.TCPPort(srv.Port())
		tcp.Window = 64240
	} else {
		eth.SrcMAC, eth.DstMAC = serverMAC, gatewayMAC
		ip.SrcIP, ip.DstIP = sAddr[:], cAddr[:]
		ip.TTL = 64
		tcp.SrcPort, tcp.DstPort = layers.TCPPort(srv.Port()), layers.TCPPort(c.client.Port())
		tcp.Window = 29200
	}
	c.ipID[d]++
	ip.Id = c.ipID[d]
	tcp.Seq = c.seq[d]
	if tcp.ACK {
		tcp.Ack = c.seq[1-d]
		c.acked[d] = tcp.Ack
	}
	if tcp.SYN {
		tcp.Options = []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{MSS >> 8, MSS & 0xff}},
			{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(&ip); err != nil {
		g.fail(err)
		return
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(g.sbuf, opts, &eth, &ip, &tcp, gopacket.Payload(payload)); err != nil {
		g.fail(err)
		return
	}
	data := g.sbuf.Bytes()
	ci := gopacket.CaptureInfo{Timestamp: g.ts(at), CaptureLength: len(data), Length: len(data)}
	if err := g.pw.WritePacket(ci, data); err != nil {
		g.fail(err)
		return
	}
	c.seq[d] += uint32(len(payload))
	g.frames++
	if g.frames == 1 {
		g.res.Start = ci.Timestamp
	}
	g.res.End = ci.Timestamp
}
