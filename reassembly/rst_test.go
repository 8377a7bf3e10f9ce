package reassembly_test

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// An RST counts only at the next expected sequence number, as in a
// receiving stack (RFC 5961): a forged one, inside the window or far
// outside it, is reported and ignored, and the messages after it on the
// same connection still decode.
func TestRSTValidation(t *testing.T) {
	m3, m4 := Msg(3, 20), Msg(4, 10)
	rst := func(c *Conv, fromServer bool, seq uint32) {
		c.T = c.T.Add(c.Step)
		s := Seg{Src: c.Client, Dst: c.Server, Seq: seq, Flags: RST, Time: c.T}
		if fromServer {
			s.Src, s.Dst = c.Server, c.Client
		}
		c.Segs = append(c.Segs, s)
	}
	cases := []struct {
		name   string
		build  func() []Seg
		want   []string // frame and event lines, ignored events by prefix
		ignore int      // IgnoredRSTs expected
	}{
		{
			name: "forged RST far outside the window",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				rst(c, true, c.SSeq+0x40000000)
				c.Send(false, m4)
				c.Send(true, m3)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 s>c ignored 0@0 RST at sequence 1073746825 outside the receive window",
				"c0 s>c t4 n18 p[6]", "c0 c>s t3 n28 p[7]", "c0 closed end of capture"},
			ignore: 1,
		},
		{
			name: "blind RST inside the window but not exact",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				rst(c, false, c.CSeq+1000)
				c.Send(true, m3)
				c.Send(false, m4)
				return c.Segs
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 c>s ignored 0@0 RST at sequence 2001 inside the receive window but not the next expected 1001: a receiver answers with a challenge ACK",
				"c0 c>s t3 n28 p[6]", "c0 s>c t4 n18 p[7]", "c0 closed end of capture"},
			ignore: 1,
		},
		{
			name: "challenge, then the genuine RST at the exact number",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				rst(c, true, c.SSeq+5)
				c.Send(false, m4)
				rst(c, true, c.SSeq)
				c.Send(false, m4) // after the real RST: absorbed
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 s>c ignored 0@0 RST at sequence 5006 inside the receive window",
				"c0 s>c t4 n18 p[6]", "c0 closed rst"},
			ignore: 1,
		},
		{
			name: "RST at the receiver's acknowledgement after bytes the capture missed",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				c.Send(false, m4) // lost from the capture, but acknowledged below
				c.Send(true, m3)  // acks both
				rst(c, true, c.SSeq)
				segs := c.Segs
				return append(segs[:4:4], segs[5:]...)
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 c>s t3 n28 p[5]", "c0 closed rst"},
		},
		{
			name: "RST after FIN at FIN+1",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Fin(true)
				rst(c, true, c.SSeq+7) // forged: ignored
				rst(c, false, c.CSeq)  // FIN+1: genuine
				return c.Segs
			},
			want:   []string{opened, "c0 c>s t3 n28 p[4]", "c0 s>c ignored 0@0 RST at sequence 5008 inside", "c0 closed rst"},
			ignore: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runBytes(t, Pcap(Ethernet, tc.build()), reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.items) != len(tc.want) {
				t.Fatalf("got\n%s\nwant\n%s", res, strings.Join(tc.want, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(res.items[i], w) {
					t.Errorf("item %d:\n got %s\nwant %s", i, res.items[i], w)
				}
			}
			if res.stats.IgnoredRSTs != int64(tc.ignore) {
				t.Errorf("IgnoredRSTs = %d, want %d", res.stats.IgnoredRSTs, tc.ignore)
			}
		})
	}
}
