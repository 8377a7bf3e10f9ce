// Package read implements `ctishark read`: decode captures and print every
// CTI message as a table, a detail tree or JSON.
package read

import (
	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/progress"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// ReadOptions are the flags and arguments of `ctishark read`.
type ReadOptions struct {
	IO *iostreams.IOStreams

	Files    []string
	ReadFile []string // -r, tshark's way of naming the capture
	View     view.Options
}

// NewCmdRead returns the read command; runF replaces readRun in tests.
func NewCmdRead(f *factory.Factory, runF func(*ReadOptions) error) *cobra.Command {
	opts := &ReadOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "read [flags] FILE... | read -r FILE",
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
         concern (-V is short for -T tree).

-x adds the bytes of each message as a hex dump, after its row in the
packet list or after its tree with -V, as tshark does.
  json   an array of message objects; jsonl: one object per line (the
         schema is documented in render/JSON.md of the source tree).
  ek     tshark's Elasticsearch bulk form: an index line, then the jsonl
         object under layers.cti with a timestamp in milliseconds.
  psml   the packet list as tshark's PSML XML: the table's columns.
  fields the values of the fields named with -e, one line per message,
         tab-separated, in the order asked (like tshark -T fields). Names
         are display filter names (ctishark fields lists them), plus
         cti.frame (capture packet number). Repeated fields are joined
         with commas; enums print their number unless -E display=y. -E
         separator=, header=y quote=d aggregator=/s change the layout.

-Y keeps only the messages matching a display filter (Wireshark syntax:
cti.msg_type == "AGENT_STATE_EVENT" && cti.AgentID == "mlopez"); message
numbers still count every message.

-w FILE writes, instead of printing, the capture packets that carried the
kept messages (every segment of each; timestamps, link type and bytes
unchanged) to a pcap file, or pcapng when FILE ends in .pcapng; "-w -"
writes to standard output. tshark and ctishark read it; ctishark reports
gaps where the packets left out were, and requests whose answers were left
out are unpaired. Standard input is spooled to a temporary file, as -w
reads its input twice.

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

  # agent state changes of one agent as CSV with names
  ctishark read -Y 'cti.msg_type == "AGENT_STATE_EVENT"' -T fields -E separator=, -E header=y \
      -E display=y -e cti.time_relative -e cti.AgentID -e cti.AgentState capture.pcap

  # requests answered slower than 500 ms, with their answers, into a new capture
  ctishark read -Y 'cti.response_time > 0.5' -w slow.pcapng capture.pcap

  # from tcpdump, live
  tcpdump -i eth0 -w - port 42027 | ctishark read -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// tshark names the capture with -r; both spellings add up,
			// -r files first.
			opts.Files = append(append([]string(nil), opts.ReadFile...), args...)
			if len(opts.Files) == 0 {
				return factory.Usagef("read needs at least one capture file (FILE or -r FILE; - for standard input)")
			}
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return readRun(opts)
		},
	}
	cmd.Flags().SortFlags = false
	cmd.Flags().StringArrayVarP(&opts.ReadFile, "read-file", "r", nil, "read the capture `FILE` (as tshark -r; same as naming it as an argument; repeatable)")
	opts.View.AddFlags(cmd)
	return cmd
}

// validate checks the flags and resolves them.
func (o *ReadOptions) validate(cmd *cobra.Command) error {
	if err := o.View.Validate(cmd, o.IO); err != nil {
		return err
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
	return inputflags.CheckOutput("-w", o.View.WriteFile, o.Files...)
}

func readRun(o *ReadOptions) error {
	if o.View.WriteFile != "" {
		return writeRun(o)
	}
	live := pipeline.Inputs{Names: o.Files}.HasStdin() // reading a pipe (tcpdump -w -): show each message at once
	w, err := o.View.NewWriter(o.IO, live)
	if err != nil {
		return err
	}
	var flushErr error
	// Everything decoded before a file's damage has been printed: flush
	// it before the message so the two read in order.
	flush := func() {
		if ferr := view.Flush(w); ferr != nil && flushErr == nil {
			flushErr = ferr
		}
	}
	popts := o.View.Pipeline()
	// From a file, hold each request until its answer so it can name it
	// (response_in); from a pipe, show messages as they come instead. A
	// -T fields view without such a column has nothing to wait for.
	popts.Lookahead = !live && o.View.NeedsVerdicts()
	// Requests the look-ahead had to release before their answer were
	// printed without a verdict; say at the end how they ended, so read
	// agrees with stats and check.
	late := lateVerdicts{limit: popts.Limits.Lookahead}
	popts.OnVerdict = late.add
	// The views copy what they print out of each record before the next:
	// later messages are decoded into the memory of printed ones.
	popts.Recycle = true
	// From a file, rendering and writing run beside decoding (same
	// bytes, in the same order); from a pipe each message goes out at once.
	popts.Async = !live
	popts.Parallel = !live
	// JSON and the piped table render records ahead on every core; the
	// callback only writes them, in order.
	if popts.Async {
		popts.Render = render.RenderAhead(w)
	}
	// A progress bar for large files, unless the rows go to the same
	// terminal.
	tr := progress.NewTracker(o.IO, !o.IO.IsStdoutTTY())
	failed, writeErr := tr.Read(pipeline.New(popts), o.Files, flush, w.Write)
	if err := w.Close(); err != nil && writeErr == nil {
		writeErr = err
	}
	late.report(o.IO.ErrOut)
	if writeErr == nil {
		writeErr = flushErr
	}
	if writeErr != nil {
		return writeErr
	}
	if failed {
		return &factory.SilentError{Code: factory.ExitError}
	}
	return nil
}
