package read

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/iostreams"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func init() {
	// Absolute times in goldens must not depend on the machine's zone.
	time.Local = time.UTC
}

type result struct {
	out, err string
	e        error
}

// run executes `read` through NewCmdRead and the real readRun.
func run(t *testing.T, tty bool, stdin []byte, args ...string) result {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	in.Write(stdin)
	cmd := NewCmdRead(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	e := cmd.Execute()
	return result{out.String(), errOut.String(), e}
}

// writeCapture stores b as a capture file in a temporary directory.
func writeCapture(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.pcap")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFlagsResolve(t *testing.T) {
	var got *ReadOptions
	ios, _, _, _ := iostreams.Test()
	cmd := NewCmdRead(&factory.Factory{IOStreams: ios}, func(o *ReadOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-V", "-x", "-t", "delta", "-c", "3", "-p", "42028", "-p", "9000,9001", "--cti-version", "18", "--float-header", "2+1", "a.pcap", "b.pcap"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	v := got.View
	if v.View != "tree" || !v.Hex || v.TimeFormat != "delta" || v.Count != 3 || v.CTIVersion != 18 || v.Layout.String() != "2+1" {
		t.Errorf("resolved options: %+v", v)
	}
	if want := []uint16{42028, 9000, 9001}; len(v.PortList) != 3 || v.PortList[0] != want[0] || v.PortList[2] != want[2] {
		t.Errorf("ports = %v, want %v", v.PortList, want)
	}
	if strings.Join(got.Files, " ") != "a.pcap b.pcap" {
		t.Errorf("files = %v", got.Files)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-T", "xml", "a.pcap"},
		{"-t", "later", "a.pcap"},
		{"-p", "70000", "a.pcap"},
		{"--float-header", "3+3", "a.pcap"},
		{"--color", "sometimes", "a.pcap"},
		{"-T", "json", "-V", "a.pcap"},
		{"-c", "-1", "a.pcap"},
		{"-", "-"},
	} {
		r := run(t, false, nil, args...)
		if testutil.ExitCode(r.e) != 2 {
			t.Errorf("%q: exit %d (%v), want 2", args, testutil.ExitCode(r.e), r.e)
		}
	}
}

func TestMissingFile(t *testing.T) {
	r := run(t, false, nil, filepath.Join(t.TempDir(), "nope.pcap"))
	if testutil.ExitCode(r.e) != 1 || !strings.Contains(r.err, "nope.pcap") {
		t.Errorf("exit %d, stderr %q", testutil.ExitCode(r.e), r.err)
	}
}

func TestNotACapture(t *testing.T) {
	r := run(t, false, nil, writeCapture(t, []byte("hello, this is not a capture")))
	if testutil.ExitCode(r.e) != 1 || !strings.Contains(r.err, "not a pcap or pcapng capture") {
		t.Errorf("exit %d, stderr %q", testutil.ExitCode(r.e), r.err)
	}
}

// A capture cut in the middle of a packet: what came before is printed,
// the damage is reported, the exit code is 1.
func TestTruncatedCapture(t *testing.T) {
	full := agentSession(t)
	cut := full[:len(full)-30]
	r := run(t, false, nil, "-T", "jsonl", writeCapture(t, cut))
	if testutil.ExitCode(r.e) != 1 {
		t.Fatalf("exit %d, want 1", testutil.ExitCode(r.e))
	}
	if !strings.Contains(r.err, "truncated") {
		t.Errorf("stderr %q does not say the capture is truncated", r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if len(lines) < 10 {
		t.Errorf("only %d records printed before the damage", len(lines))
	}
}

func TestStdin(t *testing.T) {
	r := run(t, false, agentSession(t), "-c", "2", "-")
	if r.e != nil {
		t.Fatal(r.e, r.err)
	}
	if n := strings.Count(r.out, "\n"); n != 2 {
		t.Errorf("-c 2 printed %d lines:\n%s", n, r.out)
	}
}

func TestCountStopsEarly(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	r := run(t, false, nil, "-T", "jsonl", "-c", "3", p, p)
	if r.e != nil {
		t.Fatal(r.e)
	}
	if n := strings.Count(r.out, "\n"); n != 3 {
		t.Errorf("got %d records, want 3", n)
	}
}

// Two files are read one after the other: messages and streams keep counting.
func TestMultipleFiles(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	r := run(t, false, nil, "-T", "jsonl", p, p)
	if r.e != nil {
		t.Fatal(r.e)
	}
	var last struct{ Num, Stream int }
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Stream != 1 || last.Num != 2*15 {
		t.Errorf("last record: num %d stream %d, want 30 and 1", last.Num, last.Stream)
	}
}

func TestSecretsMasked(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	for _, args := range [][]string{{}, {"-V"}, {"-x"}, {"-T", "json"}, {"-T", "jsonl"}} {
		r := run(t, false, nil, append(args, p)...)
		if r.e != nil {
			t.Fatal(r.e)
		}
		for _, secret := range []string{"hunter2", "s3cret", "68756e74657232" /* hunter2 in hex */, "68 75 6e"} {
			if strings.Contains(r.out, secret) {
				t.Errorf("%v: output shows the secret %q", args, secret)
			}
		}
		shown := run(t, false, nil, append(append(args, "--show-secrets"), p)...)
		if (len(args) > 0) && !strings.Contains(shown.out, "s3cret") && !strings.Contains(shown.out, "hunter2") && !strings.Contains(shown.out, "68756e74657232") {
			t.Errorf("%v --show-secrets: secrets not shown", args)
		}
	}
}

func TestColor(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	plain := run(t, true, nil, "--color", "never", p)
	if strings.Contains(plain.out, "\x1b[") {
		t.Error("--color never wrote escape codes")
	}
	col := run(t, false, nil, "--color", "always", p)
	if !strings.Contains(col.out, "\x1b[31m") { // CONTROL_FAILURE_CONF in red
		t.Errorf("--color always: no red in\n%s", col.out)
	}
	pipe := run(t, false, nil, p)
	if strings.Contains(pipe.out, "\x1b[") {
		t.Error("colour written to a pipe under --color auto")
	}
}

func TestJSONIsValid(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	r := run(t, false, nil, "-T", "json", p)
	var arr []map[string]any
	if err := json.Unmarshal([]byte(r.out), &arr); err != nil {
		t.Fatalf("json view is not JSON: %v\n%s", err, r.out)
	}
	rl := run(t, false, nil, "-T", "jsonl", p)
	lines := strings.Split(strings.TrimSpace(rl.out), "\n")
	if len(lines) != len(arr) {
		t.Fatalf("json has %d records, jsonl %d", len(arr), len(lines))
	}
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		a, _ := json.Marshal(arr[i])
		b, _ := json.Marshal(obj)
		if !bytes.Equal(a, b) {
			t.Errorf("record %d differs between json and jsonl", i)
		}
	}
	// Empty output is still a valid array.
	empty := newCapture(captureStart)
	r = run(t, false, nil, "-T", "json", writeCapture(t, empty.bytes()))
	if strings.TrimSpace(r.out) != "[]" {
		t.Errorf("empty capture: %q", r.out)
	}
}

// The request/confirm pairing, the gap and the unknown tag show in the table.
func TestTableContent(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	r := run(t, false, nil, p)
	for _, want := range []string{
		"agent 1001 (ext 1001) READY reason AGT_LOGON",
		"call 16777217 ANI 4085551234 DNIS 5000 dialed 5000 CallType CALLTYPE_CCX_IN",
		"CF_INVALID_CSTA_CONNECTION_ID CCX_AGENT_DEVICE_BUSY \"device busy\" [request #8, 4.000 ms]",
		"[gap]",
		"[warning: FieldDataID 250 is not in the catalog",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("table lacks %q:\n%s", want, r.out)
		}
	}
}

// Reading standard input is live: even on a terminal the table streams.
func TestStdinStreamsOnTTY(t *testing.T) {
	r := run(t, true, agentSession(t), "--color", "never", "-c", "1", "-")
	if strings.Contains(r.out, "No.") || !strings.Contains(r.out, " → ") {
		t.Errorf("stdin on a TTY did not stream:\n%s", r.out)
	}
}

// A server on another port: found by the heuristics, or with -p; not
// with --no-heuristics alone.
func TestPortsAndHeuristics(t *testing.T) {
	c := newCapture(captureStart)
	c.sport = 9999
	c.handshake()
	c.send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "ServicesRequested", 1}, "ClientID", "x", "ClientPassword", []byte("p")), time.Millisecond)
	c.send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 1}), time.Millisecond)
	c.send(true, msg(t, "HEARTBEAT_REQ", []any{"InvokeID", 2}), time.Millisecond)
	c.send(false, msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 2}), time.Millisecond)
	p := writeCapture(t, c.bytes())
	count := func(args ...string) int {
		r := run(t, false, nil, append(append([]string{"-T", "jsonl"}, args...), p)...)
		if r.e != nil {
			t.Fatal(r.e, r.err)
		}
		return strings.Count(r.out, `"msg_type"`)
	}
	if n := count(); n != 4 {
		t.Errorf("heuristics: %d messages, want 4", n)
	}
	if n := count("--no-heuristics"); n != 0 {
		t.Errorf("--no-heuristics: %d messages, want 0", n)
	}
	if n := count("--no-heuristics", "-p", "9999"); n != 4 {
		t.Errorf("-p 9999 --no-heuristics: %d messages, want 4", n)
	}
}

