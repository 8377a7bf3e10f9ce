// Package read implements `ctishark read`: decode captures and print every
// CTI message as a table, a detail tree or JSON.
package read

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// ReadOptions are the flags and arguments of `ctishark read`.
type ReadOptions struct {
	IO *iostreams.IOStreams

	Files       []string
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

	// Resolved by validate.
	format render.Format
	time   render.TimeFormat
	ports  []uint16
	layout dissect.Layout
}

// NewCmdRead returns the read command; runF replaces readRun in tests.
func NewCmdRead(f *factory.Factory, runF func(*ReadOptions) error) *cobra.Command {
	opts := &ReadOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "read [flags] FILE...",
		Short: "Decode the CTI messages of pcap/pcapng captures",
		Long: `Read decodes every Cisco Unified CCX CTI message carried by the TCP
connections of one or more captures (pcap or pcapng, optionally gzipped; "-"
reads standard input) and prints them in the order they complete.

Views (-T):
  table  one row per message: number, time, source, destination, message
         name, InvokeID or CallID, and a one-line summary (Info). Aligned on
         a terminal; streamed in fixed-width columns, without a header, when
         the output is a pipe or a file.
  tree   every field of every message, like Wireshark's detail pane: enum
         names, mask bits, floating tags, expert notes under the field they
         concern (-V is short for -T tree; -x adds a hex dump).
  json   an array of message objects; jsonl: one object per line (the
         schema is documented in render/JSON.md of the source tree).

Connections on the CTI server ports (-p, default 42027 and 12028) are
decoded; other TCP connections are decoded when their first bytes look like
CTI frames (turn that off with --no-heuristics). The protocol version and
floating header layout come from each connection's OPEN_REQ, or are
detected from the bytes when the capture starts mid-session; --cti-version
and --float-header force them.

Passwords (ClientPassword, AgentPassword) are masked in every view,
hex dump included, unless --show-secrets.`,
		Example: `  # the packet list
  ctishark read capture.pcapng

  # every field of the first five messages, with a hex dump
  ctishark read -V -x -c 5 capture.pcap

  # times of day instead of seconds since the start
  ctishark read -t absolute capture.pcap

  # a server on another port, decoded as protocol version 18
  ctishark read -p 42028 --cti-version 18 capture.pcap

  # scripts: one JSON object per message
  ctishark read -T jsonl capture.pcap | jq 'select(.msg_type == "AGENT_STATE_EVENT") | .info'

  # from tcpdump, live
  tcpdump -i eth0 -w - port 42027 | ctishark read -`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return factory.Usagef("read needs at least one capture file (or - for standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return readRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&opts.Format, "format", "T", "table", "view: table, tree, json or jsonl")
	fl.BoolVarP(&opts.Verbose, "verbose", "V", false, "show every field (same as -T tree)")
	fl.BoolVarP(&opts.Hex, "hex", "x", false, "add a hex dump of each message (tree view; implies -V)")
	fl.StringVarP(&opts.Time, "time", "t", "relative", "time column: relative (to the first packet), absolute, delta (to the previous message) or epoch")
	fl.IntVarP(&opts.Count, "count", "c", 0, "stop after `N` messages")
	fl.StringSliceVarP(&opts.Ports, "port", "p", []string{"42027", "12028"}, "CTI server `PORT` (repeatable or comma-separated)")
	fl.BoolVar(&opts.NoHeuristic, "no-heuristics", false, "decode only connections on the server ports")
	fl.IntVar(&opts.CTIVersion, "cti-version", 0, "force protocol version `N` instead of reading it from OPEN_REQ")
	fl.StringVar(&opts.FloatHeader, "float-header", "", "force the floating field header `layout`: 1+1, 2+1 or 2+2 (tag+length bytes)")
	fl.BoolVar(&opts.ShowSecrets, "show-secrets", false, "show passwords instead of ********")
	fl.StringVar(&opts.Color, "color", "auto", "colour output: auto, always or never")
	return cmd
}

// validate checks the flags and resolves them.
func (o *ReadOptions) validate(cmd *cobra.Command) error {
	var err error
	if o.format, err = render.ParseFormat(o.Format); err != nil {
		return &factory.UsageError{Err: err}
	}
	explicitFormat := cmd.Flags().Changed("format")
	if o.Verbose || o.Hex {
		if explicitFormat && o.format != render.FormatTree {
			return factory.Usagef(fmt.Sprintf("-V and -x show the tree view; they cannot be combined with -T %s", o.format))
		}
		o.format = render.FormatTree
	}
	if o.time, err = render.ParseTimeFormat(o.Time); err != nil {
		return &factory.UsageError{Err: err}
	}
	if o.Count < 0 {
		return factory.Usagef("-c must be a positive number of messages")
	}
	o.ports = o.ports[:0]
	for _, p := range o.Ports {
		for _, s := range strings.Split(p, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			n, err := strconv.ParseUint(s, 10, 16)
			if err != nil || n == 0 {
				return factory.Usagef(fmt.Sprintf("invalid port %q (want 1-65535)", s))
			}
			o.ports = append(o.ports, uint16(n))
		}
	}
	if o.ports == nil {
		o.ports = []uint16{}
	}
	if o.CTIVersion < 0 || o.CTIVersion > 999 {
		return factory.Usagef(fmt.Sprintf("invalid --cti-version %d", o.CTIVersion))
	}
	if o.FloatHeader != "" {
		if o.layout, err = dissect.ParseLayout(o.FloatHeader); err != nil {
			return &factory.UsageError{Err: err}
		}
	}
	if err := o.IO.SetColorMode(o.Color); err != nil {
		return &factory.UsageError{Err: err}
	}
	stdin := 0
	for _, f := range o.Files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return factory.Usagef("standard input (-) can be read only once")
	}
	return nil
}

