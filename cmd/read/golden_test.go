package read

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// views are the outputs pinned by golden files.
var views = []struct {
	name string
	tty  bool
	args []string
}{
	{"table-tty", true, []string{"--color", "never"}},
	{"table-pipe", false, nil},
	{"tree", false, []string{"-V"}},
	{"tree-x", false, []string{"-V", "-x"}},
	{"json", false, []string{"-T", "json"}},
	{"jsonl", false, []string{"-T", "jsonl"}},
	// On a terminal colour is on by default: failures and expert errors in
	// red, warnings in yellow, heartbeats dim. JSON must stay plain.
	{"table-tty-color", true, nil},
	{"tree-tty", true, []string{"-V"}},
}

// checkGolden compares got with testdata/name.golden, rewriting it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/read -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test ./cmd/read -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d", path, len(gl), len(wl))
	}
}

// TestGoldenSynthetic pins every view on a capture built by the test: a
// short agent session with a split frame, two frames in a segment, a
// failure, an unknown tag and a lost segment.
func TestGoldenSynthetic(t *testing.T) {
	p := writeCapture(t, agentSession(t))
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			r := run(t, v.tty, nil, append(v.args, p)...)
			if r.e != nil {
				t.Fatal(r.e, r.err)
			}
			checkGolden(t, "synthetic-"+v.name, r.out)
		})
	}
}

// Machine output does not depend on the terminal: jsonl on a TTY is the
// pipe's, byte for byte (it used to be pinned by copies of the goldens).
func TestJSONLSameOnATerminal(t *testing.T) {
	for _, p := range []string{writeCapture(t, agentSession(t)), samplePath(t)} {
		tty, pipe := run(t, true, nil, "-T", "jsonl", p), run(t, false, nil, "-T", "jsonl", p)
		if tty.e != nil || pipe.e != nil || tty.out != pipe.out || pipe.out == "" {
			t.Errorf("%s: jsonl differs on a terminal (%v, %v)", p, tty.e, pipe.e)
		}
	}
}

func samplePath(t *testing.T) string {
	p := filepath.Join("..", "..", "testdata", "sample.pcap")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("testdata/sample.pcap is not there yet (generate it with ctishark gen): %v", err)
	}
	return p
}

// TestSampleViews pins every view of the repository's sample capture
// (testdata/sample.pcap, written by ctishark gen) by line count and
// SHA-256 in one small file, testdata/sample-views.sums: the full outputs
// (3.6 MB) are no review material. Any change shows as a changed line
// there; the synthetic goldens and TestSampleLines say what changed.
func TestSampleViews(t *testing.T) {
	p := samplePath(t)
	var b strings.Builder
	for _, v := range views {
		r := run(t, v.tty, nil, append(v.args, p)...)
		if r.e != nil {
			t.Fatal(v.name, r.e, r.err)
		}
		fmt.Fprintf(&b, "%-16s %6d lines %8d bytes sha256 %x\n", v.name, strings.Count(r.out, "\n"), len(r.out), sha256.Sum256([]byte(r.out)))
	}
	checkGolden(t, "sample-views", b.String())
}

// TestSampleLines pins, on the sample, lines a person can check against
// the capture: the session's first request and its answer, the caller of
// the abandoned call hanging up while it rang, the conference, the masked
// passwords (one per OPEN_REQ), and the JSON document's shape. (The
// synthetic goldens pin how a failure is shown: the sample has none.)
func TestSampleLines(t *testing.T) {
	p := samplePath(t)
	table := run(t, false, nil, p).out
	for _, want := range []string{
		"      1    0.006779     10.10.40.21:53984 → 10.10.20.5:42027      OPEN_REQ                                    1 v13 bridge mode client CCX-Wallboard-01 idle 100s [response #2, 7.928 ms]\n",
		"      2    0.014707      10.10.20.5:42027 → 10.10.40.21:53984     OPEN_CONF                                   1 bridge mode granted agent state UNKNOWN CCX online [request #1, 7.928 ms]\n",
		"    241  182.628903      10.10.20.5:42027 → 10.10.30.13:61262     CALL_CONNECTION_CLEARED_EVENT   call 16777566 dev 6178977088 LCS_NULL CEC_CALL_NOT_ANSWERED released by 6178977088\n",
		"    319  235.599710      10.10.20.5:42027 → 10.10.30.12:51032     CALL_CONFERENCED_EVENT          call 16777569 + call 16777571 3 parties LCS_CONNECT CEC_NONE controller 1002 added 1003\n",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	if n := strings.Count(table, "\n"); n != 395 {
		t.Errorf("table: %d rows, want the sample's 395 messages", n)
	}
	tree := run(t, false, nil, "-V", p).out
	if n := strings.Count(tree, "ClientPassword: ********"); n != 4 || strings.Count(tree, "AgentPassword: ********") == 0 {
		t.Errorf("tree: %d masked ClientPasswords", n)
	}
	var doc []struct {
		Num int `json:"num"`
	}
	if err := json.Unmarshal([]byte(run(t, false, nil, "-T", "json", p).out), &doc); err != nil || len(doc) != 395 {
		t.Fatalf("json: %d messages, %v", len(doc), err)
	}
	for i, m := range doc {
		if m.Num != i+1 {
			t.Fatalf("json message %d has num %d", i+1, m.Num)
		}
	}
}
