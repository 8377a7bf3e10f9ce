// Package view holds the flags and output setup shared by the commands
// that print decoded messages (read, sniff): which view, which time
// column, which ports and protocol version, secrets and colour. One place,
// so every such command accepts the same flags with the same meaning.
package view

import (
	"fmt"
	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// Options are the shared flags, as given and as resolved by Validate.
type Options struct {
	fieldHints []string // -e notes for the user (old spellings of field names)

	Format      string
	Verbose     bool
	Hex         bool
	Time        string
	Count       int
	ShowSecrets bool
	Color       string
	Fields      []string // -e, with -T fields
	FieldOpts   []string // -E key=value, with -T fields
	WriteFile   string   // -w: write the packets of the matching messages here

	// -p, --no-heuristics, --cti-version, --float-header and -Y, shared
	// with every decoding command.
	inputflags.Options

	// Resolved by Validate.
	FieldsView render.FieldsOptions // when View == render.FormatFields

	View       render.Format
	TimeFormat render.TimeFormat
}

// AddFlags registers the shared flags on cmd.
func (o *Options) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&o.Format, "format", "T", "table", "view `FORMAT`: table, tree, json, jsonl, ek (Elasticsearch bulk, as tshark), psml (the packet list as XML) or fields (with -e)")
	fl.BoolVarP(&o.Verbose, "verbose", "V", false, "show every field (same as -T tree)")
	fl.BoolVarP(&o.Hex, "hex", "x", false, "add a hex dump of each message: after its row in the packet list, or after its tree with -V (as tshark)")
	fl.StringVarP(&o.Time, "time", "t", "r", "time column `FORMAT`, as tshark: r (relative to the first packet), a (time of day), ad (date and time), d (since the previous message), dd (since the previous message shown), e (epoch), u / ud (UTC); also relative, absolute (= ad), delta (= dd), epoch")
	fl.IntVarP(&o.Count, "count", "c", 0, "stop after `N` messages")
	o.Options.AddFlags(fl)
	fl.BoolVar(&o.ShowSecrets, "show-secrets", false, "show passwords instead of ********")
	fl.StringVar(&o.Color, "color", "auto", "colour `WHEN`: auto (on a terminal, unless NO_COLOR is set), always or never; always and never win over NO_COLOR")
	fl.StringArrayVarP(&o.Fields, "field", "e", nil, "with -T fields: print field `NAME` (a filter name such as cti.AgentID, cti.num, cti.time_relative; repeatable, in output order)")
	fl.StringArrayVarP(&o.FieldOpts, "field-option", "E", nil, "with -T fields, an output option `key=value`: separator=/t|/s|CHAR, header=y|n, quote=d|s|n, aggregator=,|/s|CHAR (between repeated values), occurrence=f|l|a|N (which of the repeated values), display=y|n (enum names instead of numbers)")
	fl.StringVarP(&o.WriteFile, "write", "w", "", "write the capture packets carrying the (filtered) messages to `FILE` (pcapng if it ends in .pcapng, else pcap; - for standard output) instead of printing them; with -Y the kept packets' TCP sequence numbers are renumbered so each stream reads back without holes")
	addCompletions(cmd)
}

// Validate checks the flags and resolves them; it also sets the colour
// mode of ios.
func (o *Options) Validate(cmd *cobra.Command, ios *iostreams.IOStreams) error {
	var err error
	if o.View, err = render.ParseFormat(o.Format); err != nil {
		return &factory.UsageError{Err: err}
	}
	if err := o.validateFields(); err != nil {
		return err
	}
	if err := o.Options.Validate(); err != nil {
		return err
	}
	o.Options.PrintHints(ios.ErrOut)
	for _, h := range o.fieldHints {
		fmt.Fprintf(ios.ErrOut, "ctishark: %s\n", h)
	}
	explicitFormat := cmd.Flags().Changed("format")
	if o.Verbose {
		if explicitFormat && o.View != render.FormatTree {
			return factory.Usagef("-V shows the tree view; it cannot be combined with -T %s", o.View)
		}
		o.View = render.FormatTree
	}
	// As in tshark, -x adds the bytes to the view: after each row of the
	// packet list, or after each tree with -V.
	if o.Hex && o.View != render.FormatTable && o.View != render.FormatTree {
		return factory.Usagef("-x adds a hex dump to the packet list or the tree (-V); it cannot be combined with -T %s", o.View)
	}
	if o.TimeFormat, err = render.ParseTimeFormat(o.Time); err != nil {
		return &factory.UsageError{Err: err}
	}
	if o.Count < 0 {
		return factory.Usagef("-c must be a positive number of messages")
	}
	if o.WriteFile == "-" && ios.IsStdoutTTY() {
		return factory.Usagef("-w -: refusing to write a capture to a terminal (redirect standard output)")
	}
	if err := ios.SetColorMode(o.Color); err != nil {
		return &factory.UsageError{Err: err}
	}
	return nil
}

