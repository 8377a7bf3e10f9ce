// Package report holds what the commands that read whole captures into one
// report (calls, agents, stats) share: the -T table|json flag, its check
// together with the input flags, and the read-then-write run with its exit
// code. Each command keeps its own package, options and output.
package report

import (
	"slices"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/progress"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/spf13/pflag"
)

// AddFormatFlag registers -T, table (the default) or json.
func AddFormatFlag(fl *pflag.FlagSet, format *string) {
	fl.StringVarP(format, "format", "T", "table", "output: table or json")
}

// Validate checks the input flags and file list, then -T; usage errors.
// extra names the formats a command adds to table and json (calls: csv).
func Validate(in *inputflags.Options, files []string, format string, extra ...string) error {
	if err := inputflags.CheckFiles(files); err != nil {
		return err
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if format != "table" && format != "json" && !slices.Contains(extra, format) {
		all := append([]string{"table"}, append([]string{"json"}, extra...)...)
		return factory.Usagef("-T must be %s or %s", strings.Join(all[:len(all)-1], ", "), all[len(all)-1])
	}
	return nil
}

// Reads is what a report reads of each record: Fields names the fields
// (nil: any), Expert says it reads every expert item (a count of them).
// Without -Y only those fields are decoded (pipeline.Options.Reads);
// with -Y, which may test any field, every field is.
type Reads struct {
	Fields  func(*dissect.FieldDef) bool
	Expert  bool
	NoCalls bool // it reads no call reference (Record.Calls, Link): calls are not numbered
}

// All is the Reads of a report that may read any field.
var All = Reads{}

// Run decodes every file through one pipeline (with a progress bar on a
// terminal), hands every record to add, then calls write with the packet
// counters of all files. Analysis comes first: the pipeline looks ahead
// (requests know their answer) and does not apply -Y; the commands give
// in.Match to their report, which counts or shows only what it keeps; add
// keeps no message, field or frame slice of a record (Options.Recycle). A
// file that could not be read in full is reported on ErrOut and, once the
// report of what was decoded is written, makes the command exit 1.
func Run(ios *iostreams.IOStreams, in *inputflags.Options, files []string, reads Reads, add func(*pipeline.Record), write func(packets reassembly.Stats) error) error {
	return run(ios, in, files, reads, add, nil, write, true)
}

// RunMessagesOnly is Run for a report that reads of its records only the
// messages, their calls and their sessions (calls, agents): no expert
// items, so the doctor's rules (whose findings are expert items) are not
// evaluated, and no request's verdict (Response, Unanswered), so records
// are not held for their answers. A display filter may test either
// (cti.diag.*, cti.expert, cti.response_time), so with -Y both stay on.
// The report's bytes are the same either way; the rules alone were a
// tenth of these commands' CPU, on the reading goroutine.
func RunMessagesOnly(ios *iostreams.IOStreams, in *inputflags.Options, files []string, reads Reads, add func(*pipeline.Record), write func(packets reassembly.Stats) error) error {
	return run(ios, in, files, reads, add, nil, write, in.Match != nil)
}

// RunVerdicts is Run for a report that counts requests: verdict hears the
// late verdict on each request the look-ahead released before its answer
// (pipeline.Options.OnVerdict).
func RunVerdicts(ios *iostreams.IOStreams, in *inputflags.Options, files []string, reads Reads, add func(*pipeline.Record), verdict func(record.Verdict), write func(packets reassembly.Stats) error) error {
	return run(ios, in, files, reads, add, verdict, write, true)
}

// run is RunVerdicts; full false turns the doctor's rules and the
// look-ahead off (RunMessagesOnly).
func run(ios *iostreams.IOStreams, in *inputflags.Options, files []string, reads Reads, add func(*pipeline.Record), verdict func(record.Verdict), write func(packets reassembly.Stats) error, full bool) error {
	in.PrintHints(ios.ErrOut)
	opts := in.Pipeline()
	opts.Filter, opts.Lookahead, opts.OnVerdict = nil, full, verdict
	if !full {
		opts.NoDiag = true
	}
	if in.Match == nil {
		opts.Reads, opts.ReadsExpert, opts.NoCalls = reads.Fields, reads.Expert, reads.NoCalls
	}
	// The reports keep counts, strings and record-level data, never a
	// message or its fields: later messages reuse their memory.
	opts.Recycle = true
	opts.Async = true    // add runs beside decoding, records in the same order
	opts.Parallel = true // and decoding beside reading, pairing and adding
	ok, packets := progress.ReadAll(ios, opts, files, add)
	if err := write(packets); err != nil {
		return err
	}
	if !ok {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}
