package reassembly_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// followStream is one direction pair of `tshark -z follow,tcp,raw`.
type followStream struct {
	node [2]netip.AddrPort
	data [2][]byte
}

// tsharkFollow returns the reassembled bytes of every TCP stream in a capture
// as tshark sees them.
func tsharkFollow(t *testing.T, path string) []followStream {
	t.Helper()
	out, err := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-e", "tcp.stream").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	maxStream := -1
	for _, l := range strings.Fields(string(out)) {
		if n, err := strconv.Atoi(l); err == nil && n > maxStream {
			maxStream = n
		}
	}
	args := []string{"-n", "-q", "-r", path}
	for i := 0; i <= maxStream; i++ {
		args = append(args, "-z", fmt.Sprintf("follow,tcp,raw,%d", i))
	}
	out, err = exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark follow: %v", err)
	}
	// tshark prints the follow reports in no particular order: index them
	// by their filter line.
	streams := make([]followStream, maxStream+1)
	var cur *followStream
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "Filter: tcp.stream eq "):
			n, err := strconv.Atoi(strings.TrimSpace(line[len("Filter: tcp.stream eq "):]))
			if err != nil || n > maxStream {
				t.Fatalf("filter line %q", line)
			}
			cur = &streams[n]
		case cur == nil, strings.HasPrefix(line, "Follow:"), strings.HasPrefix(line, "====="), line == "":
		case strings.HasPrefix(line, "Node 0: "), strings.HasPrefix(line, "Node 1: "):
			ap, err := netip.ParseAddrPort(strings.TrimSpace(line[8:]))
			if err != nil {
				t.Fatalf("node line %q: %v", line, err)
			}
			cur.node[line[5]-'0'] = ap
		default:
			n := 0
			if strings.HasPrefix(line, "\t") {
				n = 1
			}
			b, err := hex.DecodeString(strings.TrimSpace(line))
			if err != nil {
				t.Fatalf("hex line %q: %v", line, err)
			}
			cur.data[n] = append(cur.data[n], b...)
		}
	}
	return streams
}

// TestAgainstTshark compares the byte streams our frames add up to with
// tshark's TCP follow output, for captures without lost segments.
func TestAgainstTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not on PATH")
	}
	dir := t.TempDir()
	var paths []string
	if cd := filepath.Join("..", "..", "shared", "conformance"); dirExists(cd) {
		for _, n := range []string{"tcp-segmentation.pcap", "every-message-v13.pcap", "every-message-v18.pcap"} {
			paths = append(paths, filepath.Join(cd, n))
		}
	}
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var gen bytes.Buffer
	if _, err := Generate(&gen, GenOptions{Bytes: 1 << 20, Conns: 12, Seed: 7, Reorder: true}); err != nil {
		t.Fatal(err)
	}
	write("generated.pcap", gen.Bytes())
	// Several connections, IPv6, a heuristic port, port reuse, wraparound.
	var segs []Seg
	a := NewConv("[2001:db8::1]:40000", "[2001:db8::2]:12028", 0xffffff00, 77, t0)
	a.Handshake()
	a.SendSplit(true, Cat(Msg(3, 300), Msg(5, 0)), 100)
	a.SendSplit(false, Cat(Msg(4, 30), Msg(30, 400), Msg(9, 3)), 7, 200)
	a.Fin(true)
	a.Fin(false)
	b := NewConv("10.1.1.1:33333", "10.1.1.2:9999", 5, 6, t0)
	b.Handshake()
	b.Send(true, Cat(Msg(3, 10), Msg(5, 0)))
	b.Send(false, Msg(4, 10))
	c := NewConv("[2001:db8::1]:40000", "[2001:db8::2]:12028", 123456, 654321, t0.Add(1e9))
	c.Handshake()
	c.Send(true, Msg(5, 1))
	c.Send(false, Msg(6, 1))
	segs = append(append(append(segs, a.Segs...), b.Segs...), c.Segs...)
	write("mixed.pcapng", PcapNG(Ethernet, segs))
	write("hostile.pcap", hostileCapture())
	write("modified.pcap", modified(Pcap(Ethernet, simpleConv(cli, srv)), true)) // Kuznetzov's variant
	for _, tc := range cookedCases() {
		write(tc.name+".pcap", tc.capture(false))
		write(tc.name+"-ipv6.pcap", tc.capture(true))
	}
	write("ipv6-hop-by-hop-trailer.pcap", hopByHopTrailerCapture())

	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			want := tsharkFollow(t, p)
			src, err := reassembly.OpenFile(p)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			res := runSource(src, reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			// Concatenate our frames per connection and sender.
			type key struct {
				idx  int
				from netip.AddrPort
			}
			got := map[key][]byte{}
			var conns []*reassembly.Conn
			for _, f := range res.frames {
				from := f.Conn.Client
				if f.Dir == reassembly.ServerToClient {
					from = f.Conn.Server
				}
				k := key{f.Conn.Index, from}
				got[k] = append(got[k], f.Data...)
			}
			for _, e := range res.events {
				if e.Kind == reassembly.Opened {
					conns = append(conns, e.Conn)
				}
			}
			if len(conns) != len(want) {
				t.Fatalf("%d connections, tshark has %d streams", len(conns), len(want))
			}
			for i, st := range want {
				c := conns[i]
				if (st.node[0] != c.Client || st.node[1] != c.Server) && (st.node[1] != c.Client || st.node[0] != c.Server) {
					t.Fatalf("stream %d: tshark nodes %v, our conn %v->%v", i, st.node, c.Client, c.Server)
				}
				for n := range 2 {
					g := got[key{c.Index, st.node[n]}]
					if !bytes.Equal(g, st.data[n]) {
						t.Errorf("stream %d node %d (%v): %d bytes from us, %d from tshark", i, n, st.node[n], len(g), len(st.data[n]))
					}
				}
			}
		})
	}
}

