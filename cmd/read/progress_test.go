package read

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/progress"
	"github.com/ctishark/ctishark/cmd/iostreams"
)

// A large file read into a pipe gets a progress bar on a terminal stderr,
// erased at the end; rows printed on the same terminal get none.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	cfg := gen.Config{Seed: 3, Connections: 20, TargetBytes: progress.MinSize + 1<<20}
	if _, err := gen.Generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	path := writeCapture(t, buf.Bytes())
	for _, stdoutTTY := range []bool{false, true} {
		ios, _, out, errOut := iostreams.Test()
		ios.SetStdoutTTY(stdoutTTY)
		ios.SetStderrTTY(true)
		cmd := NewCmdRead(&factory.Factory{IOStreams: ios}, nil)
		cmd.SetArgs([]string{"-T", "jsonl", path})
		cmd.SetOut(out)
		cmd.SetErr(errOut)
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		bar := strings.Contains(errOut.String(), "messages") && strings.HasSuffix(errOut.String(), "\r\x1b[K")
		if bar == stdoutTTY {
			t.Errorf("stdout TTY %v: bar shown %v; stderr %q", stdoutTTY, bar, tail(errOut.String()))
		}
		if out.Len() == 0 {
			t.Fatal("no output")
		}
	}
}

func tail(s string) string {
	if len(s) > 200 {
		return s[len(s)-200:]
	}
	return s
}
