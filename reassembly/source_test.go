package reassembly_test

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// simpleConv is a short session used to check encapsulations and
// containers: 4 frames, one of them split.
func simpleConv(client, server string) []Seg {
	c := NewConv(client, server, 7, 9, t0)
	c.Handshake()
	c.Send(true, Msg(3, 20))
	c.SendSplit(false, Cat(Msg(4, 10), Msg(30, 40)), 5, 100)
	c.Send(true, Msg(5, 0))
	c.Fin(true)
	c.Fin(false)
	return c.Segs
}

func wantSimple(t *testing.T, res result) {
	t.Helper()
	if res.err != nil {
		t.Fatalf("error: %v", res.err)
	}
	got := res.framesOnly()
	want := []string{"c0 c>s t3 n28 p[4]", "c0 s>c t4 n18 p[5 6]", "c0 s>c t30 n48 p[6]", "c0 c>s t5 n8 p[7]"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q\n%s", got, want, res)
	}
}

func TestLinkTypes(t *testing.T) {
	for _, l := range Links() {
		for _, v6 := range []bool{false, true} {
			name := l.String()
			cli, srv := "192.0.2.1:40000", "192.0.2.2:42027"
			if v6 {
				name += "/ipv6"
				cli, srv = "[2001:db8::1]:40000", "[2001:db8::2]:42027"
			}
			if l == RawIPv4 && v6 || l == RawIPv6 && !v6 {
				continue
			}
			t.Run(name, func(t *testing.T) {
				res := runBytes(t, Pcap(l, simpleConv(cli, srv)), reassembly.Options{})
				wantSimple(t, res)
				if res.stats.TCPPackets != res.stats.Packets || len(res.stats.DecodeErrors) != 0 {
					t.Errorf("stats %+v", res.stats)
				}
				ev := res.events[0]
				if ev.Kind != reassembly.Opened || ev.Conn.Client != netip.MustParseAddrPort(cli) || ev.Conn.Server != netip.MustParseAddrPort(srv) {
					t.Errorf("first event %v client %v server %v", ev.Kind, ev.Conn.Client, ev.Conn.Server)
				}
			})
		}
	}
}

func TestContainers(t *testing.T) {
	segs := simpleConv("192.0.2.1:40000", "192.0.2.2:12028")
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"pcap", "pcap", Pcap(Ethernet, segs)},
		{"pcapng", "pcapng", PcapNG(Ethernet, segs)},
		{"pcapng sll2", "pcapng", PcapNG(SLL2, segs)},
		{"pcap.gz", "pcap.gz", Gzip(Pcap(SLL, segs))},
		{"pcapng.gz", "pcapng.gz", Gzip(PcapNG(EthernetQinQ, segs))},
		{"pcapgo writer", "pcapng", pcapgoNG(t, segs)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := reassembly.OpenReader(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if src.Format() != tc.format {
				t.Errorf("format %q, want %q", src.Format(), tc.format)
			}
			wantSimple(t, runSource(src, reassembly.Options{}))
		})
	}
}

// pcapgoNG writes segments with gopacket's own pcapng writer, to make sure
// we read what another implementation writes.
func pcapgoNG(t *testing.T, segs []Seg) []byte {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriter(&buf, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		data := s.Bytes(Ethernet)
		ci := gopacketCI(s, len(data))
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

func TestOpenFileAndStdin(t *testing.T) {
	data := Gzip(Pcap(Ethernet, simpleConv("192.0.2.1:40000", "192.0.2.2:42027")))
	path := filepath.Join(t.TempDir(), "x.pcap.gz")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := reassembly.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantSimple(t, runSource(src, reassembly.Options{}))
	src.Close()

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	src, err = reassembly.OpenFile("-")
	if err != nil {
		t.Fatal(err)
	}
	wantSimple(t, runSource(src, reassembly.Options{}))
}

func TestTruncatedCapture(t *testing.T) {
	segs := simpleConv("192.0.2.1:40000", "192.0.2.2:42027")
	full := Pcap(Ethernet, segs)
	ng := PcapNG(Ethernet, segs)
	// Cut inside the record of packet 6 (the second half of the split
	// frame): packets 1-5 are read, then an error.
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"pcap mid-record", full[:len(full)-200]},
		{"pcap mid-header", full[:24+16*5+5+sum(segs[:5], Ethernet)]},
		{"pcapng mid-block", ng[:len(ng)-300]},
		{"gzip", Gzip(full)[:len(Gzip(full))-20]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := runBytes(t, tc.data, reassembly.Options{})
			if res.err == nil {
				t.Fatalf("no error; items:\n%s", res)
			}
			if len(res.frames) == 0 || res.frames[0].Data[7] != 3 {
				t.Errorf("frames before the cut missing:\n%s", res)
			}
			t.Logf("error: %v", res.err)
		})
	}
}

func sum(segs []Seg, l Link) int {
	n := 0
	for i := range segs {
		n += len(segs[i].Bytes(l))
	}
	return n
}

func TestGarbageInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("this is not a capture file at all")},
		{"short", []byte{0xd4, 0xc3}},
		{"gzip of text", Gzip([]byte("hello"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := reassembly.OpenReader(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if tc.name != "gzip of text" && !errors.Is(err, reassembly.ErrUnknownFormat) {
				t.Errorf("error %v is not ErrUnknownFormat", err)
			}
		})
	}
	// Valid header, garbage records: an error, never a panic.
	good := Pcap(Ethernet, simpleConv("192.0.2.1:40000", "192.0.2.2:42027"))
	bad := append(slices.Clone(good[:24]), bytes.Repeat([]byte{0xff}, 64)...)
	if res := runBytes(t, bad, reassembly.Options{}); res.err == nil {
		t.Error("garbage records: no error")
	}
	// Garbage packets inside a valid file are counted as decode errors.
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, 1)
	w.WritePacket(t0, []byte{1, 2, 3}, 3)
	junk := make([]byte, 14+20)
	junk[12], junk[13], junk[14] = 0x08, 0x00, 0x4f // IPv4 with a bogus IHL
	w.WritePacket(t0, junk, len(junk))
	res := runBytes(t, buf.Bytes(), reassembly.Options{})
	if res.err != nil || res.stats.Packets != 2 || res.stats.DecodeErrors[reassembly.LinkTypeEthernet] != 2 {
		t.Errorf("err %v stats %+v", res.err, res.stats)
	}
	// Unknown link type.
	buf.Reset()
	w, _ = NewPcapWriter(&buf, 4242)
	w.WritePacket(t0, []byte{1, 2, 3}, 3)
	res = runBytes(t, buf.Bytes(), reassembly.Options{})
	if res.err != nil || res.stats.UnsupportedLinkType != 1 {
		t.Errorf("err %v stats %+v", res.err, res.stats)
	}
}

func TestFragmentsCounted(t *testing.T) {
	c := NewConv("192.0.2.1:40000", "192.0.2.2:42027", 1, 1, t0)
	c.Send(true, Msg(3, 20))
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, 1)
	b := c.Segs[0].Bytes(Ethernet)
	b[14+6] = 0x20 // more fragments
	w.WritePacket(t0, b, len(b))
	res := runBytes(t, buf.Bytes(), reassembly.Options{})
	if res.err != nil || res.stats.Fragments != 1 || res.stats.TCPPackets != 0 {
		t.Errorf("err %v stats %+v", res.err, res.stats)
	}
}
