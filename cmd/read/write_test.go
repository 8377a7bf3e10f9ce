package read

import (
	"bytes"
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
		if o["event"] != nil {
			// Re-read, a filtered capture has holes in its TCP streams
			// where the other messages were: gap events, not messages.
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
	return msgs, packets
}

// TestWriteRoundTrip writes the packets of filtered messages with -w and
// checks that ctishark reads back exactly those messages (same bytes,
// times, endpoints) and nothing else, from pcap, pcapng and standard
// input; tshark, when installed, must open the files and count the same
// packets.
func TestWriteRoundTrip(t *testing.T) {
	capture, _ := sampleCapture(t)
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, expr := range []string{`cti.AgentID == "mlopez"`, `cti.msg_type == "HEARTBEAT_REQ" || cti.msg_type == "HEARTBEAT_CONF"`, `cti.msg_type matches "^CONFIG_"`} {
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
			got, _ := decoded(t, nil, out)
			// The same messages, in the same order on each connection.
			// Across connections the order may differ: the reassembler
			// waits up to HoleTimeout (3 s of capture time) for the
			// packets the filter left out before giving up on them, so a
			// message behind such a hole comes out a little later.
			if a, b := perConn(got), perConn(want); !reflect.DeepEqual(a, b) {
				t.Fatalf("%s from %s: per-connection order differs", expr, name)
			}
			sortMsgs(got)
			sortMsgs(want)
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

// perConn groups messages by connection, keeping their order.
func perConn(ms []map[string]any) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, m := range ms {
		a, b := m["src"].(string), m["dst"].(string)
		if b < a {
			a, b = b, a
		}
		out[a+" "+b] = append(out[a+" "+b], m)
	}
	return out
}

// sortMsgs orders messages by their JSON form (time first).
func sortMsgs(ms []map[string]any) {
	key := func(m map[string]any) string {
		b, _ := json.Marshal([]any{m["time"], m["src"], m["fields"], m["msg_type"]})
		return string(b)
	}
	slices.SortStableFunc(ms, func(a, b map[string]any) int { return strings.Compare(key(a), key(b)) })
}

// tsharkPackets checks that tshark opens file and finds n packets; it is
// skipped when tshark is not installed.
func tsharkPackets(t *testing.T, file string, n int) {
	t.Helper()
	path, err := exec.LookPath("tshark")
	if err != nil {
		return
	}
	out, err := exec.Command(path, "-n", "-r", file, "-T", "fields", "-e", "frame.number").Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", file, err)
	}
	if got := bytes.Count(out, []byte("\n")); got != n {
		t.Fatalf("tshark reads %d packets from %s, want %d", got, file, n)
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
