package read

import (
	"fmt"
	"os"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/export"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/reassembly"
)

// writeRun is read -w: instead of printing the messages, write the capture
// packets that carried them (all of them, or those -Y keeps) to a new
// pcap/pcapng file, readable by tshark and by ctishark itself. The file is
// created only once an input has opened as a capture, so a wrong input
// name or a file that is not a capture leaves an existing OUT alone (as
// tshark does).
func writeRun(o *ReadOptions) error {
	name := o.View.WriteFile
	out := &lazyOutput{name: name, format: export.FormatFor(name)}
	if name == "-" {
		out.w = export.NewWriter(o.IO.Out, out.format)
	}
	in := pipeline.Inputs{Names: o.Files, Stdin: o.IO.In, OnError: func(_ string, err error) {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", err)
	}, OnWarning: pipeline.WarnTo(o.IO.ErrOut)}
	popts := o.View.Pipeline()
	popts.Lookahead = true // filters on cti.response_time / cti.unanswered need it
	st, failed, err := export.Filtered(out, in, popts)
	if err == nil && st.Inputs > 0 {
		err = out.open() // a valid empty capture when nothing matched
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("-w %s: %w", name, err)
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}

// lazyOutput is an export.Writer that creates its file on first use.
type lazyOutput struct {
	name   string
	format export.Format
	file   *os.File
	w      export.Writer
}

func (l *lazyOutput) open() error {
	if l.w != nil {
		return nil
	}
	f, err := os.Create(l.name)
	if err != nil {
		return err
	}
	l.file, l.w = f, export.NewWriter(f, l.format)
	return nil
}

func (l *lazyOutput) WritePacket(p *reassembly.Packet) error {
	if err := l.open(); err != nil {
		return err
	}
	return l.w.WritePacket(p)
}

// Close flushes the capture and closes the file, if either was made.
func (l *lazyOutput) Close() error {
	if l.w == nil {
		return nil
	}
	err := l.w.Close()
	if l.file != nil {
		if cerr := l.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
