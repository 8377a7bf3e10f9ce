// Package view holds the flags and output setup shared by the commands
// that print decoded messages (read, sniff): which view, which time
// column, which ports and protocol version, secrets and colour. One place,
// so every such command accepts the same flags with the same meaning.
package view

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/displayfilter"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// Options are the shared flags, as given and as resolved by Validate.
type Options struct {
	Format      string
	Verbose     bool
	Hex         bool
	Time        string
	Count       int
	Ports       []string
	NoHeuristic bool
	CTIVersion  int
	FloatHeader string
	ShowSecrets bool
	Color       string
	Filter      string   // -Y display filter
	Fields      []string // -e, with -T fields
	FieldOpts   []string // -E key=value, with -T fields
	WriteFile   string   // -w: write the packets of the matching messages here

	// Resolved by Validate.
	Match      func(*pipeline.Record) bool // nil = every record
	FieldsView render.FieldsOptions        // when View == FormatFields

	View       render.Format
	TimeFormat render.TimeFormat
	PortList   []uint16
	Layout     dissect.Layout
}

// AddFlags registers the shared flags on cmd.
func (o *Options) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&o.Format, "format", "T", "table", "view: table, tree, json, jsonl or fields (with -e)")
	fl.BoolVarP(&o.Verbose, "verbose", "V", false, "show every field (same as -T tree)")
	fl.BoolVarP(&o.Hex, "hex", "x", false, "add a hex dump of each message (tree view; implies -V)")
	fl.StringVarP(&o.Time, "time", "t", "relative", "time column: relative (to the first packet), absolute, delta (to the previous message) or epoch")
	fl.IntVarP(&o.Count, "count", "c", 0, "stop after `N` messages")
	fl.StringSliceVarP(&o.Ports, "port", "p", []string{"42027", "12028"}, "CTI server `PORT` (repeatable or comma-separated)")
	fl.BoolVar(&o.NoHeuristic, "no-heuristics", false, "decode only connections on the server ports")
	fl.IntVar(&o.CTIVersion, "cti-version", 0, "force protocol version `N` instead of reading it from OPEN_REQ")
	fl.StringVar(&o.FloatHeader, "float-header", "", "force the floating field header `layout`: 1+1, 2+1 or 2+2 (tag+length bytes)")
	fl.BoolVar(&o.ShowSecrets, "show-secrets", false, "show passwords instead of ********")
	fl.StringVar(&o.Color, "color", "auto", "colour output: auto, always or never")
	displayfilter.AddFlag(fl, &o.Filter)
	fl.StringArrayVarP(&o.Fields, "field", "e", nil, "with -T fields: print field `NAME` (a filter name such as cti.AgentID, cti.num, cti.time_relative; repeatable, in output order)")
	fl.StringArrayVarP(&o.FieldOpts, "field-option", "E", nil, "with -T fields, an output option `key=value`: separator=/t|/s|CHAR, header=y|n, quote=d|s|n, aggregator=,|/s|CHAR (between repeated values), display=y|n (enum names instead of numbers)")
	fl.StringVarP(&o.WriteFile, "write", "w", "", "write the capture packets carrying the (filtered) messages to `FILE` (pcapng if it ends in .pcapng, else pcap; - for standard output) instead of printing them")
}

// Validate checks the flags and resolves them; it also sets the colour
// mode of ios.
func (o *Options) Validate(cmd *cobra.Command, ios *iostreams.IOStreams) error {
	var err error
	if o.Format == string(FormatFields) {
		o.View = FormatFields
	} else if o.View, err = render.ParseFormat(o.Format); err != nil {
		return factory.Usagef(strings.Replace(err.Error(), "or jsonl", "jsonl or fields", 1))
	}
	if err := o.validateFields(); err != nil {
		return err
	}
	if o.Match, err = displayfilter.Compile(o.Filter); err != nil {
		return err
	}
	explicitFormat := cmd.Flags().Changed("format")
	if o.Verbose || o.Hex {
		if explicitFormat && o.View != render.FormatTree {
			return factory.Usagef(fmt.Sprintf("-V and -x show the tree view; they cannot be combined with -T %s", o.View))
		}
		o.View = render.FormatTree
	}
	if o.TimeFormat, err = render.ParseTimeFormat(o.Time); err != nil {
		return &factory.UsageError{Err: err}
	}
	if o.Count < 0 {
		return factory.Usagef("-c must be a positive number of messages")
	}
	if o.PortList, err = ParsePorts(o.Ports); err != nil {
		return err
	}
	if o.CTIVersion < 0 || o.CTIVersion > 999 {
		return factory.Usagef(fmt.Sprintf("invalid --cti-version %d", o.CTIVersion))
	}
	if o.FloatHeader != "" {
		if o.Layout, err = dissect.ParseLayout(o.FloatHeader); err != nil {
			return &factory.UsageError{Err: err}
		}
	}
	if o.WriteFile == "-" && ios.IsStdoutTTY() {
		return factory.Usagef("-w -: refusing to write a capture to a terminal (redirect standard output)")
	}
	if err := ios.SetColorMode(o.Color); err != nil {
		return &factory.UsageError{Err: err}
	}
	return nil
}

// ParsePorts reads -p values (repeatable, comma-separated). The result is
// never nil: an empty list means no server ports at all.
func ParsePorts(vals []string) ([]uint16, error) {
	ports := []uint16{}
	for _, p := range vals {
		for _, s := range strings.Split(p, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			n, err := strconv.ParseUint(s, 10, 16)
			if err != nil || n == 0 {
				return nil, factory.Usagef(fmt.Sprintf("invalid port %q (want 1-65535)", s))
			}
			ports = append(ports, uint16(n))
		}
	}
	return ports, nil
}

// Pipeline is the pipeline configuration the flags ask for.
func (o *Options) Pipeline() pipeline.Options {
	return pipeline.Options{
		Ports:        o.PortList,
		NoHeuristics: o.NoHeuristic,
		Version:      o.CTIVersion,
		Layout:       o.Layout,
		Count:        o.Count,
		Filter:       o.Match,
	}
}

// NewWriter returns the writer of the chosen view on ios.Out. live says the
// input is a stream (stdin, an interface): every message is shown as soon
// as it is decoded, without waiting to align columns.
func (o *Options) NewWriter(ios *iostreams.IOStreams, live bool) (render.Writer, error) {
	if o.View == FormatFields {
		return render.NewFields(ios.Out, render.Options{ShowSecrets: o.ShowSecrets, Live: live}, o.FieldsView), nil
	}
	return render.New(o.View, ios.Out, render.Options{
		Time:        o.TimeFormat,
		Color:       ios.ColorEnabled(),
		ShowSecrets: o.ShowSecrets,
		Hex:         o.Hex,
		Aligned:     ios.IsStdoutTTY() && !live,
		Live:        live,
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
