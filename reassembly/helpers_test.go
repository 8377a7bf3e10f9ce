package reassembly_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"

	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// result is what a run produced, in a form easy to compare.
type result struct {
	items  []string // one line per item
	frames []*reassembly.Frame
	events []reassembly.Event
	stats  reassembly.Stats
	err    error
}

func dirShort(d reassembly.Direction) string {
	if d == reassembly.ClientToServer {
		return "c>s"
	}
	return "s>c"
}

// describe renders an item compactly: frames as "c0 c>s t3 n20 p[4 5]",
// events as "c0 s>c gap 10@20".
func describe(it *reassembly.Item) string {
	if f := it.Frame; f != nil {
		s := fmt.Sprintf("c%d %s t%d n%d p%v", f.Conn.Index, dirShort(f.Dir), ctitest.Type(f.Data), len(f.Data), f.Pkts)
		if f.Truncated {
			s += " trunc"
		}
		return s
	}
	e := it.Event
	switch e.Kind {
	case reassembly.Gap, reassembly.Skipped, reassembly.Overflow:
		return fmt.Sprintf("c%d %s %s %d@%d", e.Conn.Index, dirShort(e.Dir), e.Kind, e.Bytes, e.Offset)
	case reassembly.Ignored:
		return fmt.Sprintf("c%d %s %s %d@%d %s", e.Conn.Index, dirShort(e.Dir), e.Kind, e.Bytes, e.Offset, e.Text)
	case reassembly.Opened:
		return fmt.Sprintf("c%d opened %s %s->%s", e.Conn.Index, e.Text, e.Conn.Client, e.Conn.Server)
	}
	return fmt.Sprintf("c%d %s %s", e.Conn.Index, e.Kind, e.Text)
}

func runBytes(t testing.TB, capture []byte, opts reassembly.Options) result {
	t.Helper()
	src, err := reassembly.OpenReader(bytes.NewReader(capture))
	if err != nil {
		return result{err: err}
	}
	return runSource(src, opts)
}

func runSource(src *reassembly.Source, opts reassembly.Options) result {
	var res result
	r := reassembly.New(ctitest.Proto{}, opts)
	res.err = r.Run(src, func(it *reassembly.Item) error {
		res.items = append(res.items, describe(it))
		if it.Frame != nil {
			res.frames = append(res.frames, it.Frame.Clone())
		} else {
			res.events = append(res.events, *it.Event)
		}
		return nil
	})
	res.stats = r.Stats()
	if held := reassembly.PartialHeld(r); held != 0 && res.err == nil {
		res.err = fmt.Errorf("after the end, %d bytes of in-order buffers still counted against MaxPartialTotal", held)
	}
	return res
}

// framesOnly filters item lines down to frames.
func (r result) framesOnly() []string {
	var out []string
	for _, s := range r.items {
		if strings.Contains(s, " t") && strings.Contains(s, " p[") {
			out = append(out, s)
		}
	}
	return out
}

func (r result) String() string { return strings.Join(r.items, "\n") }

func gopacketCI(s ctitest.Seg, n int) gopacket.CaptureInfo {
	return gopacket.CaptureInfo{Timestamp: s.Time, CaptureLength: n, Length: n}
}
