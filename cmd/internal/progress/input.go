package progress

import (
	"fmt"

	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
)

// Input holds the capture-decoding flags of the commands that read whole
// captures (the shared -p, --no-heuristics, --cti-version, --float-header
// and -Y) and builds their pipeline options in one place.
type Input struct {
	inputflags.Options
}

// Validate checks the flags and the file list, returning usage errors.
func (in *Input) Validate(files []string) error {
	if err := inputflags.CheckFiles(files); err != nil {
		return err
	}
	return in.Options.Validate()
}

// ReadAll decodes every file through one pipeline (messages and streams
// numbered across files), calling fn for each record, with a progress bar
// on a terminal. Unreadable or damaged files are reported on ErrOut and
// make it return false; what was decoded before the damage was handed out.
func ReadAll(ios *iostreams.IOStreams, opts pipeline.Options, files []string, fn func(*pipeline.Record)) (ok bool) {
	var bar *Bar // of the file being read; nil when none is shown
	done := func() {
		bar.Close()
		bar = nil
	}
	in := pipeline.Inputs{
		Names: files,
		Stdin: ios.In,
		Open: func(name string) (*reassembly.Source, error) {
			done()
			src, b, err := Open(name, ios.ErrOut, ios.IsStderrTTY())
			bar = b
			return src, err
		},
		OnError: func(name string, err error) {
			done() // erase the bar before the message
			fmt.Fprintf(ios.ErrOut, "ctishark: %v\n", err)
		},
	}
	failed, _ := pipeline.New(opts).ReadFiles(in, func(r *pipeline.Record) error {
		if r.Msg != nil {
			bar.Message()
		}
		fn(r)
		return nil
	})
	done()
	return !failed
}
