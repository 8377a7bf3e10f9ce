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
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
)

const samplePcap = "../../testdata/sample.pcap"

// syncBuffer is an output the test can read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// replayCapture behaves like a live capture that sees the packets of a
// file and then silence: ReadPacket blocks until the context ends, then
// returns io.EOF, as the packet socket does.
type replayCapture struct {
	ctx    context.Context
	src    *reassembly.Source
	n      uint64
	bytes  uint64
	closed bool
}

func (r *replayCapture) ReadPacket() (reassembly.Packet, error) {
	if r.src != nil {
		p, err := r.src.ReadPacket()
		if err == nil {
			r.n++
			r.bytes += uint64(len(p.Data))
			return p, nil
		}
		r.src.Close()
		r.src = nil
	}
	<-r.ctx.Done()
	return reassembly.Packet{}, io.EOF
}

func (r *replayCapture) Stats() reassembly.LiveStats {
	return reassembly.LiveStats{Packets: r.n, Bytes: r.bytes, KernelDrops: 3}
}
func (r *replayCapture) LinkType() reassembly.LinkType { return reassembly.LinkTypeEthernet }
func (r *replayCapture) Close() error                  { r.closed = true; return nil }

type run struct {
	out, errOut *syncBuffer
	err         error
	capture     *replayCapture
	opened      reassembly.LiveOptions
}

// runSniff runs the command with a replay of file as the interface's
// traffic; ctx plays the role of signals.
func runSniff(t *testing.T, ctx context.Context, file string, args ...string) *run {
	t.Helper()
	r := &run{}
	return r.exec(t, ctx, func(ctx context.Context, lo reassembly.LiveOptions) (Capture, error) {
		src, err := reassembly.OpenFile(file)
		if err != nil {
			return nil, err
		}
		r.capture = &replayCapture{ctx: ctx, src: src}
		return r.capture, nil
	}, args...)
}