// --cti-version and --float-header reach the decoder.
func TestForcedVersion(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	// Version 20 settles the layout (UCCE's 2+2); version 18 does not
	// (UCCX 2+1, UCCE 1+1), so this capture's 1+1 bytes decide it.
	r := run(t, false, nil, "-T", "jsonl", "-c", "1", "--cti-version", "20", p)
	if !strings.Contains(r.out, `"session":{"version":20,"layout":"2+2","layout_source":"version"`) {
		t.Errorf("forced version not used: %s", r.out)
	}
	r = run(t, false, nil, "-T", "jsonl", "-c", "3", "--cti-version", "18", p)
	if !strings.Contains(r.out, `"session":{"version":18,"layout":"1+1","layout_source":"detected"`) {
		t.Errorf("version 18 left the layout to the bytes: %s", r.out)
	}
	r = run(t, false, nil, "-T", "jsonl", "-c", "1", "--float-header", "1+1", p)
	if !strings.Contains(r.out, `"layout":"1+1","layout_source":"forced"`) {
		t.Errorf("forced layout not used: %s", r.out)
	}
}

// tshark users name the capture with -r; it reads the same as an argument.
func TestReadFileFlag(t *testing.T) {
	byArg := run(t, false, nil, "-c", "5", sampleCap)
	byFlag := run(t, false, nil, "-c", "5", "-r", sampleCap)
	if byArg.e != nil || byFlag.e != nil {
		t.Fatalf("errors: %v / %v", byArg.e, byFlag.e)
	}
	if byFlag.out == "" || byFlag.out != byArg.out {
		t.Errorf("-r FILE differs from FILE:\n%s\n---\n%s", byFlag.out, byArg.out)
	}
	if r := run(t, false, nil); r.e == nil || !strings.Contains(r.e.Error(), "-r FILE") {
		t.Errorf("no file: %v", r.e)
	}
}

