package read

import (
	"fmt"
	"io"
	"os"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/export"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
)

// writeRun is read -w: instead of printing the messages, write the capture
// packets that carried them (all of them, or those -Y keeps) to a new
// pcap/pcapng file, readable by tshark and by ctishark itself.
func writeRun(o *ReadOptions) error {
	name := o.View.WriteFile
	var out io.Writer = o.IO.Out
	var file *os.File
	if name != "-" {
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		file, out = f, f
	}
	w := export.NewWriter(out, export.FormatFor(name))
	in := pipeline.Inputs{Names: o.Files, Stdin: o.IO.In, OnError: func(_ string, err error) {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", err)
	}, OnWarning: pipeline.WarnTo(o.IO.ErrOut)}
	popts := o.View.Pipeline()
	popts.Lookahead = true // filters on cti.response_time / cti.unanswered need it
	_, failed, err := export.Filtered(w, in, popts)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("-w %s: %w", name, err)
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}
