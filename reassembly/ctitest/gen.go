package ctitest

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"time"
)

// GenOptions shapes a generated capture.
type GenOptions struct {
	Bytes int64 // stop once the capture is at least this large
	Conns int   // concurrently active connections
	Seed  uint64
	// Reorder adds out-of-order segments and duplicate retransmissions.
	Reorder bool
	// Lossy also drops segments.
	Lossy bool
}

// Generate writes a pcap (Ethernet) of many interleaved CTI connections on
// the server ports: mostly one frame per segment, some segments with
// several frames, large frames split at the MSS. It streams, so memory
// stays small however large the capture. It returns the number of frames
// written.
func Generate(w io.Writer, o GenOptions) (frames int64, err error) {
	if o.Conns <= 0 {
		o.Conns = 500
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := &countWriter{w: bw}
	pw, err := NewPcapWriter(cw, 1)
	if err != nil {
		return 0, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, 42))
	t := time.Unix(1700000000, 0).UTC()
	convs := make([]*Conv, o.Conns)
	next := 0
	newConv := func() *Conv {
		next++
		cli := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, byte(next >> 16), byte(next >> 8), byte(next)}), uint16(20000+next%40000))
		port := uint16(42027)
		if next%3 == 0 {
			port = 12028
		}
		srvAddr := netip.AddrPortFrom(netip.AddrFrom4([4]byte{192, 168, 1, byte(next % 8)}), port)
		c := &Conv{Client: cli, Server: srvAddr, CSeq: rng.Uint32(), SSeq: rng.Uint32(), T: t, Step: time.Microsecond}
		c.Handshake()
		c.Send(true, Msg(3, 60+rng.IntN(40)))
		c.Send(false, Msg(4, 40+rng.IntN(40)))
		return c
	}
	for i := range convs {
		convs[i] = newConv()
	}
	types := []uint32{30, 23, 9, 10, 13, 24, 6, 35, 37, 39, 41, 43}
	mss := 1448
	var seq []Seg
	for cw.n < o.Bytes {
		i := rng.IntN(len(convs))
		c := convs[i]
		c.T = t
		if len(c.Segs) == 0 {
			// Pick what this connection says next.
			switch r := rng.IntN(1000); {
			case r < 2: // end the connection, start a new one in its slot
				c.Fin(true)
				c.Fin(false)
				convs[i] = newConv()
			case r < 100: // client request
				c.Send(true, Msg(5, 4+rng.IntN(30)))
			default:
				k := 1
				if rng.IntN(8) == 0 {
					k = 2 + rng.IntN(4)
				}
				var payload []byte
				for range k {
					body := 20 + rng.IntN(500)
					if rng.IntN(40) == 0 {
						body = 2000 + rng.IntN(6000)
					}
					payload = append(payload, Msg(types[rng.IntN(len(types))], body)...)
				}
				frames += int64(k)
				c.SendSplit(false, payload, mss)
			}
		}
		seq = append(seq[:0], c.Segs...)
		if (o.Reorder || o.Lossy) && len(seq) > 1 && rng.IntN(50) == 0 {
			switch rng.IntN(map[bool]int{false: 2, true: 3}[o.Lossy]) {
			case 0:
				seq[0], seq[1] = seq[1], seq[0]
			case 1:
				seq = append(seq, seq[0])
			case 2:
				seq = seq[1:]
			}
		}
		for j := range seq {
			s := &seq[j]
			b := s.Bytes(Ethernet)
			if err := pw.WritePacket(t, b, len(b)); err != nil {
				return frames, err
			}
		}
		c.Segs = c.Segs[:0]
		t = t.Add(time.Duration(rng.IntN(2000)) * time.Microsecond)
	}
	if err := bw.Flush(); err != nil {
		return frames, fmt.Errorf("generate: %w", err)
	}
	return frames, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
