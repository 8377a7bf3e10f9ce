package read

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// read -w leaves an existing output alone when no input can be read as a
// capture (missing, or not a capture): it is opened only once an input
// is known readable, as tshark does.
func TestWriteKeepsOutputWhenInputBad(t *testing.T) {
	dir := t.TempDir()
	notCapture := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notCapture, []byte("just some text, not a capture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, input := range map[string]string{"missing input": filepath.Join(dir, "missing.pcap"), "not a capture": notCapture} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(dir, "keep.pcap")
			const before = "precious bytes the user wrote earlier"
			if err := os.WriteFile(out, []byte(before), 0o644); err != nil {
				t.Fatal(err)
			}
			r := run(t, false, nil, "-w", out, input)
			if testutil.ExitCode(r.e) != 1 || r.err == "" {
				t.Errorf("exit %d, stderr %q; want 1 and a message", testutil.ExitCode(r.e), r.err)
			}
			if got, _ := os.ReadFile(out); string(got) != before {
				t.Errorf("output changed to %q", got)
			}
		})
	}
	t.Run("no output created", func(t *testing.T) {
		out := filepath.Join(dir, "new.pcap")
		run(t, false, nil, "-w", out, filepath.Join(dir, "missing.pcap"))
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("output exists after a failed read: %v", err)
		}
	})
}

// An output that is an input under another name (a symbolic or a hard
// link) is refused like the same name, and the input is left whole.
func TestWriteRefusesInputThroughLinks(t *testing.T) {
	capture, _ := sampleCapture(t)
	orig, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sym, hard := filepath.Join(dir, "sym.pcap"), filepath.Join(dir, "hard.pcap")
	if err := os.Symlink(capture, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(capture, hard); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	for _, out := range []string{capture, sym, hard} {
		r := run(t, false, nil, "-w", out, capture)
		if testutil.ExitCode(r.e) != 2 || !strings.Contains(r.e.Error(), "would overwrite") {
			t.Errorf("-w %s: %v", filepath.Base(out), r.e)
		}
	}
	if got, _ := os.ReadFile(capture); string(got) != string(orig) {
		t.Error("the input capture changed")
	}
}
