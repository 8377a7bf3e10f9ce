package reassembly_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// partialConv is connection i: a handshake, one whole message (so the
// connection is CTI), then the first part of a frame of body bytes whose
// last byte comes only when complete is set, followed by a whole message.
func partialConv(i, body int, complete bool) *Conv {
	c := NewConv(fmt.Sprintf("10.2.%d.%d:50000", i/250, i%250+1), srv, 1000, 5000, t0)
	c.Step = time.Microsecond
	c.Handshake()
	c.Send(false, Msg(4, 10))
	big := Msg(5, body)
	c.Send(false, big[:len(big)-1])
	if complete {
		c.Send(false, big[len(big)-1:])
		c.Send(false, Msg(4, 12))
	}
	return c
}

// Incomplete frames across connections stay within MaxPartialTotal: once
// they pass it, the biggest are dropped as overflows that say why, their
// remaining bytes are discarded, and the message after each still
// decodes: the connection stays in sync.
func TestPartialBudgetAcrossConnections(t *testing.T) {
	var segs []Seg
	for i := range 4 {
		segs = append(segs, partialConv(i, 20000, false).Segs...)
	}
	for i := range 4 {
		c := partialConv(i, 20000, true)
		segs = append(segs, c.Segs[len(c.Segs)-2:]...) // the last byte, then a whole message
	}
	res := runBytes(t, Pcap(Ethernet, segs), reassembly.Options{MaxPartialTotal: 48 << 10})
	if res.err != nil {
		t.Fatal(res.err)
	}
	dropped := map[int]bool{}
	for _, e := range res.events {
		if e.Kind == reassembly.Overflow && strings.Contains(e.Text, "--max-partial-total") {
			dropped[e.Conn.Index] = true
		}
	}
	// Three 20 KB frames in 48 KB pass the budget when the third comes:
	// down to 36 KB, two go; the fourth's passes it again.
	if len(dropped) < 2 || len(dropped) == 4 {
		t.Fatalf("%d incomplete frames dropped for the budget, want 2 or 3 of 4\n%s", len(dropped), res)
	}
	if res.stats.PartialSheds != int64(len(dropped)) {
		t.Errorf("PartialSheds = %d, want %d", res.stats.PartialSheds, len(dropped))
	}
	// Per connection: its first message, the big frame unless dropped, the last message.
	frames := map[int][]uint32{}
	for _, f := range res.frames {
		frames[f.Conn.Index] = append(frames[f.Conn.Index], Type(f.Data))
	}
	for i := range 4 {
		want := "[4 5 4]"
		if dropped[i] {
			want = "[4 4]"
		}
		if got := fmt.Sprint(frames[i]); got != want {
			t.Errorf("connection %d: frame types %s, want %s\n%s", i, got, want, res)
		}
	}
}

// 4,000 connections each holding 30 KB of an incomplete frame: without a
// global bound that is 120 MB held in order; with the default budget the
// live heap stays near DefaultMaxPartialTotal. Packets are built as they
// are fed, so the input itself takes no memory.
func TestPartialBudgetPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 120 MB")
	}
	const conns, body = 4000, 30000
	r := reassembly.New(Proto{}, reassembly.Options{})
	base := liveHeap()
	num, overflows := 0, 0
	fn := func(it *reassembly.Item) error {
		if it.Event != nil && it.Event.Kind == reassembly.Overflow {
			overflows++
		}
		return nil
	}
	var peak uint64
	for i := range conns {
		for _, s := range partialConv(i, body, false).Segs {
			num++
			p := reassembly.Packet{Data: s.Bytes(Ethernet), Time: s.Time, Num: num, LinkType: reassembly.LinkTypeEthernet}
			if err := r.Packet(&p, fn); err != nil {
				t.Fatal(err)
			}
		}
		if i%200 == 199 {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
		}
	}
	runtime.KeepAlive(r)
	limit := uint64(reassembly.DefaultMaxPartialTotal) + 24<<20
	t.Logf("peak live heap %d MiB (%d MiB of incomplete frames without a budget), %d overflows", peak>>20, conns*body>>20, overflows)
	if peak > limit {
		t.Errorf("peak live heap %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	if st := r.Stats(); st.PartialSheds == 0 || overflows == 0 {
		t.Errorf("no incomplete frame was given up for the budget (%d sheds, %d overflow events)", st.PartialSheds, overflows)
	}
}
