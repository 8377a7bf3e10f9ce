package testutil

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/reassembly/ctitest"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcapgo"
)

// Scrambled returns the path of the default generated capture with one
// byte changed in the TCP payload of n of its packets (past the first 8
// payload bytes, so mostly inside message bodies): out of range enums,
// stray mask bits, strings without their NUL, lying lengths. The
// TCP and IP headers stay as they were.
func Scrambled(t testing.TB, n int) string {
	t.Helper()
	_, data, _ := Capture(t, gen.DefaultConfig())
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := ctitest.NewPcapWriter(&out, uint32(r.LinkType()))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(int64(n)))
	var pkts [][]byte
	var cis []gopacket.CaptureInfo
	for {
		b, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, b)
		cis = append(cis, ci)
	}
	for range n {
		b := pkts[rng.Intn(len(pkts))]
		if len(b) < 34 || b[12] != 0x08 || b[13] != 0 {
			continue
		}
		ihl := int(b[14]&0x0f) * 4
		tcp := 14 + ihl
		if len(b) < tcp+20 {
			continue
		}
		payload := tcp + int(b[tcp+12]>>4)*4
		if len(b) > payload+8 {
			b[payload+8+rng.Intn(len(b)-payload-8)] = byte(rng.Intn(256))
		}
	}
	for i, b := range pkts {
		if err := w.WritePacket(cis[i].Timestamp, b, cis[i].Length); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "scrambled.pcap")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
