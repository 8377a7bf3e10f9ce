package read

import (
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
	{"jsonl-tty", true, []string{"-T", "jsonl"}},
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

// TestGoldenSample pins every view on the repository's sample capture
// (testdata/sample.pcap, written by ctishark gen).
func TestGoldenSample(t *testing.T) {
	p := filepath.Join("..", "..", "testdata", "sample.pcap")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("testdata/sample.pcap is not there yet (generate it with ctishark gen): %v", err)
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			r := run(t, v.tty, nil, append(v.args, p)...)
			if r.e != nil {
				t.Fatal(r.e, r.err)
			}
			checkGolden(t, "sample-"+v.name, r.out)
		})
	}
}
