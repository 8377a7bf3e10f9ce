package reassembly

import (
	"encoding/binary"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"testing"
)

// decodeBoth decodes p with a decoder that takes the fast path where it
// can and one that never does, and fails the test if they differ in any
// way decode's callers can see: the result, the error, the segment and the
// header Inspector reads.
func decodeBoth(t *testing.T, fast, slow *decoder, p *Packet) (tookFast bool) {
	t.Helper()
	var sf, ss segment
	var probe segment
	tookFast = fast.fastIPv4TCP(p, &probe)
	okF, errF := fast.decode(p, &sf, 0)
	okS, errS := slow.decodeParser(p, &ss, 0)
	if okF != okS || (errF == nil) != (errS == nil) || (errF != nil && errF.Error() != errS.Error()) {
		t.Fatalf("packet %d (% x): fast path %v, %v; parser %v, %v", p.Num, p.Data, okF, errF, okS, errS)
	}
	if okF && !reflect.DeepEqual(sf, ss) {
		t.Fatalf("packet %d (% x): fast path\n%+v\nparser\n%+v", p.Num, p.Data, sf, ss)
	}
	if okF && string(fast.tcpHdr) != string(slow.tcpHdr) {
		t.Fatalf("packet %d: TCP header % x by the fast path, % x by the parser", p.Num, fast.tcpHdr, slow.tcpHdr)
	}
	return tookFast
}

// mutateHeaders returns copies of an Ethernet/IPv4/TCP packet with the
// header bytes the fast path reads changed, each alone: what it must
// either read as the parser does or leave to it.
func mutateHeaders(data []byte, rng *rand.Rand) [][]byte {
	var out [][]byte
	edit := func(f func(b []byte) []byte) {
		b := append([]byte(nil), data...)
		out = append(out, f(b))
	}
	set16 := func(at int, v uint16) func([]byte) []byte {
		return func(b []byte) []byte {
			if at+2 <= len(b) {
				binary.BigEndian.PutUint16(b[at:], v)
			}
			return b
		}
	}
	const ip, tcp = 14, 34
	for _, et := range []uint16{0x0800, 0x86dd, 0x8100, 0x0600, 0x05ff, 0x0000} {
		edit(set16(12, et))
	}
	for _, v := range []byte{0x45, 0x46, 0x44, 0x40, 0x65, 0x4f, 0x05} {
		edit(func(b []byte) []byte { b[ip] = v; return b })
	}
	iplen := int(binary.BigEndian.Uint16(data[ip+2:]))
	for _, l := range []int{0, 1, 19, 20, 39, 40, iplen - 1, iplen, iplen + 1, iplen + 100, 65535} {
		edit(set16(ip+2, uint16(l)))
	}
	for _, ff := range []uint16{0x2000, 0x0001, 0x4000, 0x8000, 0x1fff, 0x4001} {
		edit(set16(ip+6, ff))
	}
	for _, proto := range []byte{6, 17, 4, 41, 0, 43, 255} {
		edit(func(b []byte) []byte { b[ip+9] = proto; return b })
	}
	for _, off := range []byte{0x00, 0x40, 0x50, 0x60, 0x80, 0xf0, 0x51} {
		edit(func(b []byte) []byte { b[tcp+12] = off; return b })
	}
	for _, fl := range []byte{0x00, 0x02, 0x12, 0x01, 0x04, 0x11, 0xff, 0x18} {
		edit(func(b []byte) []byte { b[tcp+13] = fl; return b })
	}
	for _, n := range []int{0, 13, 14, 20, 33, 34, 35, 53, 54, len(data) - 1} {
		if n >= 0 && n <= len(data) {
			edit(func(b []byte) []byte { return b[:n] })
		}
	}
	for range 20 { // a few random bytes anywhere in the headers
		edit(func(b []byte) []byte {
			for range 1 + rng.Intn(3) {
				b[rng.Intn(min(len(b), 60))] = byte(rng.Intn(256))
			}
			return b
		})
	}
	return out
}

// TestFastPathMatchesParser holds the fast path to the parser on every
// packet of the bundled captures, on each read as every link type it
// accepts, and on packets with their headers changed.
func TestFastPathMatchesParser(t *testing.T) {
	fast, slow := newDecoder(), newDecoder()
	rng := rand.New(rand.NewSource(1))
	fastN, total := 0, 0
	for _, path := range []string{"../testdata/sample.pcap", "../testdata/sample-ucce.pcap"} {
		src, err := OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; ; n++ {
			p, err := src.ReadPacket()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.LinkType != LinkTypeEthernet {
				t.Fatalf("%s: link type %v; the test mutates Ethernet frames", path, p.LinkType)
			}
			p.Data = append([]byte(nil), p.Data...) // valid past the next read
			total++
			if decodeBoth(t, fast, slow, &p) {
				fastN++
			}
			// The same datagram as raw IP, under each raw link type.
			for _, lt := range []LinkType{LinkTypeIPv4, LinkTypeRaw, LinkTypeRawOld} {
				q := p
				q.LinkType, q.Data = lt, p.Data[14:]
				decodeBoth(t, fast, slow, &q)
			}
			if n%7 == 0 && len(p.Data) >= 54 {
				for _, m := range mutateHeaders(p.Data, rng) {
					q := p
					q.Data = m
					decodeBoth(t, fast, slow, &q)
				}
			}
		}
		src.Close()
	}
	// The captures are mostly plain segments: the fast path must take
	// them, or this test compares nothing.
	if fastN*10 < total*8 {
		t.Fatalf("fast path took %d of %d packets", fastN, total)
	}
}
