package read

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect/diag"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// decoded reads a capture with -T jsonl (and a filter) and returns each
// message as what identifies it independently of the file it came from:
// type, time, endpoints, length and every field.
func decoded(t *testing.T, stdin []byte, args ...string) (msgs []map[string]any, packets map[float64]bool) {
	msgs, packets, _ = decodedEvents(t, stdin, args...)
	return msgs, packets
}

// decodedEvents is decoded that also returns the kinds of the events
// (gap, skipped, ...) the read reported, in order.
func decodedEvents(t *testing.T, stdin []byte, args ...string) (msgs []map[string]any, packets map[float64]bool, events []string) {
	t.Helper()
	r := run(t, false, stdin, append([]string{"-T", "jsonl"}, args...)...)
	if r.e != nil {
		t.Fatalf("read %v: %v %s", args, r.e, r.err)
	}
	packets = map[float64]bool{}
	for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
		if l == "" {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if ev, ok := o["event"].(string); ok {
			events = append(events, ev)
			continue
		}
		for _, f := range o["frames"].([]any) {
			packets[f.(float64)] = true
		}
		keep := map[string]any{}
		for _, k := range []string{"msg_type", "time", "src", "dst", "dir", "length", "fields"} {
			keep[k] = o[k]
		}
		// A filtered capture may lack the OPEN_REQ that told the session
		// its layout: the re-read then detects it, with a note saying so.
		// The doctor's findings (cti.diag.*) are about the traffic around
		// a message, which a filtered capture lacks (heartbeats left out
		// make a silent client). Every other expert item must be the same.
		var expert []any
		for _, e := range o["expert"].([]any) {
			if code, _ := e.(map[string]any)["code"].(string); !strings.HasPrefix(code, "cti.layout.") && !strings.HasPrefix(code, diag.Prefix) {
				expert = append(expert, e)
			}
		}
		keep["expert"] = expert
		msgs = append(msgs, keep)
	}
	return msgs, packets, events
}

// TestWriteRoundTrip writes the packets of filtered messages with -w and
// checks that ctishark reads back exactly those messages (same bytes,
// times, endpoints), in the same order, and nothing else (no gap: the
// export renumbers the kept segments so each stream is contiguous), from
// pcap, pcapng and standard input; tshark, when installed, must open the
// files, count the same packets, find every TCP checksum right and no
// segment missing.
func TestWriteRoundTrip(t *testing.T) {
	capture, _ := sampleCapture(t)
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, expr := range []string{`cti.AgentID == "mlopez"`, `cti.msg_type == "HEARTBEAT_REQ" || cti.msg_type == "HEARTBEAT_CONF"`, `cti.msg_type matches "^CONFIG_"`, `cti.CallID == 16777563`} {
		want, packets := decoded(t, nil, "-Y", expr, capture)
		if len(want) == 0 {
			t.Fatalf("%s matches nothing", expr)
		}
		for i, name := range []string{"out.pcap", "out.pcapng", "stdin.pcap"} {
			out := filepath.Join(dir, name)
			args := []string{"-Y", expr, "-w", out, capture}
			var stdin []byte
			if i == 2 {
				args[len(args)-1], stdin = "-", raw
			}
			if r := run(t, false, stdin, args...); r.e != nil || r.out != "" {
				t.Fatalf("-w %s: %v %s %q", name, r.e, r.err, r.out)
			}
			got, _, events := decodedEvents(t, nil, out)
			if len(events) != 0 {
				t.Errorf("%s from %s: read back with events %v", expr, name, events)
			}
			if len(got) != len(want) {
				t.Fatalf("%s from %s: %d messages, want %d", expr, name, len(got), len(want))
			}
			for j := range got {
				if !reflect.DeepEqual(got[j], want[j]) {
					t.Fatalf("%s from %s: message %d\n got %v\nwant %v", expr, name, j+1, got[j], want[j])
				}
			}
			tsharkPackets(t, out, len(packets))
		}
	}
}

