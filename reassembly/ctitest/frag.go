package ctitest

import (
	"bytes"
	"encoding/binary"
	"time"
)

// Packet is one link-layer packet for PcapRaw.
type Packet struct {
	Time time.Time
	Data []byte
}

// PcapRaw writes packets as they are to a pcap of the given link type.
func PcapRaw(linkType uint32, pkts []Packet) []byte {
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, linkType)
	for _, p := range pkts {
		w.WritePacket(p.Time, p.Data, len(p.Data))
	}
	return buf.Bytes()
}

// Frag4 splits an IPv4 packet into fragments carrying size bytes of its
// payload each (size a multiple of 8; the last takes the rest), with
// identification id and valid header checksums, in order.
func Frag4(ip []byte, size int, id uint16) [][]byte {
	ihl := int(ip[0]&0x0f) * 4
	hdr, payload := ip[:ihl], ip[ihl:]
	var out [][]byte
	for off := 0; off < len(payload); off += size {
		end := min(off+size, len(payload))
		out = append(out, Frag4Piece(hdr, payload[off:end], off, end < len(payload), id))
	}
	return out
}

// Frag4Piece builds one IPv4 fragment: data at byte offset off (a multiple
// of 8) of the datagram whose header is hdr; more sets MF.
func Frag4Piece(hdr, data []byte, off int, more bool, id uint16) []byte {
	f := append(append([]byte(nil), hdr...), data...)
	binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
	binary.BigEndian.PutUint16(f[4:], id)
	fl := uint16(off / 8)
	if more {
		fl |= 0x2000
	}
	binary.BigEndian.PutUint16(f[6:], fl)
	f[10], f[11] = 0, 0
	var hs uint32
	for i := 0; i < len(hdr); i += 2 {
		hs += uint32(binary.BigEndian.Uint16(f[i:]))
	}
	binary.BigEndian.PutUint16(f[10:], fold(hs))
	return f
}

// IPv6 extension header types.
const (
	HopByHop    = 0
	Routing     = 43
	Fragment    = 44
	DestOptions = 60
)

// Ext6 inserts extension headers of the given types (each 8 bytes of PadN
// options, or a type-0 routing header with no addresses left) after the
// fixed header of an IPv6 packet, fixing the next-header chain and the
// payload length.
func Ext6(ip []byte, types ...uint8) []byte {
	fixed, rest := ip[:40], ip[40:]
	next := ip[6]
	var ext []byte
	for i := len(types) - 1; i >= 0; i-- {
		h := make([]byte, 8)
		h[0], h[1] = next, 0
		if types[i] == Routing {
			h[2], h[3] = 0, 0 // routing type 0, segments left 0
		} else {
			h[2], h[3] = 1, 4 // PadN: 4 bytes of padding
		}
		ext = append(h, ext...)
		next = types[i]
	}
	out := append(append(append([]byte(nil), fixed...), ext...), rest...)
	out[6] = next
	binary.BigEndian.PutUint16(out[4:], uint16(len(out)-40))
	return out
}

// Frag6 splits an IPv6 packet into fragments: the fixed header is the
// unfragmentable part, everything after it (extension headers included)
// is cut into pieces of size bytes (a multiple of 8; the last takes the
// rest), each behind a fragment header with identification id.
func Frag6(ip []byte, size int, id uint32) [][]byte {
	payload := ip[40:]
	var out [][]byte
	for off := 0; off < len(payload); off += size {
		end := min(off+size, len(payload))
		out = append(out, Frag6Piece(ip[:40], payload[off:end], off, end < len(payload), id))
	}
	return out
}

// Frag6Piece builds one IPv6 fragment of the datagram whose fixed header
// is hdr: data at offset off, more fragments following when more.
func Frag6Piece(hdr, data []byte, off int, more bool, id uint32) []byte {
	f := append([]byte(nil), hdr...)
	fh := make([]byte, 8)
	fh[0] = hdr[6]
	fo := uint16(off)
	if more {
		fo |= 1
	}
	binary.BigEndian.PutUint16(fh[2:], fo)
	binary.BigEndian.PutUint32(fh[4:], id)
	f = append(append(f, fh...), data...)
	f[6] = Fragment
	binary.BigEndian.PutUint16(f[4:], uint16(len(f)-40))
	return f
}
