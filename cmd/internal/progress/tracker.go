package progress

import (
	"fmt"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
)

// Tracker shows a bar for each large file a pipeline reads, on standard
// error when it is a terminal. Views that print to the same terminal pass
// show=false: a bar redrawn under scrolling rows would garble both.
type Tracker struct {
	ios  *iostreams.IOStreams
	show bool
	bar  *Bar // of the file being read; nil when none is shown
}

// NewTracker returns a tracker; show says whether bars may be drawn.
func NewTracker(ios *iostreams.IOStreams, show bool) *Tracker {
	return &Tracker{ios: ios, show: show && ios.IsStderrTTY()}
}

// inputs are pipeline inputs that open files through the tracker and
// report bad files on standard error (after erasing the bar).
func (t *Tracker) inputs(files []string) pipeline.Inputs {
	return pipeline.Inputs{
		Names: files,
		Stdin: t.ios.In,
		Open: func(name string) (*reassembly.Source, error) {
			t.done()
			src, b, err := Open(name, t.ios.ErrOut, t.show)
			t.bar = b
			return src, err
		},
		OnError: func(name string, err error) {
			t.done()
			fmt.Fprintf(t.ios.ErrOut, "ctishark: %v\n", err)
		},
		OnWarning: func(name, warning string) {
			t.done()
			pipeline.WarnTo(t.ios.ErrOut)(name, warning)
		},
	}
}

// record counts a record handed out.
func (t *Tracker) record(r *pipeline.Record) {
	if r.Msg != nil {
		t.bar.Message()
	}
}

// done erases the bar of the current file and closes the file.
func (t *Tracker) done() {
	t.bar.Close()
	t.bar = nil
}

// Read reads files through p, counting records on the bar and erasing it
// at the end. flush, when set, runs before a bad file is reported, so
// what was printed from that file comes out first.
func (t *Tracker) Read(p *pipeline.Pipeline, files []string, flush func(), fn func(*pipeline.Record) error) (failed bool, err error) {
	in := t.inputs(files)
	if flush != nil {
		report, warn := in.OnError, in.OnWarning
		in.OnError = func(name string, err error) {
			flush()
			report(name, err)
		}
		in.OnWarning = func(name, warning string) {
			flush()
			warn(name, warning)
		}
	}
	defer t.done()
	return p.ReadFiles(in, func(r *pipeline.Record) error {
		t.record(r)
		return fn(r)
	})
}

// ReadAll decodes every file through one pipeline (messages and streams
// numbered across files), calling fn for each record, with a progress bar
// on a terminal. Unreadable or damaged files are reported on ErrOut and
// make it return false; what was decoded before the damage was handed out.
// The packet counters of all files come back too.
func ReadAll(ios *iostreams.IOStreams, opts pipeline.Options, files []string, fn func(*pipeline.Record)) (ok bool, packets reassembly.Stats) {
	p := pipeline.New(opts)
	failed, _ := NewTracker(ios, true).Read(p, files, nil, func(r *pipeline.Record) error {
		fn(r)
		return nil
	})
	return !failed, p.Packets()
}
