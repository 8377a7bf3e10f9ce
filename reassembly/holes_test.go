package reassembly_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// When is a hole in a stream given up on? When the receiver acknowledges
// past it (the capture missed bytes the peer got), or when the data behind
// it has waited HoleTimeout; a retransmission inside that time still fills
// it. Frames behind a hole come out then, not at the end of the capture.
func TestHoleSettling(t *testing.T) {
	m4, m30 := Msg(4, 10), Msg(30, 40)
	// withHole starts a server stream of m4, m30, m4 in which m30 (packet
	// 5) is the segment the capture misses; lost drops it.
	withHole := func() *Conv {
		c := conv()
		c.Handshake()
		c.Send(false, m4)
		c.Send(false, m30)
		c.Send(false, m4)
		return c
	}
	lost := func(c *Conv) []Seg { return slices.Delete(c.Segs, 4, 5) }
	pureAck := func(c *Conv) {
		c.T = c.T.Add(c.Step)
		c.Segs = append(c.Segs, Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Ack: c.SSeq, Flags: ACK, Time: c.T})
	}
	cases := []struct {
		name  string
		build func() []Seg
		opts  reassembly.Options
		want  []string
	}{
		{
			name: "a pure ACK past the hole declares it at once",
			build: func() []Seg {
				c := withHole()
				pureAck(c) // packet 6 after the deletion
				c.Send(false, m4)
				return lost(c)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c gap 48@18 at 6", "c0 s>c t4 n18 p[5]", "c0 s>c t4 n18 p[7]", "c0 closed end of capture"},
		},
		{
			name: "an ACK short of the hole waits",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				ack := c.SSeq      // acknowledges only the first message
				c.Send(false, m30) // lost
				c.Send(false, m4)
				c.T = c.T.Add(c.Step)
				c.Segs = append(c.Segs, Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq, Ack: ack, Flags: ACK, Time: c.T})
				return lost(c)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c gap 48@18 at 0", "c0 s>c t4 n18 p[5]", "c0 closed end of capture"},
		},
		{
			name: "data waiting longer than HoleTimeout declares the hole",
			build: func() []Seg {
				c := withHole()
				c.T = c.T.Add(4 * time.Second)
				c.Send(false, m4) // nobody acknowledged: only time tells
				return lost(c)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c gap 48@18 at 6", "c0 s>c t4 n18 p[5]", "c0 s>c t4 n18 p[6]", "c0 closed end of capture"},
		},
		{
			name: "a retransmission inside HoleTimeout fills the hole",
			build: func() []Seg {
				s := withHole().Segs
				re := s[4]
				re.Time = s[len(s)-1].Time.Add(time.Second)
				s = append(slices.Delete(s, 4, 5), re)
				return s
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c t30 n48 p[6]", "c0 s>c t4 n18 p[5]", "c0 closed end of capture"},
		},
		{
			name: "a negative HoleTimeout waits for the end",
			opts: reassembly.Options{HoleTimeout: -1},
			build: func() []Seg {
				c := withHole()
				c.T = c.T.Add(4 * time.Second)
				c.Send(false, m4)
				return lost(c)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c gap 48@18 at 0", "c0 s>c t4 n18 p[5]", "c0 s>c t4 n18 p[6]", "c0 closed end of capture"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runBytes(t, Pcap(Ethernet, tc.build()), tc.opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			got := slices.Clone(res.items)
			gaps := 0
			for i := range res.events {
				e := &res.events[i]
				if e.Kind != reassembly.Gap {
					continue
				}
				// Tag the gap line with the packet that declared it.
				for j, it := range got {
					if it == describe(&reassembly.Item{Event: e}) {
						got[j] = fmt.Sprintf("%s at %d", it, e.Pkt)
						break
					}
				}
				gaps++
			}
			if gaps != 1 && !strings.Contains(tc.name, "retransmission") {
				t.Errorf("%d gaps, want 1", gaps)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// A quiet connection's frames behind a hole do not wait for its next
// packet: other traffic moves capture time on, and the hole is given up
// HoleTimeout after the data behind it arrived.
func TestQuietConnectionHoleExpires(t *testing.T) {
	m4, m30 := Msg(4, 10), Msg(30, 40)
	a := conv()
	a.Handshake()
	a.Send(false, m4)
	a.Send(false, m30) // lost
	a.Send(false, m4)  // waits behind the hole; connection a then goes quiet
	segs := slices.Delete(a.Segs, 4, 5)
	b := NewConv("10.0.0.9:50001", "10.0.0.2:42027", 1, 1, a.T)
	b.Step = 500 * time.Millisecond
	b.Handshake()
	for range 10 {
		b.Send(false, m4)
	}
	segs = append(segs, b.Segs...)
	res := runBytes(t, Pcap(Ethernet, segs), reassembly.Options{})
	if res.err != nil {
		t.Fatal(res.err)
	}
	held := "c0 s>c t4 n18 p[5]"
	i := slices.Index(res.items, held)
	if i < 0 {
		t.Fatalf("frame behind the hole missing:\n%s", res)
	}
	// b's data packets are 500 ms apart from 1.5 s after a's last packet
	// (after its handshake); the hole is given up at the first packet
	// more than 3 s after it, with b's frames around it in time order.
	var before, after int
	for _, it := range res.items[:i] {
		if strings.HasPrefix(it, "c1 s>c") {
			before++
		}
	}
	for _, it := range res.items[i:] {
		if strings.HasPrefix(it, "c1 s>c") {
			after++
		}
	}
	if before < 2 || after < 2 || before+after != 10 {
		t.Errorf("held frame released after %d of b's frames, before %d:\n%s", before, after, res)
	}
}

// Advance lets capture time pass without a packet (a quiet live capture):
// a hole past HoleTimeout is given up and an idle connection flushed.
func TestAdvance(t *testing.T) {
	m4, m30 := Msg(4, 10), Msg(30, 40)
	c := conv()
	c.Handshake()
	c.Send(false, m4)
	c.Send(false, m30) // lost
	c.Send(false, m4)  // waits behind the hole
	segs := slices.Delete(c.Segs, 4, 5)
	src, err := reassembly.OpenReader(bytes.NewReader(Pcap(Ethernet, segs)))
	if err != nil {
		t.Fatal(err)
	}
	ra := reassembly.New(Proto{}, reassembly.Options{})
	var got []string
	fn := func(it *reassembly.Item) error { got = append(got, describe(it)); return nil }
	for {
		p, err := src.ReadPacket()
		if err != nil {
			break
		}
		if err := ra.Packet(&p, fn); err != nil {
			t.Fatal(err)
		}
	}
	last := segs[len(segs)-1].Time
	want := []string{opened, "c0 s>c t4 n18 p[4]"}
	if !slices.Equal(got, want) {
		t.Fatalf("before Advance:\n  %s", strings.Join(got, "\n  "))
	}
	ra.Advance(last.Add(time.Second), fn) // not long enough
	if len(got) != 2 {
		t.Fatalf("Advance by 1 s released %v", got[2:])
	}
	ra.Advance(last.Add(reassembly.DefaultHoleTimeout+time.Second), fn)
	want = append(want, "c0 s>c gap 48@18", "c0 s>c t4 n18 p[5]")
	if !slices.Equal(got, want) {
		t.Fatalf("after HoleTimeout:\n  %s", strings.Join(got, "\n  "))
	}
	ra.Advance(last.Add(reassembly.DefaultIdleTimeout+time.Minute), fn)
	if want = append(want, "c0 closed idle"); !slices.Equal(got, want) {
		t.Fatalf("after IdleTimeout:\n  %s", strings.Join(got, "\n  "))
	}
}
