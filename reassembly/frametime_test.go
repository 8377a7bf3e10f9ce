package reassembly_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// Frame.Time is the capture time of the packet numbered Frame.LastPkt: the
// highest-numbered (last to arrive) packet that contributed bytes, which
// is the one that completed the frame. It is not the time of the packet
// being processed when the frame came out: a frame held behind a hole, or
// buffered while the connection was unclassified, comes out later.
// Every Conv packet has its own timestamp (1 ms apart), so a wrong pick
// shows.
func TestFrameTimeIsLastPktTime(t *testing.T) {
	m3, m4, m5, m30 := Msg(3, 20), Msg(4, 10), Msg(5, 0), Msg(30, 40)
	cases := []struct {
		name     string
		build    func() []Seg
		lastPkts []int // Frame.LastPkt of each frame, in output order
	}{
		{
			name: "in order, one frame per segment",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(false, m4)
				c.Fin(true)
				c.Fin(false)
				return c.Segs
			},
			lastPkts: []int{4, 5},
		},
		{
			name: "frame split across segments",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(true, Cat(m3, m5), 3, 20, 100) // m3: 4 5 6, m5: 6
				c.Send(false, m4)
				return c.Segs
			},
			lastPkts: []int{6, 6, 7},
		},
		{
			// Segments arrive 3rd, 2nd, 1st. m4 (bytes 0..18) is completed
			// by packet 6 (the 1st segment, which filled the last hole).
			// m30 (18..66) lies in packets 4 and 5 and comes out only
			// when packet 6 arrives, but packet 6 holds none of its bytes:
			// its time is packet 5's, the last contributor to arrive.
			name: "out-of-order arrival",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30), 10, 16, 100)
				c.Segs[3], c.Segs[5] = c.Segs[5], c.Segs[3]
				c.Send(true, m5) // a later packet
				return c.Segs
			},
			lastPkts: []int{6, 5, 7},
		},
		{
			// Packet 5 (bytes 30..60) is lost: the two m4 frames in
			// packet 6 wait for it and come out when the client's next
			// packet acknowledges past the hole (the client got bytes the
			// capture missed), before the client's own frame; the
			// truncated m30 head likewise. Each keeps the time of its own
			// packet.
			name: "frames released after a gap",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30, m4, m4), 30, 30, 100)
				c.Send(true, m5)
				c.Fin(true)
				c.Fin(false)
				return slices.Delete(c.Segs, 4, 5)
			},
			lastPkts: []int{4, 4, 5, 5, 6},
		},
		{
			name: "frames released after a gap at end of capture",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30, m4, m4), 30, 30, 100)
				return slices.Delete(c.Segs, 4, 5) // nothing acknowledges past the hole
			},
			lastPkts: []int{4, 4, 5, 5},
		},
		{
			// Not on a server port: both directions are buffered until
			// the connection is classified, then replayed.
			name: "frames buffered until heuristic classification",
			build: func() []Seg {
				c := NewConv("10.0.0.1:50000", "10.0.0.2:7000", 1, 1, t0)
				c.Send(true, m3)
				c.Send(false, m4)
				c.Send(false, m30)
				c.Send(true, m5)
				return c.Segs
			},
			lastPkts: []int{1, 2, 3, 4},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			segs := tc.build()
			for i := 1; i < len(segs); i++ {
				if !segs[i].Time.After(segs[i-1].Time) {
					segs[i].Time = segs[i-1].Time.Add(time.Millisecond) // distinct, rising
				}
			}
			res := runBytes(t, Pcap(Ethernet, segs), reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var last []int
			for _, f := range res.frames {
				last = append(last, f.LastPkt)
				if want := segs[f.LastPkt-1].Time; !f.Time.Equal(want) {
					t.Errorf("frame %v: Time %v, want %v (packet %d)", f.Pkts, f.Time, want, f.LastPkt)
				}
			}
			if !slices.Equal(last, tc.lastPkts) {
				t.Errorf("LastPkts %v, want %v\n%s", last, tc.lastPkts, res)
			}
		})
	}
}

