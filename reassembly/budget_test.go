package reassembly_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// holeConv is connection i: a handshake, a lost message, then n messages
// waiting behind the hole.
func holeConv(i, n int, body int) []Seg {
	c := NewConv(fmt.Sprintf("10.1.%d.%d:50000", i/250, i%250+1), srv, 1000, 5000, t0)
	c.Handshake()
	c.Send(false, Msg(30, 40)) // lost
	for range n {
		c.Send(false, Msg(4, body))
	}
	return append(c.Segs[:3:3], c.Segs[4:]...)
}

// Out-of-order data across connections stays within MaxBufferedTotal:
// the connection whose data waited longest has its hole given up (a Gap
// that says why), and its frames come out instead of being held.
func TestBufferBudgetAcrossConnections(t *testing.T) {
	var segs []Seg
	for i := range 3 {
		segs = append(segs, holeConv(i, 3, 10)...)
	}
	res := runBytes(t, Pcap(Ethernet, segs), reassembly.Options{MaxBufferedTotal: 600, HoleTimeout: -1})
	if res.err != nil {
		t.Fatal(res.err)
	}
	var budget []string
	for _, e := range res.events {
		if e.Kind == reassembly.Gap && strings.Contains(e.Text, "--max-buffer-total") {
			budget = append(budget, fmt.Sprintf("c%d %d@%d pkt %d", e.Conn.Index, e.Bytes, e.Offset, e.Pkt))
		}
	}
	// 3 × (18 + 96) bytes wait behind each hole: the second connection's third
	// segment gives up the first's hole, the third's gives up the second's.
	want := []string{"c0 48@0 pkt 12", "c1 48@0 pkt 18"}
	if strings.Join(budget, ",") != strings.Join(want, ",") {
		t.Errorf("budget gaps %q, want %q\n%s", budget, want, res)
	}
	if res.stats.BudgetGaps != 2 {
		t.Errorf("BudgetGaps = %d, want 2", res.stats.BudgetGaps)
	}
	if n := len(res.framesOnly()); n != 9 {
		t.Errorf("%d frames, want all 9\n%s", n, res)
	}
}

// liveHeap is the heap in use after a collection, from runtime/metrics.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// 200 connections each holding 937 KiB behind an unfilled hole: without
// a global bound that is 190 MB held; with the default budget the live
// heap stays near DefaultMaxBufferedTotal. Packets are built as they are
// fed, so the input itself takes no memory.
func TestBufferBudgetPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 190 MB")
	}
	const conns, segsPer, body = 200, 16, 60000
	r := reassembly.New(Proto{}, reassembly.Options{HoleTimeout: -1})
	base := liveHeap()
	var peak uint64
	num := 0
	gaps := 0
	fn := func(it *reassembly.Item) error {
		if it.Event != nil && it.Event.Kind == reassembly.Gap {
			gaps++
		}
		return nil
	}
	for i := range conns {
		for _, s := range holeConv(i, segsPer, body) {
			num++
			p := reassembly.Packet{Data: s.Bytes(Ethernet), Time: s.Time, Num: num, LinkType: reassembly.LinkTypeEthernet}
			if err := r.Packet(&p, fn); err != nil {
				t.Fatal(err)
			}
		}
		if i%20 == 19 {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
		}
	}
	held := uint64(conns * segsPer * (body + 8))
	limit := uint64(reassembly.DefaultMaxBufferedTotal) + 32<<20
	t.Logf("peak live heap %d MiB (%d MiB behind holes without a budget), %d gaps", peak>>20, held>>20, gaps)
	if peak > limit {
		t.Errorf("peak live heap %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	if st := r.Stats(); st.BudgetGaps == 0 {
		t.Error("no hole was given up for the budget")
	}
}

// Tiny segments are charged their bookkeeping too: 200,000 one-byte
// segments behind a hole would hold some 16 MB of records for 200 KB of
// data; the per-direction cap keeps it near MaxBuffered.
func TestTinySegmentsBehindHole(t *testing.T) {
	c := conv()
	c.Handshake()
	c.Send(false, Msg(30, 40)) // lost
	r := reassembly.New(Proto{}, reassembly.Options{HoleTimeout: -1, MaxBuffered: 1 << 20})
	base := liveHeap()
	segs := c.Segs
	num := 0
	feed := func(s Seg) {
		num++
		p := reassembly.Packet{Data: s.Bytes(Ethernet), Time: s.Time, Num: num, LinkType: reassembly.LinkTypeEthernet}
		r.Packet(&p, func(*reassembly.Item) error { return nil })
	}
	for i, s := range segs {
		if i != 3 {
			feed(s)
		}
	}
	for range 200_000 {
		feed(*c.Send(false, []byte{0x55}))
	}
	heap := liveHeap()
	heap -= min(base, heap)
	runtime.KeepAlive(r)
	t.Logf("live heap %d KiB", heap>>10)
	if heap > 4<<20 {
		t.Errorf("live heap %d KiB behind one hole, want at most 4 MiB", heap>>10)
	}
}
