package reassembly

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
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
	sll   linuxSLL
	sll2  linuxSLL2
	lo    layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	tcp   layers.TCP

	pEth, pSLL, pSLL2, pLo, pIP4, pIP6 *gopacket.DecodingLayerParser
	decoded                            []gopacket.LayerType

	frags fragTable // IP datagrams being reassembled

	tcpHdr []byte // the last TCP segment's header, as decoded (Inspector)
}

func newDecoder() *decoder {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, 8)}
	d.frags.init(DefaultMaxFragBytes, DefaultFragTimeout, &Stats{}) // the Reassembler sets its own
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
	d.pSLL2 = mk(layers.LayerTypeLinuxSLL2)
	d.pLo = mk(layers.LayerTypeLoopback)
	d.pIP4 = mk(layers.LayerTypeIPv4)
	d.pIP6 = mk(layers.LayerTypeIPv6)
	return d
}

var (
	errUnsupportedLink = errors.New("unsupported link type")
	// errFragment marks an IP fragment of a TCP segment that did not
	// complete a datagram (yet): it is held in the fragment table.
	errFragment  = errors.New("IP fragment")
	errExtHeader = errors.New("IPv6 extension header truncated")
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
// a TCP segment (yet: a fragment is held until its datagram completes);
// err is set when a header was malformed or the link type is unsupported.
// now is the capture time, for the fragment table.
func (d *decoder) decode(p *Packet, seg *segment, now int64) (isTCP bool, err error) {
	if d.fastIPv4TCP(p, seg) {
		return true, nil
	}
	return d.decodeParser(p, seg, now)
}

// decodeParser is decode by gopacket's layer parsers, for every packet the
// fast path leaves.
func (d *decoder) decodeParser(p *Packet, seg *segment, now int64) (isTCP bool, err error) {
	parser := d.parser(p.LinkType, p.Data)
	if parser == nil {
		return false, errUnsupportedLink
	}
	err = parser.DecodeLayers(p.Data, &d.decoded)
	n := len(d.decoded)
	if n == 0 {
		return false, err
	}
	seg.pkt, seg.ts = p.Num, p.Time
	switch d.decoded[n-1] {
	case layers.LayerTypeTCP:
		if err != nil {
			// Unreachable in practice: TCP is the last layer we decode, and
			// it only lands in decoded when it parsed.
			return false, err
		}
	case layers.LayerTypeIPv4:
		ip := &d.ip4
		if err != nil || ip.Protocol != layers.IPProtocolTCP || (ip.Flags&layers.IPv4MoreFragments == 0 && ip.FragOffset == 0) {
			return false, err
		}
		k := fragKey{id: uint32(ip.Id), proto: uint8(ip.Protocol)}
		mapped4(&k.src, ip.SrcIP)
		mapped4(&k.dst, ip.DstIP)
		data, done := d.frags.add(&k, int(ip.FragOffset)*8, ip.Flags&layers.IPv4MoreFragments != 0, ip.Payload, 0, now)
		if !done {
			return false, errFragment
		}
		return d.tcpFrom(data, seg, true)
	case layers.LayerTypeIPv6:
		if err != nil {
			return false, err
		}
		ip := &d.ip6
		nh := ip.NextHeader
		if ip.HopByHop != nil {
			nh = ip.HopByHop.NextHeader
		}
		return d.ipv6Ext(nh, ip.Payload, parser.Truncated, seg, now)
	default:
		return false, err
	}
	ipLayer := d.decoded[n-2]
	d.fillTCP(seg)
	hdr := int(d.tcp.DataOffset) * 4
	switch ipLayer {
	case layers.LayerTypeIPv4:
		ip := &d.ip4
		d.fillIP(seg, true)
		if parser.Truncated {
			seg.missing = int(ip.Length) - int(ip.IHL)*4 - hdr - len(d.tcp.Payload)
		}
	case layers.LayerTypeIPv6:
		ip := &d.ip6
		d.fillIP(seg, false)
		if parser.Truncated && ip.HopByHop == nil {
			seg.missing = int(ip.Length) - hdr - len(d.tcp.Payload)
		}
	default:
		return false, nil
	}
	if seg.missing < 0 {
		seg.missing = 0
	}
	return true, nil
}

// ipv6Ext walks the IPv6 extension headers gopacket leaves to us
// (destination options, routing, fragment, authentication; hop-by-hop it
// decodes itself) from next header nh over b, down to TCP. A fragment
// header sends the fragment to the fragment table; the completed
// datagram's headers are walked on. truncated says the capture cut the
// packet.
func (d *decoder) ipv6Ext(nh layers.IPProtocol, b []byte, truncated bool, seg *segment, now int64) (bool, error) {
	reassembled := false
	for {
		switch nh {
		case layers.IPProtocolTCP:
			if reassembled {
				truncated = false
			}
			ok, err := d.tcpFrom(b, seg, false)
			if ok && truncated {
				// The IPv6 length, not the capture, says how long b was.
				seg.missing = max(0, d.ip6Rest(b)-int(d.tcp.DataOffset)*4-len(d.tcp.Payload))
			}
			return ok, err
		case layers.IPProtocolIPv6HopByHop, layers.IPProtocolIPv6Routing, layers.IPProtocolIPv6Destination, layers.IPProtocolAH:
			if len(b) < 8 {
				return false, errExtHeader
			}
			l := (int(b[1]) + 1) * 8
			if nh == layers.IPProtocolAH {
				l = (int(b[1]) + 2) * 4
			}
			if l > len(b) {
				return false, errExtHeader
			}
			nh, b = layers.IPProtocol(b[0]), b[l:]
		case layers.IPProtocolIPv6Fragment:
			if len(b) < 8 {
				return false, errExtHeader
			}
			if reassembled {
				return false, errors.New("IPv6 fragment header inside a fragmented datagram")
			}
			next := b[0]
			off := int(binary.BigEndian.Uint16(b[2:4]) &^ 7)
			more := b[3]&1 != 0
			id := binary.BigEndian.Uint32(b[4:8])
			b = b[8:]
			if off == 0 && !more {
				nh = layers.IPProtocol(next) // an atomic fragment (RFC 6946)
				continue
			}
			k := fragKey{id: id, v6: true}
			copy(k.src[:], d.ip6.SrcIP)
			copy(k.dst[:], d.ip6.DstIP)
			data, done := d.frags.add(&k, off, more, b, next, now)
			if !done {
				return false, errFragment
			}
			nh, b, reassembled = layers.IPProtocol(d.frags.lastNH), data, true
		default:
			return false, nil // not TCP
		}
	}
}

// ip6Rest is how many bytes from b to the end of the IPv6 payload the
// header's length field claims (b lies inside the decoded payload).
func (d *decoder) ip6Rest(b []byte) int {
	consumed := len(d.ip6.Payload) - len(b)
	if d.ip6.HopByHop != nil {
		consumed += d.ip6.HopByHop.ActualLength
	}
	return int(d.ip6.Length) - consumed
}

// tcpFrom decodes a TCP header and payload the link parser did not reach
// (behind IPv6 extension headers, or a reassembled datagram).
func (d *decoder) tcpFrom(b []byte, seg *segment, is4 bool) (bool, error) {
	if err := d.tcp.DecodeFromBytes(b, gopacket.NilDecodeFeedback); err != nil {
		return false, err
	}
	d.fillTCP(seg)
	d.fillIP(seg, is4)
	return true, nil
}

func (d *decoder) fillTCP(seg *segment) {
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
	d.tcpHdr = tcp.Contents
}

func (d *decoder) fillIP(seg *segment, is4 bool) {
	seg.is4 = is4
	if is4 {
		mapped4(&seg.srcIP, d.ip4.SrcIP)
		mapped4(&seg.dstIP, d.ip4.DstIP)
	} else {
		copy(seg.srcIP[:], d.ip6.SrcIP)
		copy(seg.dstIP[:], d.ip6.DstIP)
	}
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
