// Package iostreams carries the standard streams a command writes to, and
// what is known about them (TTY or not, colour wanted or not), so commands
// can be tested with buffers in place of a terminal.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/mattn/go-isatty"
)

// IOStreams are a command's input, output and error streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	colorMode             string // auto, always, never
	noColorEnv            bool   // NO_COLOR set
	termWidth             int
}

// System returns the process's own streams.
func System() *IOStreams {
	_, noColor := os.LookupEnv("NO_COLOR")
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, colorMode: "auto", noColorEnv: noColor}
	s.inTTY = isTerminal(os.Stdin)
	s.outTTY = isTerminal(os.Stdout)
	s.errTTY = isTerminal(os.Stderr)
	if os.Getenv("TERM") == "dumb" {
		s.noColorEnv = true
	}
	if s.outTTY {
		s.termWidth = widthOf(os.Stdout, os.Getenv("COLUMNS"))
	}
	return s
}

// widthOf is the terminal's width: $COLUMNS when set to a number (a user
// narrowing the output, or a terminal the ioctl cannot see), else what
// the terminal reports.
func widthOf(f *os.File, columns string) int {
	if n, err := strconv.Atoi(columns); err == nil && n > 0 {
		return n
	}
	return terminalWidth(f)
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// Test returns streams backed by buffers, none of them a TTY.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, colorMode: "auto"}, in, out, errOut
}

// IsStdinTTY reports whether input comes from a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.inTTY }

// IsStdoutTTY reports whether output goes to a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// IsStderrTTY reports whether errors go to a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// SetStdoutTTY pretends output is (or is not) a terminal; for tests.
func (s *IOStreams) SetStdoutTTY(v bool) { s.outTTY = v }

// SetStderrTTY pretends errors go (or do not go) to a terminal; for tests.
func (s *IOStreams) SetStderrTTY(v bool) { s.errTTY = v }

// SetNoColorEnv pretends NO_COLOR is (or is not) set; for tests.
func (s *IOStreams) SetNoColorEnv(v bool) { s.noColorEnv = v }

// SetColorMode sets --color: auto, always or never.
func (s *IOStreams) SetColorMode(mode string) error {
	switch mode {
	case "auto", "always", "never":
		s.colorMode = mode
		return nil
	}
	return fmt.Errorf("--color must be auto, always or never, not %q", mode)
}

// ColorEnabled reports whether output may carry colour: as --color says
// when it says always or never (a flag typed wins over the environment),
// else (auto) only on a terminal and not with NO_COLOR or TERM=dumb.
func (s *IOStreams) ColorEnabled() bool {
	switch {
	case s.colorMode == "never":
		return false
	case s.colorMode == "always":
		return true
	case s.noColorEnv:
		return false
	}
	return s.outTTY
}

// TerminalWidth is the output terminal's width, 0 when unknown or not a TTY.
func (s *IOStreams) TerminalWidth() int { return s.termWidth }

// SetTerminalWidth records the terminal width; for tests and for callers that measured it.
func (s *IOStreams) SetTerminalWidth(w int) { s.termWidth = w }