// tsharkPackets checks that tshark opens file and finds n packets, none
// with a wrong TCP checksum or after a segment not captured; it is skipped
// when tshark is not installed.
func tsharkPackets(t *testing.T, file string, n int) {
	t.Helper()
	path, err := exec.LookPath("tshark")
	if err != nil {
		return
	}
	out, err := exec.Command(path, "-n", "-r", file, "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "frame.number",
		"-e", "tcp.checksum.status", "-e", "tcp.analysis.lost_segment").Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", file, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("tshark reads %d packets from %s, want %d", len(lines), file, n)
	}
	for _, l := range lines {
		// checksum status 1 is good; the third column is set on a packet
		// after a hole.
		if f := strings.Split(l, "\t"); len(f) != 3 || f[1] != "1" || f[2] != "" {
			t.Fatalf("tshark on %s: packet %q (number, checksum status, lost segment)", file, l)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	capture, _ := sampleCapture(t)
	if r := run(t, false, nil, "-w", capture, capture); testutil.ExitCode(r.e) != 2 || !strings.Contains(r.e.Error(), "overwrite") {
		t.Errorf("-w onto the input: %v", r.e)
	}
	if r := run(t, true, nil, "-w", "-", capture); testutil.ExitCode(r.e) != 2 || !strings.Contains(r.e.Error(), "terminal") {
		t.Errorf("-w - on a terminal: %v", r.e)
	}
	// -w - into a pipe writes the capture to standard output.
	r := run(t, false, nil, "-Y", `cti.msg_type == "OPEN_REQ"`, "-w", "-", capture)
	if r.e != nil || !strings.HasPrefix(r.out, "\x4d\x3c\xb2\xa1") {
		t.Errorf("-w -: %v, output starts %q", r.e, r.out[:min(4, len(r.out))])
	}
	// An unreadable input is reported; the others are still written.
	out := filepath.Join(t.TempDir(), "o.pcap")
	r = run(t, false, nil, "-Y", `cti.msg_type == "OPEN_REQ"`, "-w", out, filepath.Join(t.TempDir(), "missing.pcap"), capture)
	if testutil.ExitCode(r.e) != 1 || !strings.Contains(r.err, "missing.pcap") {
		t.Errorf("missing input: exit %d %q", testutil.ExitCode(r.e), r.err)
	}
	if got, _ := decoded(t, nil, out); len(got) == 0 {
		t.Error("the readable capture was not written")
	}
}

// TestWriteHeuristicPort: on a port that is not a CTI server port the
// connection is recognised from its bytes; the filtered output, which
// lacks the handshake and the first messages, must still be recognised.
func TestWriteHeuristicPort(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:9000", 100, 900, t0)
	c.Handshake()
	for i := uint64(1); i <= 6; i++ {
		c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", i))
		c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", i))
	}
	capture := writeCapture(t, ctitest.Pcap(ctitest.Ethernet, c.Segs))
	const expr = "cti.InvokeID >= 4"
	want, _ := decoded(t, nil, "-Y", expr, capture)
	if len(want) != 6 {
		t.Fatalf("%d messages match %s in the original, want 6", len(want), expr)
	}
	out := filepath.Join(t.TempDir(), "o.pcap")
	if r := run(t, false, nil, "-Y", expr, "-w", out, capture); r.e != nil {
		t.Fatal(r.e, r.err)
	}
	got, _ := decoded(t, nil, out)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("re-read on port 9000: %d messages\n%v\nwant\n%v", len(got), got, want)
	}
}

// TestWriteTornMessage: a kept packet that also carries the head of a
// left-out message whose tail is in a packet of its own. Closing up that
// packet's bytes would splice the head onto the next kept message, so the
// export leaves that one hole (read back: one gap, then in sync again);
// the packet after it, holding a whole left-out message, is closed up.
func TestWriteTornMessage(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	two := testutil.Encode(t, "HEARTBEAT_REQ", 2)
	// Message 10 first: read back, the stream starts without its
	// handshake, and the framer syncs on a chain of two whole headers.
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 10))
	c.Send(true, append(testutil.Encode(t, "HEARTBEAT_REQ", 1), two[:5]...))
	c.Send(true, two[5:])
	for i := uint64(3); i <= 5; i++ {
		c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", i))
	}
	capture := writeCapture(t, ctitest.Pcap(ctitest.Ethernet, c.Segs))
	out := filepath.Join(t.TempDir(), "o.pcap")
	if r := run(t, false, nil, "-Y", "cti.InvokeID in {10 1 3 5}", "-w", out, capture); r.e != nil {
		t.Fatal(r.e, r.err)
	}
	// -T fields gives the gap and skipped events empty lines.
	r := run(t, false, nil, "-T", "fields", "-e", "cti.InvokeID", out)
	if r.e != nil || strings.Join(strings.Fields(r.out), " ") != "10 1 3 5" {
		t.Fatalf("read back: %v %q, want InvokeIDs 10 1 3 5\n%s", r.e, r.out, run(t, false, nil, "-V", out).out)
	}
	_, _, events := decodedEvents(t, nil, out)
	if gaps := slices.Index(events, "gap"); gaps < 0 || slices.Index(events[gaps+1:], "gap") >= 0 {
		t.Fatalf("read back with events %v, want one gap (before message 3)", events)
	}
}
