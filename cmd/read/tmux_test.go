package read

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTableInTmux runs the real binary in a real terminal (tmux) 80 and
// 200 columns wide and reads the screen back: on 80 columns every row is
// cut with … instead of wrapping, on 200 the Info column is whole. CI
// installs tmux (.ci/run); without it the test says so and skips.
func TestTableInTmux(t *testing.T) {
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (apt-get install tmux): the terminal width test needs it")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ctishark")
	if out, err := exec.Command(goBin, "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sample, err := filepath.Abs(sampleCap)
	if err != nil {
		t.Fatal(err)
	}
	const rows = 20
	for _, width := range []int{80, 200} {
		screen := runInTmux(t, tmux, dir, width, fmt.Sprintf("%s read --color never -c %d %s", bin, rows, sample))
		var lines []string
		for _, l := range strings.Split(screen, "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
			}
		}
		// Header, rule and one line per row: a wrapped row would add lines.
		if len(lines) != rows+2 {
			t.Fatalf("%d columns: %d lines on screen, want %d (header, rule, %d rows):\n%s", width, len(lines), rows+2, rows, screen)
		}
		if !strings.Contains(lines[0], "No.") || !strings.HasPrefix(strings.TrimSpace(lines[1]), "─") && !strings.HasPrefix(strings.TrimSpace(lines[1]), "-") {
			t.Errorf("%d columns: header %q, rule %q", width, lines[0], lines[1])
		}
		for i, l := range lines[2:] {
			if !strings.HasPrefix(strings.TrimSpace(l), fmt.Sprint(i+1)+" ") {
				t.Errorf("%d columns: line %d is not row %d: %q", width, i+3, i+1, l)
			}
			if n := len([]rune(l)); n > width {
				t.Errorf("%d columns: row %d is %d wide", width, i+1, n)
			}
		}
		first := lines[2]
		switch width {
		case 80:
			if !strings.HasSuffix(first, "…") {
				t.Errorf("80 columns: row 1 not cut with …: %q", first)
			}
		case 200:
			if strings.Contains(first, "…") || !strings.Contains(first, "[response #2, 7.928 ms]") {
				t.Errorf("200 columns: row 1 not whole: %q", first)
			}
		}
	}
}

// runInTmux runs cmd in a detached tmux session of the given width on a
// private server and returns the screen once cmd has finished.
func runInTmux(t *testing.T, tmux, dir string, width int, cmd string) string {
	t.Helper()
	sock := filepath.Join(dir, fmt.Sprintf("tmux-%d", width))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a safety net, not an assertion
	defer cancel()
	tm := func(args ...string) ([]byte, error) {
		c := exec.CommandContext(ctx, tmux, append([]string{"-S", sock, "-f", os.DevNull}, args...)...)
		c.Env = append(os.Environ(), "COLUMNS=", "LINES=")
		return c.CombinedOutput()
	}
	t.Cleanup(func() { tm("kill-server") })
	// The shell signals "done" after the command, then stays so the
	// screen can be read.
	script := cmd + "; tmux -S " + sock + " wait-for -S done; sleep 600"
	if out, err := tm("new-session", "-d", "-s", "t", "-x", fmt.Sprint(width), "-y", "100", script); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	if out, err := tm("wait-for", "done"); err != nil {
		t.Fatalf("tmux wait-for: %v\n%s", err, out)
	}
	out, err := tm("capture-pane", "-p", "-t", "t")
	if err != nil {
		t.Fatalf("tmux capture-pane: %v\n%s", err, out)
	}
	return string(out)
}
