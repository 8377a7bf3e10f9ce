package reassembly_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// Thousands of short connections closed by FIN leave at most
// MaxTombstones in the table (each ~650 bytes; the table holds up to
// MaxConns otherwise), while a recent one still absorbs its late
// retransmission instead of starting a new connection.
func TestTombstonesBounded(t *testing.T) {
	const n = 3 * reassembly.MaxTombstones
	r := reassembly.New(Proto{}, reassembly.Options{})
	num := 0
	feed := func(segs []Seg) {
		for _, s := range segs {
			num++
			p := reassembly.Packet{Data: s.Bytes(Ethernet), Time: s.Time, Num: num, LinkType: reassembly.LinkTypeEthernet}
			if err := r.Packet(&p, func(*reassembly.Item) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
	}
	var last *Conv
	for i := range n {
		c := NewConv(fmt.Sprintf("10.3.%d.%d:%d", i>>8&0xff, i&0xff, 20000+i%30000), srv, 1000, 5000, t0.Add(time.Duration(i)*time.Millisecond))
		c.Step = time.Microsecond
		c.Handshake()
		c.Send(true, Msg(4, 10))
		c.Fin(true)
		c.Fin(false)
		feed(c.Segs)
		last = c
	}
	if got := reassembly.TableLen(r); got > reassembly.MaxTombstones {
		t.Errorf("%d connections in the table after %d closed, want at most %d", got, n, reassembly.MaxTombstones)
	}
	before := r.Stats().Connections
	late := last.Segs[3] // the message, retransmitted after the close
	late.Time = late.Time.Add(time.Second)
	feed([]Seg{late})
	if got := r.Stats().Connections; got != before {
		t.Errorf("a late retransmission on a recent tombstone started a connection (%d -> %d)", before, got)
	}
}
