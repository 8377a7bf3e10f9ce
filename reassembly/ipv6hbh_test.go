package reassembly_test

import (
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestIPv6HopByHopTrailer: the IPv6 payload length ends the packet, the
// hop-by-hop header included, so a frame trailer behind it (an FCS, a
// switch's tag) is not TCP payload.
func TestIPv6HopByHopTrailer(t *testing.T) {
	res := runBytes(t, hopByHopTrailerCapture(), reassembly.Options{})
	wantSimple(t, res)
	if res.stats.TCPPackets != res.stats.Packets || len(res.stats.DecodeErrors) != 0 || res.stats.Truncated != 0 {
		t.Errorf("stats %+v", res.stats)
	}
}

// hopByHopTrailerCapture is simpleConv over IPv6 with a hop-by-hop header
// in every packet and 4 bytes of frame trailer behind it (also checked in
// TestAgainstTshark).
func hopByHopTrailerCapture() []byte {
	segs := simpleConv("[2001:db8::1]:40000", "[2001:db8::2]:42027")
	pkts := make([]Packet, len(segs))
	for i := range segs {
		frame := Ethernet.Wrap(Ext6(segs[i].IP(), HopByHop))
		pkts[i] = Packet{Time: segs[i].Time, Data: append(frame, 0xde, 0xad, 0xbe, 0xef)}
	}
	return PcapRaw(1, pkts)
}

// TestIPv6HopByHopSnap: a segment behind a hop-by-hop header that the
// snap length cut is reported as cut (a truncated frame, then the gap),
// exactly as the same segment without the header.
func TestIPv6HopByHopSnap(t *testing.T) {
	c := NewConv("[2001:db8::1]:50000", "[2001:db8::2]:42027", 100, 200, t0)
	c.Handshake()
	c.Send(false, Msg(4, 10))
	cut := len(c.Segs)
	c.Send(false, Cat(Msg(30, 40), Msg(4, 10)))
	c.Send(false, Cat(Msg(4, 10), Msg(4, 10)))
	capture := func(hbh bool) []byte {
		pkts := make([]Packet, len(c.Segs))
		for i := range c.Segs {
			ip, ext := c.Segs[i].IP(), 0
			if hbh {
				ip, ext = Ext6(ip, HopByHop), 8
			}
			frame := Ethernet.Wrap(ip)
			if i == cut {
				frame = frame[:14+40+ext+20+30] // 30 bytes of payload captured
			}
			pkts[i] = Packet{Time: c.Segs[i].Time, Data: frame}
		}
		return PcapRaw(1, pkts)
	}
	plain := runBytes(t, capture(false), reassembly.Options{})
	got := runBytes(t, capture(true), reassembly.Options{})
	if plain.err != nil || got.err != nil {
		t.Fatalf("errors: %v, %v", plain.err, got.err)
	}
	if plain.stats.TruncFrames != 1 {
		t.Fatalf("without hop-by-hop: %d truncated frames, want 1:\n%s", plain.stats.TruncFrames, plain)
	}
	if got.String() != plain.String() {
		t.Errorf("with hop-by-hop:\n%s\nwithout:\n%s", got, plain)
	}
}