// A hole that is still open when both sides have sent FIN (or on RST)
// becomes a Gap at the packet that closed the connection, and the frames
// buffered behind it come out before the Closed event.
func TestGapDeclaredAtClose(t *testing.T) {
	m3, m4, m5, m30 := Msg(3, 20), Msg(4, 10), Msg(5, 0), Msg(30, 40)
	type gapWant struct {
		desc string // as describe renders it
		pkt  int
	}
	cases := []struct {
		name  string
		build func() []Seg
		want  []string
		gaps  []gapWant
	}{
		{
			// Client: m3 | m5 (lost) | m5 m5; server: m4 | m30 (lost) |
			// m4. Packets: 4 c, 5 c, 6 s, 7 s, 8 FIN c, 9 FIN s.
			// Each side's next data packet acknowledges past the other
			// side's hole, which proves it lost there and then.
			name: "lost segment in both directions, acknowledged by the peer",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(true, m5) // lost
				c.Send(true, Cat(m5, m5))
				c.Send(false, m4)
				c.Send(false, m30) // lost
				c.Send(false, m4)
				c.Fin(true)
				c.Fin(false)
				s := slices.Delete(c.Segs, 7, 8)
				return slices.Delete(s, 4, 5)
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]",
				"c0 c>s gap 8@28", "c0 c>s t5 n8 p[5]", "c0 c>s t5 n8 p[5]", "c0 s>c t4 n18 p[6]",
				"c0 s>c gap 48@18", "c0 s>c t4 n18 p[7]", "c0 closed fin"},
			gaps: []gapWant{{"c0 c>s gap 8@28", 6}, {"c0 s>c gap 48@18", 8}},
		},
		{
			// The last client segment before its FIN is lost: nothing is
			// buffered behind the hole, which ends at the FIN's sequence
			// number.
			name: "lost segment just before the FIN",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(true, m30[:20])
				c.Send(true, m30[20:]) // lost
				c.Fin(true)
				c.Fin(false)
				return slices.Delete(c.Segs, 5, 6)
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s t30 n20 p[5] trunc",
				"c0 c>s gap 28@48", "c0 closed fin"},
			gaps: []gapWant{{"c0 c>s gap 28@48", 7}},
		},
		{
			name: "lost segment, then RST",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				c.Send(false, m30) // lost
				c.Send(false, m4)
				c.Rst(true)
				return slices.Delete(c.Segs, 4, 5)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c gap 48@18", "c0 s>c t4 n18 p[5]", "c0 closed rst"},
			gaps: []gapWant{{"c0 s>c gap 48@18", 6}},
		},
		{
			// One FIN is not the end: the client's lost segment is
			// retransmitted after its FIN and fills the hole before the
			// server closes, so there is no gap.
			name: "retransmission after one FIN fills the hole",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(true, m5)
				c.Send(true, m3)
				c.Fin(true)
				s := c.Segs
				s = append(s, s[4])        // retransmission
				s = slices.Delete(s, 4, 5) // original lost
				c.Segs = s
				c.Fin(false)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s t5 n8 p[7]", "c0 c>s t3 n28 p[5]", "c0 closed fin"},
		},
		{
			// Without a FIN from both sides the hole stays open until the
			// end of the capture, where the gap has no packet.
			name: "FIN from one side only: gap at end of capture",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(true, m5) // lost
				c.Send(true, m3)
				c.Fin(true)
				return slices.Delete(c.Segs, 4, 5)
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s gap 8@28", "c0 c>s t3 n28 p[5]", "c0 closed end of capture"},
			gaps: []gapWant{{"c0 c>s gap 8@28", 0}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			segs := tc.build()
			res := runBytes(t, Pcap(Ethernet, segs), reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if !slices.Equal(res.items, tc.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(res.items, "\n  "), strings.Join(tc.want, "\n  "))
			}
			var gaps []gapWant
			for i := range res.events {
				e := &res.events[i]
				if e.Kind != reassembly.Gap {
					continue
				}
				gaps = append(gaps, gapWant{describe(&reassembly.Item{Event: e}), e.Pkt})
				// Stamped no later than the packet that gave the hole up,
				// and at the time of a captured packet: the first data that
				// waited behind the hole, when that came earlier.
				latest := segs[len(segs)-1].Time // end of capture: the latest time seen
				if e.Pkt > 0 {
					latest = segs[e.Pkt-1].Time
				}
				seen := slices.ContainsFunc(segs, func(s Seg) bool { return s.Time.Equal(e.Time) })
				if e.Time.After(latest) || !seen {
					t.Errorf("gap at packet %d: Time %v, want a packet's time no later than %v", e.Pkt, e.Time, latest)
				}
			}
			if !slices.Equal(gaps, tc.gaps) {
				t.Errorf("gaps %v, want %v", gaps, tc.gaps)
			}
		})
	}
}

// TestStreamEventsNotAfterNextFrame: a Gap, and the Skipped bytes before
// it (a frame header cut by the hole), are stamped no later than the next
// frame of the same connection, however late the hole is given up: here
// by the hole timeout in one case and at the end of the capture in the
// other, both well after the frame behind the hole arrived. (The Skipped
// event used to carry the time of the packet being processed.)
func TestStreamEventsNotAfterNextFrame(t *testing.T) {
	m3, m4, m5 := Msg(3, 20), Msg(4, 10), Msg(5, 8)
	for _, late := range []time.Duration{5 * time.Second, 0} {
		c := conv()
		c.Handshake()
		c.Send(true, m3)
		c.Send(true, append(slices.Clone(m4), m5[:5]...)) // m5's header cut by the hole
		c.CSeq += uint32(len(m5) - 5)                     // the rest of m5: never captured
		c.Send(true, m3)
		if late > 0 {
			c.T = c.T.Add(late)
			c.Send(false, m4) // the other side, after the hole timeout
		}
		res := runBytes(t, Pcap(Ethernet, c.Segs), reassembly.Options{})
		if res.err != nil {
			t.Fatal(res.err)
		}
		var pending []reassembly.Event // events not yet followed by a frame
		kinds := map[reassembly.EventKind]bool{}
		// Walk items in order with frames and events side by side.
		fi, ei := 0, 0 // next of res.frames, res.events
		for _, line := range res.items {
			if strings.Contains(line, " n") && strings.Contains(line, " p[") {
				f := res.frames[fi]
				fi++
				for _, e := range pending {
					if e.Conn.Index == f.Conn.Index && e.Time.After(f.Time) {
						t.Errorf("late %v: %s at %v, after the next frame of its connection at %v", late, e.Kind, e.Time, f.Time)
					}
				}
				pending = pending[:0]
				continue
			}
			e := res.events[ei]
			ei++
			if e.Kind == reassembly.Gap || e.Kind == reassembly.Skipped {
				kinds[e.Kind] = true
				pending = append(pending, e)
			}
		}
		if !kinds[reassembly.Gap] || !kinds[reassembly.Skipped] {
			t.Errorf("late %v: items %v, want a gap and a skip", late, res.items)
		}
	}
}
