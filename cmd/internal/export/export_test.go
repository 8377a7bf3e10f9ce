package export

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
)

type pkt struct {
	num  int
	data []byte
	ns   int64
	len  int
	lt   reassembly.LinkType
}

func readAll(t *testing.T, r io.Reader) []pkt {
	t.Helper()
	src, err := reassembly.OpenReader(r)
	if err != nil {
		t.Fatal(err)
	}
	var out []pkt
	for {
		p, err := src.ReadPacket()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pkt{p.Num, slices.Clone(p.Data), p.Time.UnixNano(), p.Length, p.LinkType})
	}
}

// TestCopyRoundTrip keeps every third packet of the sample capture and
// checks that reading the output back gives exactly those packets, bytes,
// times and link types unchanged, in both containers.
func TestCopyRoundTrip(t *testing.T) {
	raw, err := os.ReadFile("../../../testdata/sample.pcap")
	if err != nil {
		t.Fatal(err)
	}
	all := readAll(t, bytes.NewReader(raw))
	var keep Set
	var want []pkt
	for i, p := range all {
		if i%3 == 1 {
			keep.Add(p.num)
			want = append(want, p)
		}
	}
	if keep.Len() != len(want) || keep.Max() != want[len(want)-1].num {
		t.Fatalf("set: len %d max %d, want %d and %d", keep.Len(), keep.Max(), len(want), want[len(want)-1].num)
	}
	for _, f := range []Format{PCAP, PCAPNG} {
		src, err := reassembly.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w := NewWriter(&out, f)
		n, err := Copy(w, src, &keep)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if n != len(want) {
			t.Fatalf("format %d: wrote %d packets, want %d", f, n, len(want))
		}
		got := readAll(t, bytes.NewReader(out.Bytes()))
		if len(got) != len(want) {
			t.Fatalf("format %d: read back %d packets, want %d", f, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if !bytes.Equal(g.data, w.data) || g.ns != w.ns || g.len != w.len || g.lt != w.lt || g.num != i+1 {
				t.Fatalf("format %d packet %d: got %+v, want %+v", f, i+1, g, w)
			}
		}
		if f == PCAPNG && !bytes.HasPrefix(out.Bytes(), []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
			t.Fatal("pcapng output does not start with a section header")
		}
		tsharkCount(t, out.Bytes(), len(want))
	}
}

// tsharkCount checks that tshark opens the file and sees n packets
// (skipped when tshark is not installed).
func tsharkCount(t *testing.T, data []byte, n int) {
	path, err := exec.LookPath("tshark")
	if err != nil {
		t.Log("tshark not installed: skipping the tshark check")
		return
	}
	name := filepath.Join(t.TempDir(), "out.cap")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "-n", "-r", name, "-T", "fields", "-e", "frame.number").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	if got := bytes.Count(out, []byte("\n")); got != n {
		t.Fatalf("tshark read %d packets, want %d", got, n)
	}
}

// TestEmptyOutput: a filter matching nothing still yields a file both
// readers accept.
func TestEmptyOutput(t *testing.T) {
	for _, f := range []Format{PCAP, PCAPNG} {
		var out bytes.Buffer
		w := NewWriter(&out, f)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, &out); len(got) != 0 {
			t.Fatalf("format %d: %d packets in an empty file", f, len(got))
		}
	}
}

func TestPcapRefusesMixedLinkTypes(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, PCAP)
	if err := w.WritePacket(&reassembly.Packet{Num: 1, Data: []byte{1}, LinkType: reassembly.LinkTypeEthernet}); err != nil {
		t.Fatal(err)
	}
	if err := w.WritePacket(&reassembly.Packet{Num: 2, Data: []byte{1}, LinkType: reassembly.LinkTypeSLL2}); err == nil {
		t.Fatal("pcap writer accepted a second link type")
	}
	// pcapng takes both, and SLL2 (276) survives as 16 bits.
	out.Reset()
	w = NewWriter(&out, PCAPNG)
	for i, lt := range []reassembly.LinkType{reassembly.LinkTypeEthernet, reassembly.LinkTypeSLL2} {
		if err := w.WritePacket(&reassembly.Packet{Num: i + 1, Data: make([]byte, 20), LinkType: lt}); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	got := readAll(t, &out)
	if len(got) != 2 || got[0].lt != reassembly.LinkTypeEthernet || got[1].lt != reassembly.LinkTypeSLL2 {
		t.Fatalf("pcapng link types: %+v", got)
	}
}

func TestSet(t *testing.T) {
	var s Set
	s.Add(0, -1, 1, 64, 64, 130, maxPacketNum+1)
	if s.Len() != 3 || !s.Has(1) || !s.Has(64) || !s.Has(130) || s.Has(2) || s.Has(0) || s.Has(1<<40) || s.Max() != 130 {
		t.Fatalf("set: len %d max %d", s.Len(), s.Max())
	}
	if FormatFor("a.PCAPNG") != PCAPNG || FormatFor("a.pcap") != PCAP || FormatFor("-") != PCAP {
		t.Fatal("FormatFor")
	}
}
