//go:build linux

package sniff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
	"golang.org/x/sys/unix"
)

// needCapture skips the test unless this process may open packet
// sockets (root or CAP_NET_RAW; CI runs as root).
func needCapture(t testing.TB) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
	if err != nil {
		t.Skipf("live capture needs root or CAP_NET_RAW (packet socket: %v)", err)
	}
	unix.Close(fd)
}

// sentFrame is one CTI frame written on a real socket.
type sentFrame struct {
	conn     int // connection of the recorded capture
	toServer bool
	data     []byte
}

// recordedFrames takes the CTI frames of a capture, in the order they
// completed there, to be replayed over real sockets.
func recordedFrames(t testing.TB, file string) []sentFrame {
	t.Helper()
	src, err := reassembly.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var out []sentFrame
	ra := reassembly.New(dissect.Framing{}, reassembly.Options{})
	err = ra.Run(src, func(it *reassembly.Item) error {
		if f := it.Frame; f != nil {
			out = append(out, sentFrame{conn: f.Conn.Index, toServer: f.Dir == reassembly.ClientToServer, data: bytes.Clone(f.Data)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// socketPair is one replayed connection.
type socketPair struct{ client, server net.Conn }

// replay opens one TCP connection per recorded connection to ln and
// writes every frame from the side that sent it, in the recorded order.
// It returns what each direction of each connection (keyed by client
// address and direction) carried, in order. Order across the two
// directions is not compared: TCP autocorking may hold a small segment
// back while the other side's goes first.
func replay(t testing.TB, ln net.Listener, frames []sentFrame) map[string][]string {
	t.Helper()
	conns := map[int]socketPair{}
	sent := map[string][]string{}
	for _, f := range frames {
		p, ok := conns[f.conn]
		if !ok {
			c, s := dialListener(t, ln)
			// Nobody reads the other direction's data otherwise.
			go io.Copy(io.Discard, c)
			go io.Copy(io.Discard, s)
			p = socketPair{c, s}
			conns[f.conn] = p
		}
		w, dir := p.server, "s2c"
		if f.toServer {
			w, dir = p.client, "c2s"
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
		key := p.client.LocalAddr().String() + " " + dir
		sent[key] = append(sent[key], fmt.Sprintf("%x", f.data))
	}
	for _, p := range conns {
		p.client.Close()
		p.server.Close()
	}
	return sent
}

// dialAttempts bounds dialListener: a link still coming up refuses or
// drops the first attempts, a broken one never stops doing so.
const dialAttempts = 50

// dialListener connects to ln and accepts the connection. A refused or
// unreachable dial (a link not carrying traffic yet) is retried, at most
// dialAttempts times with a growing pause; success does not depend on
// how long any of this takes, only on the link coming up at all.
func dialListener(t testing.TB, ln net.Listener) (client, server net.Conn) {
	t.Helper()
	pause := time.Millisecond
	for attempt := 1; ; attempt++ {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err == nil {
			s, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			return c, s
		}
		if attempt == dialAttempts || !transient(err) {
			t.Fatalf("dial %s, attempt %d: %v", ln.Addr(), attempt, err)
		}
		time.Sleep(pause)
		pause = min(2*pause, 200*time.Millisecond)
	}
}

// transient says whether a dial error is one a link coming up gives.
func transient(err error) bool {
	return errors.Is(err, unix.ECONNREFUSED) || errors.Is(err, unix.EHOSTUNREACH) ||
		errors.Is(err, unix.ENETUNREACH) || errors.Is(err, os.ErrDeadlineExceeded)
}

// decoded groups the messages of records like replay's result.
func decoded(recs []*pipeline.Record) map[string][]string {
	got := map[string][]string{}
	for _, r := range recs {
		if r.Msg == nil {
			continue
		}
		client, dir := r.Frame.Src, "c2s"
		if r.Frame.Dir != record.ClientToServer {
			client, dir = r.Frame.Dst, "s2c"
		}
		key := client.String() + " " + dir
		got[key] = append(got[key], fmt.Sprintf("%x", r.Msg.Frame))
	}
	return got
}

func readRecords(t testing.TB, file string, port uint16) []*pipeline.Record {
	t.Helper()
	src, err := reassembly.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var recs []*pipeline.Record
	p := pipeline.New(pipeline.Options{Ports: []uint16{port}, NoHeuristics: true})
	if err := p.Read(src, func(r *pipeline.Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestSniffLoopback replays the sample capture's CTI conversations over
// real TCP sockets on loopback while `ctishark sniff` captures them: the
// messages it prints are those sent, byte for byte, and its -w file
// decodes to exactly the same rows.
func TestSniffLoopback(t *testing.T) {
	needCapture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sniffReplay(t, "lo", ln)
}

// sniffReplay sniffs iface while replaying the sample's conversations
// to the server listening on ln, and checks what was decoded.
func sniffReplay(t *testing.T, iface string, ln net.Listener) {
	frames := recordedFrames(t, samplePcap)
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	saved := filepath.Join(t.TempDir(), "live.pcapng")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan struct{})
	done := make(chan *run, 1)
	r := &run{}
	go func() {
		done <- r.exec(t, ctx, func(ctx context.Context, lo reassembly.LiveOptions) (Capture, error) {
			defer close(ready)
			return reassembly.OpenLive(ctx, lo)
		}, "-i", iface, "-p", strconv.Itoa(int(port)), "--no-heuristics", "-T", "jsonl", "-w", saved, "-P", "-a", "duration:60")
	}()
	select {
	case <-ready:
	case r := <-done:
		t.Fatalf("sniff ended before capturing: %v\n%s", r.err, r.errOut)
	}
	if r.capture == nil && r.out == nil {
		t.Fatal("no run")
	}
	sent := replay(t, ln, frames)

	// Rows come as messages complete; wait for all, then stop as Ctrl-C
	// would.
	deadline := time.Now().Add(10 * time.Second)
	for lines(r.out.String()) < len(frames) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // let the FINs through to the file
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not stop the capture")
	}
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	live := r.out.String()
	if n := lines(live); n != len(frames) {
		t.Fatalf("sniff printed %d rows, want %d\n%s", n, len(frames), r.errOut)
	}
	sum := r.errOut.String()
	if want := fmt.Sprintf("%d messages, ", len(frames)); !strings.Contains(sum, want) || !strings.Contains(sum, "dropped: 0 by the kernel, 0 cut") {
		t.Errorf("summary lacks %q or zero drops:\n%s", want, sum)
	}

	// Loopback shows each packet leaving and arriving; only one copy
	// may be kept.
	if dups := consecutiveDuplicates(t, saved); dups > 0 {
		t.Errorf("%d packets saved twice in a row", dups)
	}

	// What was sent is what the saved capture decodes to...
	recs := readRecords(t, saved, port)
	got := decoded(recs)
	if len(got) != len(sent) {
		t.Fatalf("%d connection directions decoded, %d replayed", len(got), len(sent))
	}
	for client, want := range sent {
		g := got[client]
		if len(g) != len(want) {
			t.Errorf("%s: %d messages decoded, %d sent", client, len(g), len(want))
			continue
		}
		for i := range want {
			if g[i] != want[i] {
				t.Errorf("%s message %d:\n got %.80s\nwant %.80s", client, i, g[i], want[i])
				break
			}
		}
	}
	// ...and what sniff printed live is the same rows, rendered alike.
	var again bytes.Buffer
	w, err := render.New(render.FormatJSONL, &again, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	if again.String() != live {
		t.Errorf("re-reading -w differs from the live output")
		diffFirst(t, live, again.String())
	}
}

func consecutiveDuplicates(t *testing.T, file string) int {
	src, err := reassembly.OpenFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var prev []byte
	dups, n := 0, 0
	for {
		p, err := src.ReadPacket()
		if err != nil {
			break
		}
		n++
		if bytes.Equal(p.Data, prev) {
			dups++
		}
		prev = bytes.Clone(p.Data)
	}
	if n == 0 {
		t.Error("nothing saved")
	}
	return dups
}

func diffFirst(t *testing.T, a, b string) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			t.Errorf("first difference, line %d:\nlive %s\nfile %s", i+1, al[i], bl[i])
			return
		}
	}
	t.Errorf("%d lines live, %d from the file", len(al), len(bl))
}

// TestOpenLiveErrors checks the errors a real open gives.
func TestOpenLiveErrors(t *testing.T) {
	needCapture(t)
	_, err := reassembly.OpenLive(context.Background(), reassembly.LiveOptions{Interface: "ctishark-none0"})
	var ce *reassembly.CaptureError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "no such interface") {
		t.Errorf("missing interface: %v", err)
	}
	l, err := reassembly.OpenLive(context.Background(), reassembly.LiveOptions{Interface: "lo", Filter: "tcp port 42027"})
	if pcapBuild {
		if err != nil {
			t.Errorf("-f with libpcap: %v", err)
		} else {
			l.Close()
		}
	} else if !errors.Is(err, reassembly.ErrFilterNeedsPcap) {
		t.Errorf("-f without pcap: %v", err)
	}
}