// hostileCapture holds what once made us lose messages tshark decodes:
// IPv4 fragments reversed and overlapping, IPv6 destination options and
// routing headers, IPv6 fragments, and a forged RST mid-connection.
func hostileCapture() []byte {
	var pkts []Packet
	add := func(c *Conv, split map[int]func([]byte) [][]byte) {
		for i, s := range c.Segs {
			f := split[i]
			if f == nil {
				pkts = append(pkts, Packet{Time: s.Time, Data: s.Bytes(Ethernet)})
				continue
			}
			for _, ip := range f(s.IP()) {
				pkts = append(pkts, Packet{Time: s.Time, Data: Ethernet.Wrap(ip)})
			}
		}
	}
	v4 := NewConv("10.9.0.1:41000", "10.9.0.2:42027", 100, 200, t0)
	v4.Handshake()
	v4.Send(true, Msg(3, 3000))
	v4.Send(false, Msg(4, 1500))
	v4.T = v4.T.Add(v4.Step)
	v4.Segs = append(v4.Segs, Seg{Src: v4.Server, Dst: v4.Client, Seq: v4.SSeq + 1<<30, Flags: RST, Time: v4.T})
	v4.Send(true, Msg(5, 0))
	add(v4, map[int]func([]byte) [][]byte{
		3: func(ip []byte) [][]byte { f := Frag4(ip, 800, 11); slices.Reverse(f); return f },
		4: func(ip []byte) [][]byte {
			hdr, pay := ip[:20], ip[20:]
			return [][]byte{Frag4Piece(hdr, pay[:1000], 0, true, 12), Frag4Piece(hdr, pay[512:], 512, false, 12)}
		},
	})
	v6 := NewConv("[2001:db8::7]:41000", "[2001:db8::8]:42027", 300, 400, t0.Add(1e9))
	v6.Handshake()
	v6.Send(true, Msg(3, 2500))
	v6.Send(false, Msg(4, 20))
	v6.Send(true, Msg(5, 10))
	add(v6, map[int]func([]byte) [][]byte{
		3: func(ip []byte) [][]byte { f := Frag6(Ext6(ip, DestOptions), 1000, 13); slices.Reverse(f); return f },
		4: func(ip []byte) [][]byte { return [][]byte{Ext6(ip, Routing, DestOptions)} },
		5: func(ip []byte) [][]byte { return [][]byte{Ext6(ip, HopByHop, DestOptions)} },
	})
	return PcapRaw(1, pkts)
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
