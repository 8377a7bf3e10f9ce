package reassembly_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// fragConv is a connection whose client sends a 2,008-byte message (in
// packet 4, the one the cases fragment) and then a small one.
func fragConv(client, server string) (*Conv, []byte) {
	c := NewConv(client, server, 1000, 5000, t0)
	c.Handshake()
	big := Msg(3, 2000)
	c.Send(true, big)
	c.Send(false, Msg(4, 10))
	return c, big
}

// withFrags writes c's segments as Ethernet packets, replacing segment
// index i by the IP packets split returns.
func withFrags(c *Conv, i int, split func(ip []byte) [][]byte) []byte {
	var pkts []Packet
	for k, s := range c.Segs {
		if k != i {
			pkts = append(pkts, Packet{Time: s.Time, Data: s.Bytes(Ethernet)})
			continue
		}
		for _, f := range split(s.IP()) {
			pkts = append(pkts, Packet{Time: s.Time, Data: Ethernet.Wrap(f)})
		}
	}
	return PcapRaw(1, pkts)
}

func reversed(f func([]byte) [][]byte) func([]byte) [][]byte {
	return func(ip []byte) [][]byte {
		out := f(ip)
		slices.Reverse(out)
		return out
	}
}

// IPv4 fragments and IPv6 extension headers, fragments included, are
// decoded as tshark does: the message inside comes out whole.
func TestIPFragmentsAndExtensionHeaders(t *testing.T) {
	const c4, s4 = "10.0.0.1:50000", "10.0.0.2:42027"
	const c6, s6 = "[2001:db8::1]:50000", "[2001:db8::2]:42027"
	frag4 := func(ip []byte) [][]byte { return Frag4(ip, 600, 77) }
	frag6 := func(ip []byte) [][]byte { return Frag6(ip, 600, 0x01020304) }
	overlap4 := func(ip []byte) [][]byte {
		// 0-1000 real, then 800-end with the overlap's 200 bytes
		// scrambled: the first copy must win.
		hdr, pay := ip[:20], ip[20:]
		bad := slices.Clone(pay[800:])
		for i := range 200 {
			bad[i] ^= 0xff
		}
		return [][]byte{Frag4Piece(hdr, pay[:1000], 0, true, 9), Frag4Piece(hdr, bad, 800, false, 9)}
	}
	dup4 := func(ip []byte) [][]byte {
		f := Frag4(ip, 512, 5)
		return [][]byte{f[0], f[2], f[0], f[1], f[2], f[3]}
	}
	cases := []struct {
		name        string
		client      string
		split       func([]byte) [][]byte
		pkts        string // packets of the big message's frame
		fragments   int64
		reassembled int64
	}{
		{"IPv4 fragments in order", c4, frag4, "p[7]", 4, 1},
		{"IPv4 fragments reversed", c4, reversed(frag4), "p[7]", 4, 1},
		{"IPv4 fragments overlapping, first copy wins", c4, overlap4, "p[5]", 2, 1},
		{"IPv4 fragments duplicated", c4, dup4, "p[9]", 6, 1},
		{"IPv6 destination options", c6, func(ip []byte) [][]byte { return [][]byte{Ext6(ip, DestOptions)} }, "p[4]", 0, 0},
		{"IPv6 routing header", c6, func(ip []byte) [][]byte { return [][]byte{Ext6(ip, Routing)} }, "p[4]", 0, 0},
		{"IPv6 hop-by-hop, routing and destination options", c6, func(ip []byte) [][]byte { return [][]byte{Ext6(ip, HopByHop, Routing, DestOptions)} }, "p[4]", 0, 0},
		{"IPv6 fragments in order", c6, frag6, "p[7]", 4, 1},
		{"IPv6 fragments reversed", c6, reversed(frag6), "p[7]", 4, 1},
		{"IPv6 fragments carrying destination options", c6, func(ip []byte) [][]byte { return Frag6(Ext6(ip, DestOptions), 600, 7) }, "p[7]", 4, 1},
		{"IPv6 atomic fragment", c6, func(ip []byte) [][]byte { return [][]byte{Frag6Piece(ip[:40], ip[40:], 0, false, 3)} }, "p[4]", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			server := s4
			if tc.client == c6 {
				server = s6
			}
			c, big := fragConv(tc.client, server)
			res := runBytes(t, withFrags(c, 3, tc.split), reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			frames := res.framesOnly()
			if len(frames) != 2 || !strings.HasSuffix(frames[0], "c>s t3 n2008 "+tc.pkts) {
				t.Fatalf("frames %q, want the 2008-byte message from %s first\n%s", frames, tc.pkts, res)
			}
			if !bytes.Equal(res.frames[0].Data, big) {
				t.Error("reassembled message bytes differ from what was sent")
			}
			st := res.stats
			if st.Fragments != tc.fragments || st.FragDatagrams != tc.reassembled || st.FragDropped != 0 {
				t.Errorf("fragments %d reassembled %d dropped %d, want %d %d 0", st.Fragments, st.FragDatagrams, st.FragDropped, tc.fragments, tc.reassembled)
			}
			if len(st.DecodeErrors) != 0 {
				t.Errorf("decode errors %v", st.DecodeErrors)
			}
		})
	}
}

