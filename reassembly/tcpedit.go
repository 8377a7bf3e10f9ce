package reassembly

import (
	"encoding/binary"
	"net/netip"
)

// TCPInfo is where a packet's TCP header sits and what it says, for tools
// that edit packets in place (read -w's sequence renumbering).
type TCPInfo struct {
	Src, Dst   netip.AddrPort
	Off        int    // offset of the TCP header in Packet.Data
	Seq, Ack   uint32 // as on the wire
	SYN, ACK   bool
	FIN, RST   bool
	PayloadLen int // payload bytes on the wire (captured plus cut by snaplen)
}

// Inspector locates TCP headers in packets. It is not safe for concurrent
// use.
type Inspector struct{ d *decoder }

// NewInspector returns an Inspector.
func NewInspector() *Inspector { return &Inspector{d: newDecoder()} }

// Inspect finds the TCP header of p. ok is false for packets that are not
// TCP, do not decode, or whose TCP header does not lie in p.Data itself
// (an IP fragment: the header is in the first fragment, which Inspect
// does not reassemble).
func (in *Inspector) Inspect(p *Packet) (TCPInfo, bool) {
	var seg segment
	d := in.d
	isTCP, err := d.decode(p, &seg, p.Time.UnixNano())
	d.frags.flush() // nothing is reassembled here: a fragment stays as it is
	if err != nil || !isTCP || len(d.tcpHdr) < 20 {
		return TCPInfo{}, false
	}
	off := cap(p.Data) - cap(d.tcpHdr)
	if off < 0 || off+len(d.tcpHdr) > len(p.Data) || &p.Data[off] != &d.tcpHdr[0] {
		return TCPInfo{}, false
	}
	return TCPInfo{
		Src: addrPort(&seg.srcIP, seg.is4, seg.srcPort), Dst: addrPort(&seg.dstIP, seg.is4, seg.dstPort),
		Off: off, Seq: seg.seq, Ack: seg.ack,
		SYN: seg.syn, ACK: seg.ackf, FIN: seg.fin, RST: seg.rst,
		PayloadLen: len(seg.payload) + seg.missing,
	}, true
}

// SetSeqAck writes new sequence and acknowledgement numbers into the TCP
// header at data[off:] and updates the checksum incrementally (RFC 1624),
// so a checksum that was right stays right and one that was never filled
// in (offloading) stays as wrong as it was.
func SetSeqAck(data []byte, off int, seq, ack uint32) {
	h := data[off : off+20]
	sum := ^uint32(binary.BigEndian.Uint16(h[16:18])) & 0xffff
	for i, v := range [2]uint32{seq, ack} {
		at := 4 + 4*i
		old := binary.BigEndian.Uint32(h[at:])
		for _, w := range [2][2]uint16{{uint16(old >> 16), uint16(v >> 16)}, {uint16(old), uint16(v)}} {
			sum += uint32(^w[0]) + uint32(w[1])
		}
		binary.BigEndian.PutUint32(h[at:], v)
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(h[16:18], ^uint16(sum))
}
