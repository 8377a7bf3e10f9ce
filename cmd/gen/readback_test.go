package gen

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// A small, independent reader of what Generate writes: it checks the packet
// layers (checksums included), follows each TCP direction by sequence number,
// cuts CTI frames from the byte stream and decodes them with dissect.

type flowKey struct {
	client netip.AddrPort
	c2s    bool
}

type flow struct {
	nextSeq uint32
	synSeen bool
	buf     []byte
}

type readMsg struct {
	frame   int // frame holding the last byte
	time    time.Time
	conn    netip.AddrPort
	c2s     bool
	msg     *dissect.Message
	typ     string
	invoke  uint32
	hasInv  bool
	session *dissect.Session
}

type readback struct {
	frames   int
	times    []time.Time // per frame, 1-based index-1
	msgs     []readMsg
	sessions map[netip.AddrPort]*dissect.Session
	pureACKs int
	syns     int
	fins     int
	segments int // data segments
	multi    int // data segments carrying more than one message end
	split    int // messages spanning several segments
}

func readCapture(t *testing.T, data []byte) *readback {
	t.Helper()
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	if len(data) >= 4 && binary.LittleEndian.Uint32(data) == 0x0A0D0D0A {
		r, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatal(err)
		}
		src = r
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if r.LinkType() != layers.LinkTypeEthernet {
			t.Fatalf("link type %v", r.LinkType())
		}
		src = r
	}
	rb := &readback{sessions: map[netip.AddrPort]*dissect.Session{}}
	flows := map[flowKey]*flow{}
	var last time.Time
	for {
		pkt, ci, err := src.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rb.frames++
		rb.times = append(rb.times, ci.Timestamp)
		if ci.Timestamp.Before(last) {
			t.Fatalf("frame %d: timestamp goes back", rb.frames)
		}
		last = ci.Timestamp
		p := gopacket.NewPacket(pkt, layers.LayerTypeEthernet, gopacket.Default)
		ip, _ := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		tcp, _ := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if ip == nil || tcp == nil {
			t.Fatalf("frame %d: not IPv4/TCP: %v", rb.frames, p)
		}
		checkChecksums(t, rb.frames, pkt, ip, tcp)
		src := netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.SrcIP.To4())), uint16(tcp.SrcPort))
		dst := netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.DstIP.To4())), uint16(tcp.DstPort))
		k := flowKey{client: src, c2s: true}
		if src == Server {
			k = flowKey{client: dst, c2s: false}
		} else if dst != Server {
			t.Fatalf("frame %d: %v -> %v does not involve the server", rb.frames, src, dst)
		}
		f := flows[k]
		if f == nil {
			f = &flow{}
			flows[k] = f
		}
		if tcp.SYN {
			rb.syns++
			f.synSeen, f.nextSeq = true, tcp.Seq+1
			continue
		}
		if !f.synSeen {
			t.Fatalf("frame %d: data before SYN", rb.frames)
		}
		if tcp.Seq != f.nextSeq {
			t.Fatalf("frame %d: seq %d, want %d", rb.frames, tcp.Seq, f.nextSeq)
		}
		rev := flows[flowKey{client: k.client, c2s: !k.c2s}]
		if tcp.ACK && rev != nil && tcp.Ack != rev.nextSeq {
			t.Fatalf("frame %d: ack %d, the peer has sent up to %d", rb.frames, tcp.Ack, rev.nextSeq)
		}
		f.nextSeq += uint32(len(tcp.Payload))
		if tcp.FIN {
			rb.fins++
			f.nextSeq++
		}
		if len(tcp.Payload) == 0 {
			if !tcp.FIN {
				rb.pureACKs++
			}
			continue
		}
		if len(tcp.Payload) > MSS {
			t.Fatalf("frame %d: %d payload bytes exceed the MSS", rb.frames, len(tcp.Payload))
		}
		rb.segments++
		startedWith := len(f.buf)
		f.buf = append(f.buf, tcp.Payload...)
		s := rb.sessions[k.client]
		if s == nil {
			s = dissect.NewSession(dissect.Options{})
			rb.sessions[k.client] = s
		}
		ends := 0
		for len(f.buf) >= dissect.HeaderLen {
			n := int(binary.BigEndian.Uint32(f.buf)) + dissect.HeaderLen
			if n > len(f.buf) {
				break
			}
			frame := append([]byte(nil), f.buf[:n]...)
			f.buf = f.buf[n:]
			if startedWith > 0 && ends == 0 {
				rb.split++
			}
			ends++
			m := s.Decode(frame)
			rm := readMsg{frame: rb.frames, time: ci.Timestamp, conn: k.client, c2s: k.c2s, msg: m, typ: m.Name(), session: s}
			if m.Def != nil && len(m.Def.Fixed) > 0 && m.Def.Fixed[0].Name == "InvokeID" {
				v, _ := m.Uint("InvokeID")
				rm.invoke, rm.hasInv = uint32(v), true
			}
			rb.msgs = append(rb.msgs, rm)
		}
		if ends > 1 {
			rb.multi++
		}
	}
	for k, f := range flows {
		if len(f.buf) != 0 {
			t.Errorf("%v c2s=%v: %d bytes left over, not a whole frame", k.client, k.c2s, len(f.buf))
		}
	}
	return rb
}

// checkChecksums recomputes the IPv4 and TCP checksums of a frame.
func checkChecksums(t *testing.T, n int, pkt []byte, ip *layers.IPv4, tcp *layers.TCP) {
	t.Helper()
	hdr := pkt[14 : 14+int(ip.IHL)*4]
	if sum16(hdr, 0) != 0xffff {
		t.Fatalf("frame %d: bad IPv4 checksum", n)
	}
	seg := pkt[14+int(ip.IHL)*4 : 14+int(ip.Length)]
	var pseudo uint32
	for _, b := range [][]byte{ip.SrcIP.To4(), ip.DstIP.To4()} {
		pseudo += (uint32(b[0])<<8 | uint32(b[1])) + (uint32(b[2])<<8 | uint32(b[3]))
	}
	pseudo += uint32(layers.IPProtocolTCP) + uint32(len(seg))
	if sum16(seg, pseudo) != 0xffff {
		t.Fatalf("frame %d: bad TCP checksum", n)
	}
}

func sum16(b []byte, acc uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		acc += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		acc += uint32(b[len(b)-1]) << 8
	}
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return uint16(acc)
}

func (rb *readback) counts() map[string]int {
	out := map[string]int{}
	for _, m := range rb.msgs {
		out[m.typ]++
	}
	return out
}

func describe(m readMsg) string {
	return fmt.Sprintf("frame %d %s (%v c2s=%v)", m.frame, m.typ, m.conn, m.c2s)
}