// Fragments that never make a datagram are dropped and counted: at the
// end of the capture, after FragTimeout, and oldest first when the byte
// budget is reached; a datagram completed afterwards still decodes.
func TestIPFragmentBounds(t *testing.T) {
	c, _ := fragConv("10.0.0.1:50000", "10.0.0.2:42027")
	ip := c.Segs[3].IP()
	hdr, pay := ip[:20], ip[20:]

	t.Run("missing middle fragment", func(t *testing.T) {
		res := runBytes(t, withFrags(c, 3, func(ip []byte) [][]byte { return slices.Delete(Frag4(ip, 600, 1), 1, 2) }), reassembly.Options{})
		st := res.stats
		if st.FragDatagrams != 0 || st.FragDropped != 1 || st.FragDroppedBytes != int64(len(pay)-600) {
			t.Errorf("reassembled %d dropped %d (%d bytes), want 0, 1 (%d bytes)", st.FragDatagrams, st.FragDropped, st.FragDroppedBytes, len(pay)-600)
		}
		if f := res.framesOnly(); len(f) != 1 || !strings.Contains(f[0], "s>c t4") {
			t.Errorf("frames %q, want only the server's message", f)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		fr := Frag4(ip, 600, 2)
		var pkts []Packet
		for _, s := range c.Segs[:3] {
			pkts = append(pkts, Packet{Time: s.Time, Data: s.Bytes(Ethernet)})
		}
		at := c.Segs[3].Time
		pkts = append(pkts, Packet{Time: at, Data: Ethernet.Wrap(fr[0])})
		for _, f := range fr[1:] {
			pkts = append(pkts, Packet{Time: at.Add(31 * time.Second), Data: Ethernet.Wrap(f)})
		}
		res := runBytes(t, PcapRaw(1, pkts), reassembly.Options{IdleTimeout: -1})
		// The first fragment timed out; the rest wait for it in vain.
		if st := res.stats; st.FragDatagrams != 0 || st.FragDropped != 2 {
			t.Errorf("reassembled %d dropped %d, want 0 and 2", st.FragDatagrams, st.FragDropped)
		}
	})

	t.Run("byte budget", func(t *testing.T) {
		var pkts []Packet
		for _, s := range c.Segs[:3] {
			pkts = append(pkts, Packet{Time: s.Time, Data: s.Bytes(Ethernet)})
		}
		// 100 first fragments of 1000 bytes that never complete...
		for id := range 100 {
			pkts = append(pkts, Packet{Time: c.Segs[3].Time, Data: Ethernet.Wrap(Frag4Piece(hdr, pay[:1000], 0, true, uint16(1000+id)))})
		}
		// ...then the real datagram.
		for _, f := range Frag4(ip, 600, 3) {
			pkts = append(pkts, Packet{Time: c.Segs[3].Time, Data: Ethernet.Wrap(f)})
		}
		const budget = 16 << 10
		res := runBytes(t, PcapRaw(1, pkts), reassembly.Options{MaxFragBytes: budget})
		st := res.stats
		if st.FragDatagrams != 1 || len(res.framesOnly()) != 1 {
			t.Errorf("reassembled %d, frames %q: the complete datagram should still decode", st.FragDatagrams, res.framesOnly())
		}
		// At most budget/1000 incomplete ones fit at a time, so nearly all
		// were dropped, each counted with its bytes.
		if st.FragDropped != 100 || st.FragDroppedBytes != 100*1000 {
			t.Errorf("dropped %d datagrams (%d bytes), want 100 (100000 bytes)", st.FragDropped, st.FragDroppedBytes)
		}
	})

	t.Run("past the largest datagram", func(t *testing.T) {
		f := Frag4Piece(hdr, pay[:1000], 65000, false, 4)
		res := runBytes(t, withFrags(c, 3, func([]byte) [][]byte { return [][]byte{f} }), reassembly.Options{})
		if st := res.stats; st.FragDropped != 1 || st.FragDatagrams != 0 {
			t.Errorf("dropped %d reassembled %d, want 1 and 0", st.FragDropped, st.FragDatagrams)
		}
	})

	t.Run("truncated IPv6 extension header", func(t *testing.T) {
		c6, _ := fragConv("[2001:db8::1]:50000", "[2001:db8::2]:42027")
		res := runBytes(t, withFrags(c6, 3, func(ip []byte) [][]byte {
			e := Ext6(ip, DestOptions)
			e[41] = 200 // claims 1608 bytes
			return [][]byte{e[:60]}
		}), reassembly.Options{})
		if n := res.stats.DecodeErrors[reassembly.LinkTypeEthernet]; n != 1 {
			t.Errorf("decode errors %v, want 1 on Ethernet", res.stats.DecodeErrors)
		}
	})
}
