// Package testutil holds the helpers the command tests share: a generated
// capture on disk with its known answers, a command run through test
// streams, and a small encoded message. Only _test.go files import it.
package testutil

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/spf13/cobra"
)

// Capture writes the capture gen makes from cfg to c.pcap in a temporary
// directory of the test and returns its path, its bytes and what gen says
// it holds.
func Capture(t testing.TB, cfg gen.Config) (path string, data []byte, res gen.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "c.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes(), res
}

// Exec runs the command newCmd builds (with its real run function) on
// args, through iostreams.Test streams, and returns what it wrote to
// standard output and standard error and the error it returned. Cobra's
// own error and usage printing is off: the error is returned, not printed.
func Exec[O any](t testing.TB, newCmd func(*factory.Factory, func(*O) error) *cobra.Command, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	cmd := newCmd(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

// Encode returns the wire bytes (1+1 floating-field layout) of message
// type name with only its InvokeID set: enough for heartbeats and other
// requests and confirms whose pairing a test is about.
func Encode(t testing.TB, name string, invoke uint64) []byte {
	t.Helper()
	d := dissect.LookupName(name)
	if d == nil {
		t.Fatalf("no message type %s", name)
	}
	m := dissect.NewMessage(d)
	if err := m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, invoke)); err != nil {
		t.Fatal(err)
	}
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ExitCode is the process exit code an error from a command maps to: 0
// for none, 2 for a usage error, a SilentError's own code, else 1.
func ExitCode(err error) int {
	var u *factory.UsageError
	var s *factory.SilentError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return factory.ExitUsage
	case errors.As(err, &s):
		return s.Code
	}
	return 1
}

// SameOutput runs every argument list, followed by each capture, through
// two builds of one command (a and b) and fails the test where what they
// write, or whether they fail, differs: for a view computed two ways (a
// partial decode and a whole one) that must show the same bytes.
func SameOutput[O any](t testing.TB, a, b func(*factory.Factory, func(*O) error) *cobra.Command, views [][]string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		for _, v := range views {
			args := append(append([]string(nil), v...), path)
			aOut, aErr, errA := Exec(t, a, args...)
			bOut, bErr, errB := Exec(t, b, args...)
			if aOut != bOut || aErr != bErr || (errA == nil) != (errB == nil) {
				t.Fatalf("%v: the two differ:\n%.3000s\n%s\nand:\n%.3000s\n%s", args, aOut, aErr, bOut, bErr)
			}
		}
	}
}

// Tweaked is newCmd running run after tweak has changed its options: the
// command as a test needs it (a knob no flag sets), for Exec and
// SameOutput.
func Tweaked[O any](newCmd func(*factory.Factory, func(*O) error) *cobra.Command, run func(*O) error, tweak func(*O)) func(*factory.Factory, func(*O) error) *cobra.Command {
	return func(f *factory.Factory, _ func(*O) error) *cobra.Command {
		return newCmd(f, func(o *O) error {
			tweak(o)
			return run(o)
		})
	}
}
