package reassembly

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// ringPacket is packet i of a test: its bytes say which one it is, and
// sizes vary so that block padding is exercised.
func ringPacket(i int) Packet {
	data := bytes.Repeat([]byte{byte(i)}, 60+i%7)
	return Packet{Data: data, Length: len(data) + i%3, Time: time.Unix(1772442000, int64(i)*1000).UTC(), LinkType: LinkTypeEthernet}
}

// readAll reads a capture back with the package's own reader.
func readAll(t *testing.T, name string) []Packet {
	t.Helper()
	src, err := OpenFile(name)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out []Packet
	for {
		p, err := src.ReadPacket()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p.Data = bytes.Clone(p.Data)
		out = append(out, p)
	}
}

func TestRingWriterRotation(t *testing.T) {
	dir := t.TempDir()
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	const limit = 1000
	w, err := NewRingWriter(filepath.Join(dir, "cti.pcapng"), RingOptions{FileSize: limit, Files: 3, LinkType: LinkTypeEthernet, Interface: "lo", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	for i := range n {
		p := ringPacket(i)
		if err := w.WritePacket(&p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	kept := w.Files()
	if len(kept) != 3 {
		t.Fatalf("kept %d files, want 3: %v", len(kept), kept)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Fatalf("directory holds %d files, want 3 (oldest deleted)", len(entries))
	}
	// Packets in the kept files are the last ones written, in order, each
	// file full up to the limit but never beyond it.
	var got []Packet
	for i, name := range kept {
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > limit {
			t.Errorf("%s: %d bytes, over the %d limit", name, st.Size(), limit)
		}
		if i < len(kept)-1 && st.Size() < limit-(32+68) {
			t.Errorf("%s: %d bytes: rotated before it was full", name, st.Size())
		}
		got = append(got, readAll(t, name)...)
	}
	first := n - len(got)
	for i, p := range got {
		want := ringPacket(first + i)
		if !bytes.Equal(p.Data, want.Data) || !p.Time.Equal(want.Time) || p.Length != want.Length {
			t.Fatalf("packet %d of the kept files is not packet %d written", i, first+i)
		}
	}
	if first == 0 {
		t.Fatal("nothing was rotated away")
	}
	// Names: base_NNNNN_time.ext, numbered consecutively up to the last
	// file, each stamped with the (test) clock when it was started: the
	// clock ticks one second per file, so file N is 09:00:N.
	var last int
	if _, err := fmt.Sscanf(filepath.Base(kept[len(kept)-1]), "cti_%05d_", &last); err != nil {
		t.Fatalf("%s: %v", kept[len(kept)-1], err)
	}
	if last <= len(kept) {
		t.Fatalf("last file is number %d: no rotation happened", last)
	}
	for i, name := range kept {
		seq := last - len(kept) + 1 + i
		want := fmt.Sprintf("cti_%05d_%s.pcapng", seq, time.Date(2026, 3, 2, 9, 0, seq, 0, time.UTC).Format("20060102150405"))
		if b := filepath.Base(name); b != want {
			t.Errorf("file %d is %s, want %s", i, b, want)
		}
	}
}

func TestRingWriterSingleFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "one.pcapng")
	w, err := NewRingWriter(name, RingOptions{LinkType: LinkTypeEthernet, Interface: "eth0"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		p := ringPacket(i)
		if err := w.WritePacket(&p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := w.Files(); len(got) != 1 || got[0] != name {
		t.Fatalf("files %v, want just %s", got, name)
	}
	got := readAll(t, name)
	if len(got) != 50 {
		t.Fatalf("read back %d packets, want 50", len(got))
	}
	for i, p := range got {
		if want := ringPacket(i); !bytes.Equal(p.Data, want.Data) || p.Length != want.Length || p.LinkType != LinkTypeEthernet {
			t.Fatalf("packet %d differs", i)
		}
	}
}

// A packet larger than the file size still gets a file of its own rather
// than an endless rotation.
func TestRingWriterOversizedPacket(t *testing.T) {
	dir := t.TempDir()
	w, err := NewRingWriter(filepath.Join(dir, "big.pcapng"), RingOptions{FileSize: 200, LinkType: LinkTypeEthernet})
	if err != nil {
		t.Fatal(err)
	}
	big := Packet{Data: make([]byte, 500), Length: 500, Time: time.Unix(1, 0)}
	for range 2 {
		if err := w.WritePacket(&big); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if files := w.Files(); len(files) != 2 {
		t.Fatalf("%d files, want one per oversized packet", len(files))
	}
}

func TestRingWriterOptions(t *testing.T) {
	if _, err := NewRingWriter(filepath.Join(t.TempDir(), "x.pcapng"), RingOptions{Files: 3}); err == nil {
		t.Error("files without a size: want an error")
	}
}
