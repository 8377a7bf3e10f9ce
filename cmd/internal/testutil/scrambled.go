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
	"github.com/gopacket/gopacket/pcapgo"
)

// EditPackets copies a pcap capture, handing every packet (numbered from
// 1) to edit, which may change its bytes in place and says whether to
// keep it (`editcap` in code).
func EditPackets(t testing.TB, capture []byte, edit func(n int, data []byte) bool) []byte {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := ctitest.NewPcapWriter(&out, uint32(r.LinkType()))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; ; n++ {
		data, ci, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !edit(n, data) {
			continue
		}
		if err := w.WritePacket(ci.Timestamp, data, ci.Length); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

// Scrambled returns the path of the default generated capture with one
// byte changed in the TCP payload of about one packet in every perOne
// (past the first 8 payload bytes, so mostly inside message bodies): out
// of range enums, stray mask bits, strings without their NUL, lying
// lengths. The Ethernet, IP and TCP headers stay as they were.
func Scrambled(t testing.TB, perOne int) string {
	t.Helper()
	_, data, _ := Capture(t, gen.DefaultConfig())
	rng := rand.New(rand.NewSource(int64(perOne)))
	out := EditPackets(t, data, func(_ int, b []byte) bool {
		if rng.Intn(perOne) != 0 || len(b) < 34 || b[12] != 0x08 || b[13] != 0 {
			return true
		}
		tcp := 14 + int(b[14]&0x0f)*4
		if len(b) < tcp+20 {
			return true
		}
		if payload := tcp + int(b[tcp+12]>>4)*4; len(b) > payload+8 {
			b[payload+8+rng.Intn(len(b)-payload-8)] = byte(rng.Intn(256))
		}
		return true
	})
	path := filepath.Join(t.TempDir(), "scrambled.pcap")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
