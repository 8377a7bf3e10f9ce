package root

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/spf13/pflag"
)

// run executes the command tree with test streams and returns the exit code.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &factory.Factory{IOStreams: ios, Version: "test"}
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	return exitCode(f, cmd.Execute()), out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"version"}, 0, ""},
		{[]string{"read", "../../testdata/sample.pcap", "-c", "1"}, 0, ""},
		{[]string{"bogus"}, 2, "unknown command"},
		{[]string{"read", "--nope", "x.pcap"}, 2, "unknown flag"},
		{[]string{"read", "-T", "nonsense", "../../testdata/sample.pcap"}, 2, "nonsense"},
		{[]string{"read", "does-not-exist.pcap"}, 1, "does-not-exist.pcap"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", c.args, code, c.code, errOut)
		}
		if !strings.Contains(errOut, c.err) {
			t.Errorf("%v: stderr %q does not mention %q", c.args, errOut, c.err)
		}
	}
}

func TestSilentErrorKeepsItsCode(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	f := &factory.Factory{IOStreams: ios}
	if got := exitCode(f, &factory.SilentError{Code: 1}); got != 1 || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", got, errOut.String())
	}
	if got := exitCode(f, errors.New("boom")); got != 1 || !strings.Contains(errOut.String(), "boom") {
		t.Fatalf("plain error: exit %d, stderr %q", got, errOut.String())
	}
}

// tshark --version and -v habits print what `ctishark version` prints.
func TestVersionFlag(t *testing.T) {
	_, want, _ := run(t, "version")
	if !strings.HasPrefix(want, "ctishark test (go") {
		t.Fatalf("version: %q", want)
	}
	for _, flag := range []string{"--version", "-v"} {
		code, out, errOut := run(t, flag)
		if code != 0 || out != want {
			t.Errorf("%s: exit %d, %q (stderr %q), want %q", flag, code, out, errOut, want)
		}
	}
}

// A number flag given text says so plainly, not in strconv's words.
func TestNumberFlagErrors(t *testing.T) {
	code, _, errOut := run(t, "read", "-c", "abc", "x.pcap")
	if code != 2 || !strings.Contains(errOut, `invalid argument "abc" for "-c, --count" flag: want a number`) || strings.Contains(errOut, "strconv") {
		t.Errorf("-c abc: exit %d, %q", code, errOut)
	}
}

// Shell completion offers the values of -T, -t, --color and -e.
func TestFlagValueCompletion(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"read", "-T", ""}, []string{"table", "tree", "jsonl", "ek", "psml", "fields"}},
		{[]string{"read", "-t", ""}, []string{"r", "a", "ad", "d", "dd", "e", "u", "ud"}},
		{[]string{"read", "--color", ""}, []string{"auto", "always", "never"}},
		{[]string{"read", "-e", "cti.AgentSt"}, []string{"cti.AgentState"}},
		{[]string{"calls", "-T", ""}, []string{"table", "json", "csv"}},
		{[]string{"ladder", "-T", ""}, []string{"text", "svg", "json"}},
	} {
		_, out, _ := run(t, append([]string{"__complete"}, c.args...)...)
		lines := strings.Split(out, "\n")
		for _, w := range c.want {
			if !slices.Contains(lines, w) {
				t.Errorf("%v: no %q among\n%s", c.args, w, out)
			}
		}
	}
}

// Flag help has no stray backticks: pflag takes the first pair as the
// value's name, any other pair would print as is.
func TestFlagHelpBackticks(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	root := NewCmdRoot(&factory.Factory{IOStreams: ios, Version: "test"})
	for _, c := range root.Commands() {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if _, usage := pflag.UnquoteUsage(f); strings.Contains(usage, "`") {
				t.Errorf("%s --%s: %q", c.Name(), f.Name, usage)
			}
		})
	}
}
