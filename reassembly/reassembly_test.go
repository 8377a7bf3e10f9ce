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

var t0 = time.Unix(1700000000, 0).UTC()

const (
	cli = "10.0.0.1:50000"
	srv = "10.0.0.2:42027"
)

func conv() *Conv { return NewConv(cli, srv, 1000, 5000, t0) }

const opened = "c0 opened syn 10.0.0.1:50000->10.0.0.2:42027"

// Each case builds a segment sequence; the expected items are compact
// descriptions (see describe). Packet numbers: the handshake is 1-3.
func TestSegmentSequences(t *testing.T) {
	m3, m4, m5, m30 := Msg(3, 20), Msg(4, 10), Msg(5, 0), Msg(30, 40)
	cases := []struct {
		name  string
		build func() []Seg
		opts  reassembly.Options
		want  []string
	}{
		{
			name: "split header",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(true, m3, 3, 100)
				c.Send(false, m4)
				c.Fin(true)
				c.Fin(false)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4 5]", "c0 s>c t4 n18 p[6]", "c0 closed fin"},
		},
		{
			name: "three frames in one segment",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, Cat(m3, m5, Msg(7, 3)))
				c.Send(false, Cat(m4, m30, Msg(31, 0)))
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s t5 n8 p[4]", "c0 c>s t7 n11 p[4]",
				"c0 s>c t4 n18 p[5]", "c0 s>c t30 n48 p[5]", "c0 s>c t31 n8 p[5]", "c0 closed end of capture"},
		},
		{
			name: "frames straddling segments with other frames",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				all := Cat(m3, m5, Msg(7, 30), m5)
				c.SendSplit(true, all, 30, 20, 100) // 28+2 | 6+14 | rest
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s t5 n8 p[4 5]", "c0 c>s t7 n38 p[5 6]", "c0 c>s t5 n8 p[6]", "c0 closed end of capture"},
		},
		{
			name: "one-byte segments",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(true, Cat(Msg(5, 2), m5), 1)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t5 n10 p[4 5 6 7 8 9 10 11 12 13]", "c0 c>s t5 n8 p[14 15 16 17 18 19 20 21]", "c0 closed end of capture"},
		},
		{
			name: "out of order",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30), 10, 16, 100)
				s := c.Segs
				s[3], s[5] = s[5], s[3] // third segment first, then second, then first
				return s
			},
			want: []string{opened, "c0 s>c t4 n18 p[5 6]", "c0 s>c t30 n48 p[4 5]", "c0 closed end of capture"},
		},
		{
			name: "duplicate retransmission",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				dup := c.Segs[3]
				c.Segs = append(c.Segs, dup)
				c.Send(true, m5)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s t5 n8 p[6]", "c0 closed end of capture"},
		},
		{
			name: "overlapping retransmission keeps first-seen bytes",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3[:10])
				// Retransmission overlapping bytes 5..10 (with different
				// content) and carrying the rest of the frame.
				bad := slices.Clone(m3[5:])
				for i := 0; i < 5; i++ {
					bad[i] = 0xee
				}
				c.Segs = append(c.Segs, Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq - 5, Flags: ACK, Payload: bad, Time: c.T})
				c.CSeq += uint32(len(m3) - 10)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4 5]", "c0 closed end of capture"},
		},
		{
			name: "out-of-order overlap keeps first-seen bytes",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				start := c.CSeq
				// Bytes 10..28 arrive first, then 5..20 (overlapping), then 0..5.
				mk := func(from, to int, junk bool) Seg {
					p := slices.Clone(m3[from:to])
					if junk {
						for i := range p {
							p[i] ^= 0xff
						}
					}
					return Seg{Src: c.Client, Dst: c.Server, Seq: start + uint32(from), Flags: ACK, Payload: p, Time: t0}
				}
				c.Segs = append(c.Segs, mk(10, 28, false), mk(5, 12, false), mk(5, 20, true), mk(0, 5, false))
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4 5 7]", "c0 closed end of capture"},
		},
		{
			name: "capture starts mid-frame without handshake",
			build: func() []Seg {
				c := conv()
				c.SendSplit(true, Cat(m3, m5, Msg(7, 3), m5), 13, 100)
				return c.Segs[1:] // first 13 bytes never captured
			},
			want: []string{"c0 opened port 10.0.0.1:50000->10.0.0.2:42027", "c0 c>s skipped 15@0",
				"c0 c>s t5 n8 p[1]", "c0 c>s t7 n11 p[1]", "c0 c>s t5 n8 p[1]", "c0 closed end of capture"},
		},
		{
			name: "mid-session start on a frame boundary",
			build: func() []Seg {
				c := conv()
				c.Send(false, m4)
				c.Send(false, m30)
				return c.Segs
			},
			want: []string{"c0 opened port 10.0.0.1:50000->10.0.0.2:42027", "c0 s>c t4 n18 p[1]", "c0 s>c t30 n48 p[2]", "c0 closed end of capture"},
		},
		{
			name: "lost segment: truncated frame, gap, resync at known boundary",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30, m4, m4), 30, 30, 100)
				return slices.Delete(c.Segs, 4, 5) // bytes 30..60 lost
			},
			// m30 spans 18..66: the head is delivered truncated, 60..66 is
			// its tail, skipped on the way to the known boundary at 66.
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c t30 n12 p[4] trunc", "c0 s>c gap 30@30",
				"c0 s>c skipped 6@60", "c0 s>c t4 n18 p[5]", "c0 s>c t4 n18 p[5]", "c0 closed end of capture"},
		},
		{
			name: "lost segment cutting a header: scan for a chain",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, m30, m4, m4), 20, 30, 100)
				return slices.Delete(c.Segs, 4, 5) // bytes 20..50 lost
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c skipped 2@18", "c0 s>c gap 30@20",
				"c0 s>c skipped 16@50", "c0 s>c t4 n18 p[5]", "c0 s>c t4 n18 p[5]", "c0 closed end of capture"},
		},
		{
			name: "lost segment declared when out-of-order data exceeds the cap",
			opts: reassembly.Options{MaxBuffered: 4096},
			build: func() []Seg {
				c := conv()
				c.Handshake()
				big := Msg(9, 1500)
				var frames [][]byte
				for range 6 {
					frames = append(frames, big)
				}
				c.SendSplit(false, Cat(frames...), 1508)
				return slices.Delete(c.Segs, 4, 5) // second frame lost
			},
			want: []string{opened, "c0 s>c t9 n1508 p[4]", "c0 s>c gap 1508@1508", "c0 s>c t9 n1508 p[5]",
				"c0 s>c t9 n1508 p[6]", "c0 s>c t9 n1508 p[7]", "c0 s>c t9 n1508 p[8]", "c0 closed end of capture"},
		},
		{
			name: "garbage in the stream: resync on a chain",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(true, []byte("\xff\xff\xff\xffgarbage!"))
				c.Send(true, Cat(m5, m5))
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 c>s skipped 12@28", "c0 c>s t5 n8 p[6]", "c0 c>s t5 n8 p[6]", "c0 closed end of capture"},
		},
		{
			name: "rst cuts a frame",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				c.Send(false, m30[:20])
				c.Rst(false)
				c.Send(false, m30[20:]) // after the RST: absorbed by the tombstone
				return c.Segs
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c t30 n20 p[5] trunc", "c0 closed rst"},
		},
		{
			name: "fin with data and late retransmission",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Fin(true)
				c.Send(false, m4)
				c.Fin(false)
				c.Segs = append(c.Segs, c.Segs[5]) // retransmitted m4 after close
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 s>c t4 n18 p[6]", "c0 closed fin"},
		},
		{
			name: "port reuse",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Fin(true)
				c.Fin(false)
				d := NewConv(cli, srv, 90000, 70000, c.T.Add(time.Second))
				d.Handshake()
				d.Send(true, m5)
				return append(c.Segs, d.Segs...)
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 closed fin",
				"c1 opened syn 10.0.0.1:50000->10.0.0.2:42027", "c1 c>s t5 n8 p[10]", "c1 closed end of capture"},
		},
		{
			name: "port reuse without close",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3[:10])
				d := NewConv(cli, srv, 90000, 70000, c.T.Add(time.Second))
				d.Handshake()
				d.Send(true, m5)
				return append(c.Segs, d.Segs...)
			},
			want: []string{opened, "c0 c>s t3 n10 p[4] trunc", "c0 closed reused",
				"c1 opened syn 10.0.0.1:50000->10.0.0.2:42027", "c1 c>s t5 n8 p[8]", "c1 closed end of capture"},
		},
		{
			name: "sequence wraparound",
			build: func() []Seg {
				c := NewConv(cli, srv, 0xfffffff0, 0xffffffff, t0)
				c.Handshake()
				c.SendSplit(true, Cat(m3, m3), 10)
				c.SendSplit(false, Cat(m4, m4), 7)
				return c.Segs
			},
			want: []string{opened, "c0 c>s t3 n28 p[4 5 6]", "c0 c>s t3 n28 p[6 7 8 9]",
				"c0 s>c t4 n18 p[10 11 12]", "c0 s>c t4 n18 p[12 13 14 15]", "c0 closed end of capture"},
		},
		{
			name: "heuristic detection on another port",
			build: func() []Seg {
				c := NewConv("10.0.0.1:50000", "10.0.0.2:7000", 1, 1, t0)
				c.Send(true, m3)
				c.Send(false, m4)
				c.Send(false, m30)
				c.Send(true, m5)
				return c.Segs
			},
			want: []string{"c0 opened heuristic 10.0.0.1:50000->10.0.0.2:7000", "c0 c>s t3 n28 p[1]", "c0 s>c t4 n18 p[2]",
				"c0 s>c t30 n48 p[3]", "c0 c>s t5 n8 p[4]", "c0 closed end of capture"},
		},
		{
			name: "heuristic: one frame filling a closed connection",
			build: func() []Seg {
				c := NewConv("10.0.0.1:50000", "10.0.0.2:7000", 1, 1, t0)
				c.Handshake()
				c.Send(true, m3)
				c.Fin(true)
				c.Fin(false)
				return c.Segs
			},
			want: []string{"c0 opened syn 10.0.0.1:50000->10.0.0.2:7000", "c0 c>s t3 n28 p[4]", "c0 closed fin"},
		},
		{
			name: "heuristics off",
			opts: reassembly.Options{NoHeuristics: true},
			build: func() []Seg {
				c := NewConv("10.0.0.1:50000", "10.0.0.2:7000", 1, 1, t0)
				c.Send(true, Cat(m3, m5))
				return c.Segs
			},
			want: nil,
		},
		{
			name: "not CTI",
			build: func() []Seg {
				c := NewConv("10.0.0.1:50000", "10.0.0.2:80", 1, 1, t0)
				c.Handshake()
				c.Send(true, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
				c.Send(false, []byte("HTTP/1.1 200 OK\r\n\r\n"))
				return c.Segs
			},
			want: nil,
		},
		{
			name: "direction guessed then corrected by a client-only message",
			build: func() []Seg {
				// Server on 60000, client on 40000: the port guess is wrong.
				c := NewConv("10.0.0.1:40000", "10.0.0.2:60000", 1, 1, t0)
				c.Send(false, Cat(m4, m30))
				c.Send(true, m5)
				return c.Segs
			},
			want: []string{"c0 opened guess 10.0.0.2:60000->10.0.0.1:40000", "c0 c>s t4 n18 p[1]", "c0 c>s t30 n48 p[1]",
				"c0 direction-changed client-only message from the side guessed to be the server", "c0 c>s t5 n8 p[2]", "c0 closed end of capture"},
		},
		{
			name: "frame larger than the buffer cap overflows and framing continues",
			opts: reassembly.Options{MaxBuffered: 4096},
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.SendSplit(false, Cat(m4, Msg(9, 10000), m4), 1000)
				return c.Segs
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c overflow 10008@18", "c0 s>c t4 n18 p[14]", "c0 closed end of capture"},
		},
		{
			name: "idle connection is flushed",
			opts: reassembly.Options{IdleTimeout: time.Minute},
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(true, m3)
				c.Send(false, m4[:10])
				c.T = c.T.Add(2 * time.Minute)
				c.Send(false, m4[10:])
				c.Send(false, m4)
				d := NewConv("10.0.0.3:1", "10.0.0.2:42027", 1, 1, c.T.Add(2*time.Minute))
				d.Send(true, m5)
				return append(c.Segs, d.Segs...)
			},
			want: []string{opened, "c0 c>s t3 n28 p[4]", "c0 s>c t4 n10 p[5] trunc", "c0 closed idle",
				"c1 opened port 10.0.0.1:50000->10.0.0.2:42027", "c1 s>c skipped 8@0", "c1 s>c t4 n18 p[7]",
				"c1 closed idle", "c2 opened port 10.0.0.3:1->10.0.0.2:42027", "c2 c>s t5 n8 p[8]", "c2 closed end of capture"},
		},
		{
			name: "segment cut by snaplen becomes a gap",
			build: func() []Seg {
				c := conv()
				c.Handshake()
				c.Send(false, m4)
				s := c.Send(false, Cat(m30, m4))
				s.Snap = 14 + 20 + 20 + 30 // 30 bytes of payload captured
				c.Send(false, Cat(m4, m4))
				return c.Segs
			},
			want: []string{opened, "c0 s>c t4 n18 p[4]", "c0 s>c t30 n30 p[5] trunc", "c0 s>c gap 36@48",
				"c0 s>c t4 n18 p[6]", "c0 s>c t4 n18 p[6]", "c0 closed end of capture"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runBytes(t, Pcap(Ethernet, tc.build()), tc.opts)
			if res.err != nil {
				t.Fatalf("error: %v", res.err)
			}
			if !slices.Equal(res.items, tc.want) {
				t.Errorf("got:\n  %s\nwant:\n  %s", strings.Join(res.items, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// The overlapping-retransmission cases must deliver the original bytes.
func TestFirstSeenBytesWin(t *testing.T) {
	m3 := Msg(3, 20)
	c := conv()
	c.Handshake()
	c.Send(true, m3[:10])
	bad := slices.Clone(m3[5:])
	for i := range 5 {
		bad[i] = 0xee
	}
	c.Segs = append(c.Segs, Seg{Src: c.Client, Dst: c.Server, Seq: c.CSeq - 5, Flags: ACK, Payload: bad, Time: c.T})
	res := runBytes(t, Pcap(Ethernet, c.Segs), reassembly.Options{})
	if len(res.frames) != 1 || !bytes.Equal(res.frames[0].Data, m3) {
		t.Fatalf("frames %v", res)
	}
}
