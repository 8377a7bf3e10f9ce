// Package stats implements `ctishark stats`: counts, response times,
// failures and per-session facts of whole captures, in flat memory.
package stats

import (
	"fmt"
	"io"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/report"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render/analyze"
	"github.com/spf13/cobra"
)

// StatsOptions are the flags and arguments of `ctishark stats`.
type StatsOptions struct {
	IO     *iostreams.IOStreams
	Input  inputflags.Options
	Files  []string
	Format string

	wholeDecode bool // tests: decode every field, as -Y does, to compare with the partial decode
}

// NewCmdStats returns the stats command; runF replaces statsRun in tests.
func NewCmdStats(f *factory.Factory, runF func(*StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "stats [flags] FILE...",
		Short: "Message counts, response times, failures and sessions of captures",
		Long: `Stats reads whole captures and prints:

  - messages by type and direction;
  - request->confirm response times per request type: count, min, mean,
    p50, p95, max (milliseconds). Count, min, mean and max are exact; p50
    and p95 come from a fixed-size log-linear histogram, within 0.8% of the
    true value, so memory does not grow with the capture;
  - requests never answered (within 10 s of capture time, before their
    connection closed or the capture ended, or before their InvokeID was
    reused), per type; requests are those an answer names by InvokeID
    (CONFIG_REQUEST_EVENT is none);
  - failures (FAILURE_CONF, FAILURE_EVENT, CONTROL_FAILURE_CONF) by status;
  - per session: endpoints, protocol version, client mode, client ID,
    services granted (OPEN_CONF), idle timeout (OPEN_REQ), heartbeat
    interval (mean HEARTBEAT_REQ spacing), the longest silence of the
    client and how many silences exceeded the idle timeout;
  - expert items by code and severity (the doctor's cti.diag.* findings
    among them), and TCP gaps and skipped bytes.

Pairing and session facts cover the whole capture; -Y selects the messages
counted (a selected request keeps its answer and latency whatever -Y shows).
-T json prints one JSON document with stable keys; durations are integer
microseconds in keys ending in _us. A progress bar is shown on standard
error when it is a terminal and a file is larger than 4 MB.`,
		Example: `  ctishark stats capture.pcapng
  ctishark stats -T json capture.pcap | jq '.requests[] | select(.unanswered > 0)'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if err := report.Validate(&opts.Input, args, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statsRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	report.AddFormatFlag(fl, &opts.Format)
	cmd.RegisterFlagCompletionFunc("format", view.Values("table", "json"))
	opts.Input.AddFlags(fl)
	return cmd
}

// reads is what the report reads of each message: a few fields and every
// expert item (its counts); nil Fields decodes everything.
func (o *StatsOptions) reads() report.Reads {
	if o.wholeDecode {
		return report.All
	}
	return report.Reads{Fields: analyze.StatsReads, Expert: true}
}

func statsRun(o *StatsOptions) error {
	st := analyze.NewStats()
	st.Select = o.Input.Match
	return report.RunVerdicts(o.IO, &o.Input, o.Files, o.reads(), func(r *pipeline.Record) { st.Add(r) }, st.Verdict, func(packets reassembly.Stats) error {
		if o.Format == "json" {
			return analyze.WriteStatsJSON(o.IO.Out, st.Result())
		}
		if err := analyze.WriteStatsTable(o.IO.Out, st.Result()); err != nil {
			return err
		}
		return writeUndecoded(o.IO.Out, &packets)
	})
}

// writeUndecoded adds a line for the packets no record speaks for: of
// unsupported link types, with malformed headers, or fragments of IP
// datagrams that never completed. Nothing when there were none.
func writeUndecoded(w io.Writer, st *reassembly.Stats) error {
	var bad int64
	for _, n := range st.DecodeErrors {
		bad += n
	}
	if st.UnsupportedLinkType+bad+st.FragDropped == 0 {
		return nil
	}
	_, err := fmt.Fprintf(w, "\nPackets not decoded: %d of unsupported link types, %d malformed; %d IP datagrams dropped incomplete (%d bytes)\n",
		st.UnsupportedLinkType, bad, st.FragDropped, st.FragDroppedBytes)
	return err
}