// Pipeline is the pipeline configuration the flags ask for.
func (o *Options) Pipeline() pipeline.Options {
	p := o.Options.Pipeline()
	p.Count = o.Count
	// -T fields shows the doctor's findings only in the columns that read
	// expert items: without one (and without -Y, which may test them) its
	// rules are not evaluated; every column's bytes are the same (they
	// were 8% of the benchmark's -T fields CPU, on the reading goroutine).
	// Nor need a view decode more of a message than it shows (the
	// pipeline adds what it and the rules read): -T fields what its
	// columns name, the table what Info reads. Expert items show in the
	// table's Info and colours and in the expert columns: those keep every
	// one (a checked Keep). -Y may test any field, so it decodes whole, as
	// do the tree, JSON and hex views, which show every field; only a -Y
	// that tests the message type alone decodes the types it turns down
	// with what the pipeline and the rules read (p.FilterReads, from the
	// flags).
	switch {
	case p.Filter != nil:
	case o.View == render.FormatFields:
		p.Reads, p.ReadsExpert = record.FieldsRead(o.FieldsView.Fields), o.fieldsReadExpert()
		if !p.ReadsExpert {
			// No column reads a call reference either: calls go unnumbered.
			p.NoDiag, p.NoCalls = true, true
		}
	case o.View == render.FormatTable && !o.Hex:
		p.Reads, p.ReadsExpert = record.InfoReads, true
	}
	return p
}

// fieldsReadExpert reports whether a -T fields column can show expert
// items: a metadata field that reads them; a protocol field's values are
// its decoded fields', which the rules never touch.
func (o *Options) fieldsReadExpert() bool {
	return o.fieldsRead((*record.MetaField).ReadsExpert)
}

// NeedsVerdicts reports whether the view can show a request's verdict
// (response_in, its response time, unanswered), or a finding of the
// doctor's (whose rules read verdicts), or -Y may test one: only then need
// a capture file's requests be held for their answers. Every view but -T
// fields without such a column shows them.
func (o *Options) NeedsVerdicts() bool {
	return o.View != render.FormatFields || o.Options.Match != nil ||
		o.fieldsRead((*record.MetaField).ReadsVerdict) || o.fieldsReadExpert()
}

// fieldsRead reports whether a -T fields column is a metadata field that
// reads what reads says.
func (o *Options) fieldsRead(reads func(*record.MetaField) bool) bool {
	for _, name := range o.FieldsView.Fields {
		if mf := record.LookupMeta(name); mf != nil && reads(mf) {
			return true
		}
	}
	return false
}

// NewWriter returns the writer of the chosen view on ios.Out. live says the
// input is a stream (stdin, an interface): every message is shown as soon
// as it is decoded, without waiting to align columns.
func (o *Options) NewWriter(ios *iostreams.IOStreams, live bool) (render.Writer, error) {
	return render.New(o.View, ios.Out, render.Options{
		Time:        o.TimeFormat,
		Color:       ios.ColorEnabled(),
		ShowSecrets: o.ShowSecrets,
		Hex:         o.Hex,
		Aligned:     ios.IsStdoutTTY() && !live,
		Live:        live,
		Width:       ios.TerminalWidth(), // 0 unless the output is a terminal
		Fields:      o.FieldsView,
	})
}

// Flush pushes out buffered output of writers that can do so without
// ending their document (so an error message that follows reads in order).
func Flush(w render.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
