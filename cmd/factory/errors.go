package factory

import "fmt"

// Exit codes, documented in the README.
const (
	ExitOK    = 0 // success
	ExitError = 1 // runtime or input error
	ExitUsage = 2 // bad flags or arguments
)

// UsageError marks an error in how the command was called (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef makes a UsageError from a format and its arguments, as
// fmt.Errorf does (vet checks the calls; %w wraps).
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitCoder lets a command choose its exit code (e.g. check's 1 for a failed
// assertion) while still printing a message.
type ExitCoder interface{ ExitCode() int }

// SilentError ends the command with a code and no further message: the
// command already said what went wrong.
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return "" }
func (e *SilentError) ExitCode() int { return e.Code }
