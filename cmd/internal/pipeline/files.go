package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ctishark/ctishark/reassembly"
)

// Inputs are the captures named on a command line.
type Inputs struct {
	Names []string  // file names; "-" is Stdin
	Stdin io.Reader // read for "-"

	// Open opens a named file; nil = reassembly.OpenFile. Commands that
	// show progress pass an opener that counts the bytes read.
	Open func(name string) (*reassembly.Source, error)

	// OnError is told about a file that could not be opened or ended in
	// damage (everything before the damage has been handed out); reading
	// goes on with the next file. Nil discards.
	OnError func(name string, err error)

	// OnWarning is told what a file's packets lost without a record saying
	// so (packets not decoded, IP datagrams dropped); it does not make the
	// read fail. Nil discards.
	OnWarning func(name, warning string)
}

// Warn hands the pipeline's warnings about the file it read last to
// in.OnWarning (ReadFiles does so after each file; readers that drive
// Pipeline.Read themselves call it).
func (in Inputs) Warn(p *Pipeline, name string) {
	if in.OnWarning == nil {
		return
	}
	for _, w := range p.Warnings() {
		in.OnWarning(name, w)
	}
}

// ReadFiles reads every input in order with one pipeline, so message and
// stream numbers run across files. It returns fn's first error (which
// stops everything) and whether some file failed.
func (p *Pipeline) ReadFiles(in Inputs, fn func(*Record) error) (failed bool, err error) {
	var fnErr error
	wrapped := func(r *Record) error {
		if err := fn(r); err != nil {
			fnErr = err
			return err
		}
		return nil
	}
	for _, name := range in.Names {
		if p.Done() {
			break
		}
		var src *reassembly.Source
		var oerr error
		display := name
		switch {
		case name == "-":
			display = "standard input"
			src, oerr = reassembly.OpenReader(in.Stdin)
		case in.Open != nil:
			src, oerr = in.Open(name)
		default:
			src, oerr = reassembly.OpenFile(name)
		}
		if oerr != nil {
			failed = true
			if in.OnError != nil {
				in.OnError(display, NewFileError(display, oerr))
			}
			continue
		}
		rerr := p.ReadNamed(name, src, wrapped)
		src.Close()
		if fnErr != nil {
			return failed, fnErr
		}
		in.Warn(p, display)
		if rerr != nil {
			failed = true
			if in.OnError != nil {
				in.OnError(display, fmt.Errorf("%s: %w", display, rerr))
			}
		}
	}
	return failed, nil
}

// FileError is a capture that could not be opened, worded for a person:
// which file, and why. It wraps the cause, so errors.Is(err,
// fs.ErrNotExist) and errors.Is(err, reassembly.ErrUnknownFormat) hold.
type FileError struct {
	Name string
	Err  error
}

// WarnTo is an OnWarning that writes each warning to w as
// "ctishark: NAME: WARNING".
func WarnTo(w io.Writer) func(name, warning string) {
	return func(name, warning string) { fmt.Fprintf(w, "ctishark: %s: %s\n", name, warning) }
}

// NewFileError names the file an open error is about.
func NewFileError(name string, err error) error { return &FileError{Name: name, Err: err} }

func (e *FileError) Error() string {
	if errors.Is(e.Err, reassembly.ErrUnknownFormat) {
		return e.Name + ": not a pcap or pcapng capture"
	}
	if strings.Contains(e.Err.Error(), e.Name) {
		return e.Err.Error()
	}
	return e.Name + ": " + e.Err.Error()
}

func (e *FileError) Unwrap() error { return e.Err }

// HasStdin reports whether the inputs read standard input, which makes
// them a live stream: views then show each message at once.
func (in Inputs) HasStdin() bool {
	for _, n := range in.Names {
		if n == "-" {
			return true
		}
	}
	return false
}
