package ctitest

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// TCP flags.
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
)

// Seg is one TCP segment to put in a capture.
type Seg struct {
	Src, Dst netip.AddrPort
	Seq, Ack uint32
	Flags    uint8
	Payload  []byte
	Time     time.Time
	// Snap, when > 0, cuts the captured packet to this many bytes of the
	// link-layer frame (as a capture with a small snaplen would).
	Snap int
}

// Link selects the link-layer encapsulation.
type Link int

// Encapsulations.
const (
	Ethernet Link = iota
	EthernetVLAN
	EthernetQinQ
	SLL
	SLL2
	Null     // BSD loopback, little-endian family
	Loop     // OpenBSD loopback, big-endian family
	Raw      // LINKTYPE_RAW (101)
	RawOld   // DLT_RAW 12
	RawIPv4  // LINKTYPE_IPV4 228
	RawIPv6  // LINKTYPE_IPV6 229
	numLinks // sentinel
)

// LinkType returns the pcap LINKTYPE for l.
func (l Link) LinkType() uint32 {
	return [...]uint32{1, 1, 1, 113, 276, 0, 108, 101, 12, 228, 229}[l]
}

// Links lists every encapsulation.
func Links() []Link {
	var ls []Link
	for l := Ethernet; l < numLinks; l++ {
		ls = append(ls, l)
	}
	return ls
}

func (l Link) String() string {
	return [...]string{"ethernet", "vlan", "qinq", "sll", "sll2", "null", "loop", "raw", "raw12", "ipv4", "ipv6"}[l]
}

// Bytes encodes s with link-layer encapsulation l.
func (s *Seg) Bytes(l Link) []byte {
	out := l.Wrap(s.ipTCP())
	if s.Snap > 0 && s.Snap < len(out) {
		out = out[:s.Snap]
	}
	return out
}

// IP returns the IP packet of s (header, TCP header, payload).
func (s *Seg) IP() []byte { return s.ipTCP() }

// Wrap puts an IP packet (version from its first nibble) in a link-layer
// frame of encapsulation l.
func (l Link) Wrap(ip []byte) []byte {
	v6 := len(ip) > 0 && ip[0]>>4 == 6
	etype := uint16(0x0800)
	if v6 {
		etype = 0x86dd
	}
	var hdr []byte
	switch l {
	case Ethernet, EthernetVLAN, EthernetQinQ:
		hdr = []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0x66, 0x77, 0x88, 0x99, 0xaa}
		if l == EthernetQinQ {
			hdr = append(hdr, 0x88, 0xa8, 0x00, 0x0a)
		}
		if l != Ethernet {
			hdr = append(hdr, 0x81, 0x00, 0x00, 0x14)
		}
		hdr = binary.BigEndian.AppendUint16(hdr, etype)
	case SLL:
		hdr = []byte{0, 0, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0}
		hdr = binary.BigEndian.AppendUint16(hdr, etype)
	case SLL2:
		hdr = binary.BigEndian.AppendUint16(nil, etype)
		hdr = append(hdr, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 0, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0)
	case Null:
		fam := uint32(2)
		if v6 {
			fam = 30
		}
		hdr = binary.LittleEndian.AppendUint32(nil, fam)
	case Loop:
		fam := uint32(2)
		if v6 {
			fam = 24
		}
		hdr = binary.BigEndian.AppendUint32(nil, fam)
	}
	out := append(hdr, ip...)
	if l == Ethernet && len(out) < 60 {
		out = append(out, make([]byte, 60-len(out))...) // padding must be ignored
	}
	return out
}