func readRun(o *ReadOptions) error {
	live := false // reading a pipe (tcpdump -w -): show each message at once
	for _, f := range o.Files {
		live = live || f == "-"
	}
	w, err := render.New(o.format, o.IO.Out, render.Options{
		Time:        o.time,
		Color:       o.IO.ColorEnabled(),
		ShowSecrets: o.ShowSecrets,
		Hex:         o.Hex,
		Aligned:     o.IO.IsStdoutTTY() && !live,
		Live:        live,
	})
	if err != nil {
		return err
	}
	p := pipeline.New(pipeline.Options{
		Ports:        o.ports,
		NoHeuristics: o.NoHeuristic,
		Version:      o.CTIVersion,
		Layout:       o.layout,
		Count:        o.Count,
	})
	failed := false
	var writeErr error
	for _, name := range o.Files {
		if p.Done() {
			break
		}
		var src *reassembly.Source
		if name == "-" {
			src, err = reassembly.OpenReader(o.IO.In)
			name = "standard input"
		} else {
			src, err = reassembly.OpenFile(name)
		}
		if err != nil {
			fmt.Fprintf(o.IO.ErrOut, "ctishark: %s\n", fileError(name, err))
			failed = true
			continue
		}
		err = p.Read(src, func(r *pipeline.Record) error {
			if err := w.Write(r); err != nil {
				writeErr = err
				return err
			}
			return nil
		})
		src.Close()
		if writeErr != nil {
			break
		}
		if err != nil {
			// Everything decoded before the damage has been printed: flush
			// it before the message so the two read in order.
			if ferr := flushWriter(w); ferr != nil {
				return ferr
			}
			fmt.Fprintf(o.IO.ErrOut, "ctishark: %s: %v\n", name, err)
			failed = true
		}
	}
	if err := w.Close(); err != nil && writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		return writeErr
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}

// flushWriter pushes out buffered output of writers that can do so without
// ending their document.
func flushWriter(w render.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

func fileError(name string, err error) string {
	if errors.Is(err, reassembly.ErrUnknownFormat) {
		return fmt.Sprintf("%s: not a pcap or pcapng capture", name)
	}
	if strings.Contains(err.Error(), name) {
		return err.Error()
	}
	return name + ": " + err.Error()
}
