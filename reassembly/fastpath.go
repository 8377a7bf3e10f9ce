package reassembly

import "encoding/binary"

// fastIPv4TCP decodes the packet nearly every capture is made of, an
// unfragmented IPv4 datagram without options carrying a TCP segment that
// is not a SYN, on Ethernet or raw IP, without gopacket's layer parser:
// its generic dispatch was about 7% of a whole command's CPU. It returns
// false, having written nothing, for every other packet (VLAN tags, IP
// options, fragments, a zero IP length (TSO), tunnels, malformed headers,
// a SYN, whose options carry the window scale): the parser decodes those.
// What it fills is what decode fills from the parser's layers for the
// same bytes (TestFastPathMatchesParser).
func (d *decoder) fastIPv4TCP(p *Packet, seg *segment) bool {
	b := p.Data
	switch p.LinkType {
	case LinkTypeEthernet:
		if len(b) < 14 || b[12] != 0x08 || b[13] != 0x00 {
			return false
		}
		b = b[14:]
	case LinkTypeIPv4:
	case LinkTypeRaw, LinkTypeRawOld:
		if len(b) > 0 && b[0]>>4 == 6 {
			return false // parser picks IPv6 by the version nibble
		}
	default:
		return false
	}
	// IPv4: a 20-byte header, a length that covers it, no fragment bits,
	// protocol TCP. gopacket does not check the version nibble; neither
	// does this.
	if len(b) < 20 || b[0]&0x0f != 5 {
		return false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length < 20 || binary.BigEndian.Uint16(b[6:8])&0x3fff != 0 || b[9] != 6 {
		return false
	}
	truncated := length > len(b)
	if length < len(b) {
		b = b[:length] // link-layer padding
	}
	ip, t := b[:20], b[20:]
	// TCP: a whole header within the bytes present.
	if len(t) < 20 {
		return false
	}
	hdr := int(t[12]>>4) * 4
	flags := t[13]
	if hdr < 20 || hdr > len(t) || flags&0x02 != 0 {
		return false
	}
	seg.pkt, seg.ts = p.Num, p.Time
	seg.srcPort, seg.dstPort = binary.BigEndian.Uint16(t[0:2]), binary.BigEndian.Uint16(t[2:4])
	seg.seq, seg.ack = binary.BigEndian.Uint32(t[4:8]), binary.BigEndian.Uint32(t[8:12])
	seg.syn, seg.ackf, seg.fin, seg.rst = false, flags&0x10 != 0, flags&0x01 != 0, flags&0x04 != 0
	seg.win, seg.wscale = binary.BigEndian.Uint16(t[14:16]), -1
	seg.payload = t[hdr:]
	seg.missing = 0
	if truncated {
		seg.missing = max(0, length-20-hdr-len(seg.payload))
	}
	seg.is4 = true
	mapped4(&seg.srcIP, ip[12:16])
	mapped4(&seg.dstIP, ip[16:20])
	d.tcpHdr = t[:hdr]
	return true
}