// ipTCP builds the IP and TCP headers with valid checksums.
func (s *Seg) ipTCP() []byte {
	tcp := make([]byte, 20, 20+len(s.Payload))
	binary.BigEndian.PutUint16(tcp[0:], s.Src.Port())
	binary.BigEndian.PutUint16(tcp[2:], s.Dst.Port())
	binary.BigEndian.PutUint32(tcp[4:], s.Seq)
	binary.BigEndian.PutUint32(tcp[8:], s.Ack)
	tcp[12] = 5 << 4
	tcp[13] = s.Flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	tcp = append(tcp, s.Payload...)
	src, dst := s.Src.Addr().AsSlice(), s.Dst.Addr().AsSlice()
	// Pseudo-header checksum.
	var sum uint32
	add := func(b []byte) {
		for i := 0; i+1 < len(b); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		if len(b)%2 == 1 {
			sum += uint32(b[len(b)-1]) << 8
		}
	}
	add(src)
	add(dst)
	sum += 6 + uint32(len(tcp))
	add(tcp)
	binary.BigEndian.PutUint16(tcp[16:], fold(sum))
	if s.Src.Addr().Is4() {
		ip := make([]byte, 20, 20+len(tcp))
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)))
		ip[6] = 0x40 // DF
		ip[8] = 64
		ip[9] = 6
		copy(ip[12:], src)
		copy(ip[16:], dst)
		var hs uint32
		for i := 0; i < 20; i += 2 {
			hs += uint32(binary.BigEndian.Uint16(ip[i:]))
		}
		binary.BigEndian.PutUint16(ip[10:], fold(hs))
		return append(ip, tcp...)
	}
	ip := make([]byte, 40, 40+len(tcp))
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(tcp)))
	ip[6] = 6
	ip[7] = 64
	copy(ip[8:], src)
	copy(ip[24:], dst)
	return append(ip, tcp...)
}

func fold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// Conv builds the segments of one connection, tracking sequence numbers.
type Conv struct {
	Client, Server netip.AddrPort
	CSeq, SSeq     uint32 // next sequence number of each side
	T              time.Time
	Step           time.Duration
	Segs           []Seg
}

// NewConv starts a conversation at time t with the given ISNs.
func NewConv(client, server string, cisn, sisn uint32, t time.Time) *Conv {
	return &Conv{Client: netip.MustParseAddrPort(client), Server: netip.MustParseAddrPort(server),
		CSeq: cisn, SSeq: sisn, T: t, Step: time.Millisecond}
}

func (c *Conv) add(s Seg) *Seg {
	c.T = c.T.Add(c.Step)
	s.Time = c.T
	c.Segs = append(c.Segs, s)
	return &c.Segs[len(c.Segs)-1]
}

// Handshake adds SYN, SYN/ACK, ACK.
func (c *Conv) Handshake() {
	c.add(Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Flags: SYN})
	c.CSeq++
	c.add(Seg{Src: c.Server, Dst: c.Client, Seq: c.SSeq, Ack: c.CSeq, Flags: SYN | ACK})
	c.SSeq++
	c.add(Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Ack: c.SSeq, Flags: ACK})
}

// Send adds one data segment from the client (or server) and advances its
// sequence number.
func (c *Conv) Send(fromClient bool, payload []byte) *Seg {
	if fromClient {
		s := c.add(Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Ack: c.SSeq, Flags: ACK | PSH, Payload: payload})
		c.CSeq += uint32(len(payload))
		return s
	}
	s := c.add(Seg{Src: c.Server, Dst: c.Client, Seq: c.SSeq, Ack: c.CSeq, Flags: ACK | PSH, Payload: payload})
	c.SSeq += uint32(len(payload))
	return s
}

// SendSplit sends payload in segments of the given sizes (the last size
// repeats until the payload is used up).
func (c *Conv) SendSplit(fromClient bool, payload []byte, sizes ...int) {
	for i := 0; len(payload) > 0; i++ {
		n := sizes[min(i, len(sizes)-1)]
		n = min(n, len(payload))
		c.Send(fromClient, payload[:n])
		payload = payload[n:]
	}
}

// Fin adds a FIN from one side.
func (c *Conv) Fin(fromClient bool) {
	if fromClient {
		c.add(Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Ack: c.SSeq, Flags: FIN | ACK})
		c.CSeq++
	} else {
		c.add(Seg{Src: c.Server, Dst: c.Client, Seq: c.SSeq, Ack: c.CSeq, Flags: FIN | ACK})
		c.SSeq++
	}
}

// Rst adds a RST from one side.
func (c *Conv) Rst(fromClient bool) {
	if fromClient {
		c.add(Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Flags: RST})
	} else {
		c.add(Seg{Src: c.Server, Dst: c.Client, Seq: c.SSeq, Flags: RST})
	}
}