// -t d counts from the previous message decoded, -t dd from the previous
// one shown: with -Y they differ, without it they agree.
func TestDeltaDecodedVersusShown(t *testing.T) {
	const flt = "cti.msg_type == AGENT_STATE_EVENT"
	times := func(args ...string) []string {
		r := run(t, false, nil, append([]string{"-Y", flt}, append(args, sampleCap)...)...)
		if r.e != nil {
			t.Fatal(r.e)
		}
		var col []string
		for _, l := range strings.Split(strings.TrimSpace(r.out), "\n") {
			col = append(col, strings.Fields(l)[1])
		}
		return col
	}
	dd, dec := times("-t", "dd"), times("-t", "d")
	if len(dd) < 3 || len(dd) != len(dec) {
		t.Fatalf("rows: %d / %d", len(dd), len(dec))
	}
	// The first message shown has no previous one shown, but messages
	// were decoded before it.
	if dd[0] != "0.000000" || dec[0] == "0.000000" {
		t.Errorf("-t dd %v, -t d %v: want dd 0 and d not on the first row", dd[:3], dec[:3])
	}
	for i := 1; i < len(dd); i++ {
		a, _ := strconv.ParseFloat(dec[i], 64)
		b, _ := strconv.ParseFloat(dd[i], 64)
		if a > b {
			t.Errorf("row %d: since the previous decoded (%s) longer than since the previous shown (%s)", i, dec[i], dd[i])
		}
	}
}

var sampleCap = filepath.Join("..", "..", "testdata", "sample.pcap")

// -x alone is tshark's packet list with the bytes after each row; -V -x
// the tree with them; -x with a machine view is refused.
func TestHexWithPacketList(t *testing.T) {
	r := run(t, true, nil, "-x", "-c", "2", sampleCap)
	if r.e != nil {
		t.Fatal(r.e)
	}
	lines := strings.Split(r.out, "\n")
	if !strings.HasPrefix(strings.TrimLeft(lines[0], " "), "1 ") || !strings.Contains(lines[0], "OPEN_REQ") || lines[1] != "" || !strings.HasPrefix(lines[2], "0000  00 00 ") {
		t.Fatalf("-x: want row 1, a blank line, then the dump:\n%s", r.out)
	}
	second := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, " "), "2 ") {
			second = i
		}
	}
	if second < 0 || lines[second-1] != "" || !strings.HasPrefix(lines[second+2], "0000  ") || strings.Contains(r.out, "Header") {
		t.Errorf("-x: row 2 not after a blank line and before its dump, or a tree shown:\n%s", r.out)
	}
	tree := run(t, false, nil, "-V", "-x", "-c", "1", sampleCap)
	if !strings.Contains(tree.out, "Header") || !strings.Contains(tree.out, "\n0000  00 00 ") {
		t.Errorf("-V -x: %s", tree.out)
	}
	if r := run(t, false, nil, "-x", "-T", "json", sampleCap); testutil.ExitCode(r.e) != 2 {
		t.Errorf("-x -T json: %v", r.e)
	}
}

// A directory is said to be one, not "not a pcap or pcapng capture".
func TestReadDirectory(t *testing.T) {
	dir := t.TempDir()
	r := run(t, false, nil, dir)
	if r.e == nil || !strings.Contains(r.err+r.e.Error(), "is a directory") || strings.Contains(r.err, "not a pcap") {
		t.Errorf("directory: %v %q", r.e, r.err)
	}
}
