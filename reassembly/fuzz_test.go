package reassembly_test

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// FuzzReader feeds arbitrary bytes as a capture file: reading, decoding
// and reassembly must never panic or hang, whatever the input.
func FuzzReader(f *testing.F) {
	segs := simpleConv("192.0.2.1:40000", "192.0.2.2:42027")
	c := NewConv("[2001:db8::1]:5000", "[2001:db8::2]:7000", 0xfffffff0, 3, t0)
	c.SendSplit(true, Cat(Msg(3, 20), Msg(5, 0), Msg(7, 100)), 7, 1)
	c.Send(false, []byte{0, 0, 0, 5, 0, 0, 0, 4, 1, 2})
	c.Rst(true)
	for _, l := range Links() {
		f.Add(Pcap(l, segs))
		f.Add(PcapNG(l, c.Segs))
	}
	f.Add(Gzip(Pcap(Ethernet, segs)))
	f.Add(modified(Pcap(Ethernet, segs), true))
	ip := c.Segs[3].IP()
	var frags []Packet
	for _, fr := range Frag6(Ext6(ip, DestOptions), 8, 1) {
		frags = append(frags, Packet{Time: t0, Data: Ethernet.Wrap(fr)})
	}
	for _, fr := range Frag4(segs[3].IP(), 16, 2) {
		frags = append(frags, Packet{Time: t0, Data: Ethernet.Wrap(fr)})
	}
	f.Add(PcapRaw(1, frags))
	f.Add(Gzip(PcapNG(SLL2, segs)))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Both framing rules: the strict one alone, and a protocol that
		// takes any sane header at a known boundary (as dissect.Framing).
		for _, p := range []reassembly.Protocol{Proto{}, inSyncProto{}} {
			src, err := reassembly.OpenReader(bytes.NewReader(data))
			if err != nil {
				return
			}
			r := reassembly.New(p, reassembly.Options{MaxBuffered: 4096, MaxPartialTotal: 8192, IdleTimeout: time.Second, MaxConns: 8})
			_ = r.Run(src, func(it *reassembly.Item) error {
				if it.Frame != nil && (len(it.Frame.Data) == 0 || len(it.Frame.Pkts) == 0) {
					t.Fatalf("empty frame %+v", it.Frame)
				}
				return nil
			})
			if st := r.Stats(); st.Frames > st.TCPBytes {
				t.Fatalf("more frames than payload bytes: %+v", st)
			}
			if held := reassembly.PartialHeld(r); held != 0 {
				t.Fatalf("%d bytes of in-order buffers still counted after the end", held)
			}
		}
	})
}

// inSyncProto frames like ctitest's Proto when hunting for a boundary and,
// at a known boundary, takes any type with a sane length, as the CTI
// dissector does (reassembly.InSyncFramer).
type inSyncProto struct{ Proto }

func (inSyncProto) FrameLenInSync(h []byte) (int, bool) {
	if len(h) < 8 {
		return 0, false
	}
	body := binary.BigEndian.Uint32(h[0:4])
	if typ := binary.BigEndian.Uint32(h[4:8]); typ == 0 || body > MaxBody {
		return 0, false
	}
	return int(body) + 8, true
}