// exec runs the sniff command with args, capturing through open.
func (r *run) exec(t *testing.T, ctx context.Context, open func(context.Context, reassembly.LiveOptions) (Capture, error), args ...string) *run {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	r.out, r.errOut = &syncBuffer{}, &syncBuffer{}
	ios.Out, ios.ErrOut = r.out, r.errOut
	cmd := NewCmdSniff(&factory.Factory{IOStreams: ios}, func(o *SniffOptions) error {
		o.Context = ctx
		o.Open = func(ctx context.Context, lo reassembly.LiveOptions) (Capture, error) {
			r.opened = lo
			return open(ctx, lo)
		}
		return sniffRun(o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	r.err = cmd.Execute()
	return r
}

// sampleMessages is how many messages read decodes from the sample.
func sampleMessages(t *testing.T) int { return countMessages(t, samplePcap) }

// countMessages decodes a capture file and counts its messages.
func countMessages(t *testing.T, path string) int {
	t.Helper()
	src, err := reassembly.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n := 0
	if err := pipeline.New(pipeline.Options{}).Read(src, func(r *pipeline.Record) error {
		if r.Msg != nil {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func lines(s string) int { return strings.Count(s, "\n") }

func TestSniffCountStops(t *testing.T) {
	r := runSniff(t, context.Background(), samplePcap, "-i", "eth9", "-c", "7", "-T", "jsonl")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if n := lines(r.out.String()); n != 7 {
		t.Errorf("%d rows, want 7", n)
	}
	if !strings.Contains(r.errOut.String(), "7 messages,") {
		t.Errorf("summary: %q", r.errOut)
	}
	if !r.capture.closed {
		t.Error("capture not closed")
	}
	if got := r.opened; got.Interface != "eth9" || len(got.Ports) != 2 || got.Ports[0] != 42027 {
		t.Errorf("opened %+v", got)
	}
}

// -a duration stops a capture that went quiet; everything decoded
// before is printed, and the summary has the counters.
func TestSniffDurationStops(t *testing.T) {
	want := sampleMessages(t)
	start := time.Now()
	r := runSniff(t, context.Background(), samplePcap, "-i", "lo", "-a", "duration:0.3", "-T", "jsonl")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Error("stopped before the duration")
	}
	if n := lines(r.out.String()); n != want {
		t.Errorf("%d rows, want %d", n, want)
	}
	sum := r.errOut.String()
	for _, w := range []string{"Capturing on lo (TCP ports 42027, 12028)", "messages, ", "packets (", "captured on lo; dropped: 3 by the kernel, 0 cut by the snap length"} {
		if !strings.Contains(sum, w) {
			t.Errorf("stderr lacks %q:\n%s", w, sum)
		}
	}
}

// Cancelling (what SIGINT/SIGTERM do through signal.NotifyContext) ends
// the run cleanly: rows flushed, -w file closed and readable, summary.
func TestSniffCancelStopsAndSaves(t *testing.T) {
	want := sampleMessages(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "live.pcapng")
	done := make(chan *run)
	go func() { done <- runSniff(t, ctx, samplePcap, "-i", "lo", "-w", out, "-P", "-T", "jsonl") }()
	time.Sleep(200 * time.Millisecond)
	cancel()
	var r *run
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not stop the capture")
	}
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if n := lines(r.out.String()); n != want {
		t.Errorf("%d rows, want %d", n, want)
	}
	if !strings.Contains(r.errOut.String(), "Saved "+out) {
		t.Errorf("stderr: %s", r.errOut)
	}
	// The saved file holds every packet: decoding it gives the same rows.
	if n := countMessages(t, out); n != want {
		t.Errorf("saved capture decodes to %d messages, want %d", n, want)
	}
}

// With -w and no -P, rows are not printed (an unattended run).
func TestSniffWriteOnly(t *testing.T) {
	out := filepath.Join(t.TempDir(), "quiet.pcapng")
	r := runSniff(t, context.Background(), samplePcap, "-i", "lo", "-w", out, "-c", "3")
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	if r.out.String() != "" {
		t.Errorf("printed rows with -w: %q", r.out)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Errorf("no capture written: %v", err)
	}
}

func TestSniffOpenError(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	cmd := NewCmdSniff(&factory.Factory{IOStreams: ios}, func(o *SniffOptions) error {
		o.Open = func(context.Context, reassembly.LiveOptions) (Capture, error) {
			return nil, &reassembly.CaptureError{Interface: "eth0", Err: syscall.EPERM, Msg: "permission denied", Hint: "needs CAP_NET_RAW"}
		}
		return sniffRun(o)
	})
	cmd.SetArgs([]string{"-i", "eth0"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	var se *factory.SilentError
	if !errors.As(err, &se) || se.Code != factory.ExitError {
		t.Fatalf("err %v, want exit code 1", err)
	}
	if want := "ctishark: capture on eth0: permission denied (needs CAP_NET_RAW)\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q", out)
	}
}

func TestSniffFlagErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{}, "needs an interface"},
		{[]string{"-i", "lo", "-b", "filesize:10"}, "-b needs -w"},
		{[]string{"-i", "lo", "-w", "x.pcapng", "-b", "files:3"}, "needs -b filesize"},
		{[]string{"-i", "lo", "-w", "x.pcapng", "-b", "filesize:0"}, "want a size in kB of 1000 bytes"},
		{[]string{"-i", "lo", "-w", "x.pcapng", "-b", "duration:5"}, "unknown option"},
		{[]string{"-i", "lo", "-a", "duration:-1"}, "positive number of seconds"},
		{[]string{"-i", "lo", "-a", "packets:5"}, "unknown condition"},
		{[]string{"-i", "lo", "-a", "5"}, "want duration:SECONDS"},
		{[]string{"-i", "lo", "-P"}, "-P goes with -w"},
		{[]string{"-i", "lo", "-w", "-"}, "files only"},
		{[]string{"-i", "lo", "-B", "0"}, "-B"},
		{[]string{"-i", "lo", "-p", "0"}, "invalid port"},
		{[]string{"-i", "lo", "extra"}, "unknown command"},
	}
	for _, c := range cases {
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdSniff(&factory.Factory{IOStreams: ios}, func(*SniffOptions) error {
			t.Errorf("%v: ran despite bad flags", c.args)
			return nil
		})
		cmd.SetArgs(c.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestParseSpecs(t *testing.T) {
	a, err := parseAutostop([]string{"duration:1.5"})
	if err != nil || a.duration != 1500*time.Millisecond {
		t.Errorf("duration: %v %v", a, err)
	}
	r, err := parseRing([]string{"filesize:10", "files:4"})
	if err != nil || r.FileSize != 10_000 || r.Files != 4 {
		t.Errorf("ring: %+v %v", r, err)
	}
	// dumpcap's unit: filesize:100000 is 100 MB files, not 100 GB.
	if r, err := parseRing([]string{"filesize:100000"}); err != nil || r.FileSize != 100_000_000 {
		t.Errorf("filesize:100000: %+v %v", r, err)
	}
	if _, err := parseRing([]string{"filesize:3000000000"}); err == nil {
		t.Error("filesize over dumpcap's 2 TiB bound accepted")
	}
}

// Every view of read works live: -T fields with -Y, the tree with
// secrets masked or shown.
func TestSniffViews(t *testing.T) {
	heartbeats := 0
	src, err := reassembly.OpenFile(samplePcap)
	if err != nil {
		t.Fatal(err)
	}
	pipeline.New(pipeline.Options{}).Read(src, func(r *pipeline.Record) error {
		if r.Msg != nil && r.Msg.Name() == "HEARTBEAT_REQ" {
			heartbeats++
		}
		return nil
	})
	src.Close()
	if heartbeats == 0 {
		t.Fatal("sample has no HEARTBEAT_REQ")
	}

	r := runSniff(t, context.Background(), samplePcap, "-i", "lo", "-a", "duration:0.2",
		"-T", "fields", "-e", "cti.num", "-e", "cti.msg_type", "-Y", `cti.msg_type == "HEARTBEAT_REQ"`)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.errOut)
	}
	rows := strings.Split(strings.TrimSuffix(r.out.String(), "\n"), "\n")
	if len(rows) != heartbeats {
		t.Errorf("-Y kept %d rows, want %d heartbeats", len(rows), heartbeats)
	}
	for _, row := range rows {
		if _, typ, _ := strings.Cut(row, "\t"); typ != "HEARTBEAT_REQ" {
			t.Errorf("row %q", row)
			break
		}
	}

	masked := runSniff(t, context.Background(), samplePcap, "-i", "lo", "-a", "duration:0.2", "-V").out.String()
	shown := runSniff(t, context.Background(), samplePcap, "-i", "lo", "-a", "duration:0.2", "-V", "--show-secrets").out.String()
	if !strings.Contains(masked, "ClientPassword: ********") {
		t.Error("tree: ClientPassword not masked")
	}
	if !strings.Contains(shown, "ClientPassword: ") || strings.Contains(shown, "ClientPassword: ********") {
		t.Error("--show-secrets: ClientPassword still masked")
	}
}

// sniff -D lists every interface as tshark -D does ("1. lo (Loopback)")
// and needs no -i.
func TestListInterfaces(t *testing.T) {
	out, _, err := testutil.Exec(t, NewCmdSniff, "-D")
	if err != nil {
		t.Fatal(err)
	}
	ifs, err := net.Interfaces()
	if err != nil {
		t.Skip(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(ifs) {
		t.Fatalf("%d lines for %d interfaces:\n%s", len(lines), len(ifs), out)
	}
	for i, ifc := range ifs {
		want := fmt.Sprintf("%d. %s", i+1, ifc.Name)
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d %q, want %q...", i+1, lines[i], want)
		}
		if ifc.Flags&net.FlagLoopback != 0 && !strings.Contains(lines[i], "(Loopback") {
			t.Errorf("loopback not said: %q", lines[i])
		}
	}
}
