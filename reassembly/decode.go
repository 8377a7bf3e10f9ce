package reassembly

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
)

// segment is one decoded TCP segment. Address fields are 16-byte forms
// (IPv4 mapped into IPv6) so both families share one connection key type.
type segment struct {
	srcIP, dstIP     [16]byte
	is4              bool
	srcPort, dstPort uint16
	seq, ack         uint32
	syn, ackf        bool
	fin, rst         bool
	win              uint16 // window field, unscaled
	wscale           int8   // window scale option of a SYN, -1 when absent
	payload          []byte
	missing          int // payload bytes on the wire beyond the capture (snaplen cut)
	pkt              int
	ts               time.Time
}

// decoder turns link-layer packets into TCP segments with gopacket
// DecodingLayerParsers, one per first layer, all sharing the same
// preallocated layers so decoding does not allocate.
type decoder struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q
	sll   layers.LinuxSLL
	sll2  LinuxSLL2
	lo    layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	tcp   layers.TCP

	pEth, pSLL, pSLL2, pLo, pIP4, pIP6 *gopacket.DecodingLayerParser
	decoded                            []gopacket.LayerType
}

func newDecoder() *decoder {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, 8)}
	mk := func(first gopacket.LayerType) *gopacket.DecodingLayerParser {
		// DecodingLayerArray: a linear scan over a handful of decoders beats
		// the default map.
		var c gopacket.DecodingLayerContainer = gopacket.DecodingLayerArray(nil)
		for _, l := range []gopacket.DecodingLayer{&d.eth, &d.dot1q, &d.sll, &d.sll2, &d.lo, &d.ip4, &d.ip6, &d.tcp} {
			c = c.Put(l)
		}
		p := gopacket.NewDecodingLayerParser(first)
		p.SetDecodingLayerContainer(c)
		// Non-IP and non-TCP traffic simply stops decoding; it is not an error.
		p.IgnoreUnsupported = true
		return p
	}
	d.pEth = mk(layers.LayerTypeEthernet)
	d.pSLL = mk(layers.LayerTypeLinuxSLL)
	d.pSLL2 = mk(LayerTypeLinuxSLL2)
	d.pLo = mk(layers.LayerTypeLoopback)
	d.pIP4 = mk(layers.LayerTypeIPv4)
	d.pIP6 = mk(layers.LayerTypeIPv6)
	return d
}

var (
	errUnsupportedLink = errors.New("unsupported link type")
	// errFragment marks an IPv4 fragment of a TCP segment: counted, not
	// reassembled (CTI segments are far below any MTU).
	errFragment = errors.New("IP fragment")
)

// parser picks the parser for a link type; raw IP is told apart by the
// version nibble.
func (d *decoder) parser(lt LinkType, data []byte) *gopacket.DecodingLayerParser {
	switch lt {
	case LinkTypeEthernet:
		return d.pEth
	case LinkTypeLinuxSLL:
		return d.pSLL
	case LinkTypeSLL2:
		return d.pSLL2
	case LinkTypeNull, LinkTypeLoop:
		return d.pLo
	case LinkTypeIPv4:
		return d.pIP4
	case LinkTypeIPv6:
		return d.pIP6
	case LinkTypeRaw, LinkTypeRawOld:
		if len(data) > 0 && data[0]>>4 == 6 {
			return d.pIP6
		}
		return d.pIP4
	}
	return nil
}

// decode fills seg from a packet. isTCP is false for anything that is not
// a (first-fragment-free) TCP segment; err is set when a header was
// malformed or the link type is unsupported.
func (d *decoder) decode(p *Packet, seg *segment) (isTCP bool, err error) {
	parser := d.parser(p.LinkType, p.Data)
	if parser == nil {
		return false, errUnsupportedLink
	}
	err = parser.DecodeLayers(p.Data, &d.decoded)
	n := len(d.decoded)
	if n == 0 || d.decoded[n-1] != layers.LayerTypeTCP {
		if n > 0 && d.decoded[n-1] == layers.LayerTypeIPv4 && d.ip4.Protocol == layers.IPProtocolTCP &&
			(d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0) {
			return false, errFragment
		}
		return false, err
	}
	if err != nil {
		// Unreachable in practice: TCP is the last layer we decode, and it
		// only lands in decoded when it parsed.
		return false, err
	}
	ipLayer := d.decoded[n-2]
	tcp := &d.tcp
	seg.srcPort, seg.dstPort = uint16(tcp.SrcPort), uint16(tcp.DstPort)
	seg.seq, seg.ack = tcp.Seq, tcp.Ack
	seg.syn, seg.ackf, seg.fin, seg.rst = tcp.SYN, tcp.ACK, tcp.FIN, tcp.RST
	seg.win, seg.wscale = tcp.Window, -1
	if tcp.SYN {
		seg.wscale = windowScale(tcp.Options)
	}
	seg.payload = tcp.Payload
	seg.missing = 0
	hdr := int(tcp.DataOffset) * 4
	switch ipLayer {
	case layers.LayerTypeIPv4:
		ip := &d.ip4
		seg.is4 = true
		mapped4(&seg.srcIP, ip.SrcIP)
		mapped4(&seg.dstIP, ip.DstIP)
		if parser.Truncated {
			seg.missing = int(ip.Length) - int(ip.IHL)*4 - hdr - len(tcp.Payload)
		}
	case layers.LayerTypeIPv6:
		ip := &d.ip6
		seg.is4 = false
		copy(seg.srcIP[:], ip.SrcIP)
		copy(seg.dstIP[:], ip.DstIP)
		if parser.Truncated && ip.HopByHop == nil {
			seg.missing = int(ip.Length) - hdr - len(tcp.Payload)
		}
	default:
		return false, nil
	}
	if seg.missing < 0 {
		seg.missing = 0
	}
	seg.pkt, seg.ts = p.Num, p.Time
	return true, nil
}

// windowScale returns the shift of a SYN's window scale option (RFC 7323
// caps it at 14), or -1 without one.
func windowScale(opts []layers.TCPOption) int8 {
	for i := range opts {
		if o := &opts[i]; o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 {
			return int8(min(o.OptionData[0], 14))
		}
	}
	return -1
}

func mapped4(dst *[16]byte, ip []byte) {
	*dst = [16]byte{10: 0xff, 11: 0xff}
	if len(ip) == 4 {
		copy(dst[12:], ip)
	}
}

// be32 reads a big-endian uint32; callers have checked the length.
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
