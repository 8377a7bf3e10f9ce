package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
)

// TestReadmeTour runs every "$ ctishark ..." example of the README (from
// the repository root, output to a pipe) and compares what it prints,
// standard output then standard error, with what the README shows under it.
// A path under /tmp/ in an example (a capture gen writes for the next
// examples) is a file of the test's own temporary directory.
func TestReadmeTour(t *testing.T) {
	tmp := t.TempDir()
	// The README shows times in UTC, whatever the machine's zone.
	defer func(l *time.Location) { time.Local = l }(time.Local)
	time.Local = time.UTC
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if err := os.Chdir(root); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	n := 0
	for _, ex := range readmeExamples(string(b)) {
		n++
		args, ok := shellWords(ex.cmd)
		if !ok || len(args) == 0 || args[0] != "ctishark" {
			t.Errorf("cannot run %q", ex.cmd)
			continue
		}
		for i, a := range args {
			if rest, ok := strings.CutPrefix(a, "/tmp/"); ok {
				args[i] = filepath.Join(tmp, rest)
			}
		}
		ios, _, out, errOut := iostreams.Test()
		f := &factory.Factory{IOStreams: ios, Version: "test"}
		cmd := NewCmdRoot(f)
		cmd.SetArgs(args[1:])
		exitCode(f, cmd.Execute())
		got := strings.ReplaceAll(out.String()+errOut.String(), tmp+string(filepath.Separator), "/tmp/")
		if got != ex.want {
			t.Errorf("README: $ %s\nprints:\n%s\nREADME shows:\n%s", ex.cmd, got, ex.want)
		}
	}
	if n < 5 {
		t.Errorf("only %d examples found in the README", n)
	}
}

type example struct{ cmd, want string }

// readmeExamples finds, in the README's plain ``` blocks, each "$ " line
// (with "\" continuations) and the lines up to the next "$ " or the end.
func readmeExamples(s string) []example {
	var out []example
	inBlock := false
	var cur *example
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case l == "```":
			if inBlock {
				flush()
			}
			inBlock = !inBlock
		case strings.HasPrefix(l, "```"):
			inBlock = false // sh, yaml...: not a transcript
			for i++; i < len(lines) && lines[i] != "```"; i++ {
			}
		case inBlock && strings.HasPrefix(l, "$ "):
			flush()
			c := strings.TrimPrefix(l, "$ ")
			for strings.HasSuffix(c, "\\") && i+1 < len(lines) {
				i++
				c = strings.TrimSuffix(c, "\\") + " " + strings.TrimSpace(lines[i])
			}
			cur = &example{cmd: c}
		case inBlock && cur != nil:
			cur.want += l + "\n"
		}
	}
	return out
}

// shellWords splits a command line as sh would for the README's needs:
// spaces, single and double quotes.
func shellWords(s string) ([]string, bool) {
	var words []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			w.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words, quote == 0
}
