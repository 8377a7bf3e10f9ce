// Package sniff implements `ctishark sniff`: capture CTI traffic live from
// a network interface and print every message as it completes, with all
// the views of `read`.
package sniff

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// SniffOptions are the flags of `ctishark sniff`.
type SniffOptions struct {
	IO   *iostreams.IOStreams
	View view.Options

	Interface     string
	CaptureFilter string
	Autostop      []string
	Ring          []string
	Print         bool
	BufferMB      int
	ListIfaces    bool // -D: print the interfaces and exit, as tshark -D

	// Resolved by validate.
	stop autostop
	ring reassembly.RingOptions // -b; the capture fills in the rest

	// Context is the parent of the capture's context (tests cancel it
	// the way a signal would); nil means context.Background.
	Context context.Context
	// Open starts the capture; nil means reassembly.OpenLive. Tests
	// substitute a source that needs no privileges.
	Open func(ctx context.Context, o reassembly.LiveOptions) (Capture, error)
}

// Capture is a running live capture.
type Capture interface {
	ReadPacket() (reassembly.Packet, error)
	Stats() reassembly.LiveStats
	LinkType() reassembly.LinkType
	Close() error
}

// NewCmdSniff returns the sniff command; runF replaces sniffRun in tests.
func NewCmdSniff(f *factory.Factory, runF func(*SniffOptions) error) *cobra.Command {
	opts := &SniffOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "sniff -i INTERFACE [flags]",
		Short: "Capture CTI traffic live from a network interface and decode it",
		Long: `Sniff captures the TCP traffic of the CTI server ports (-p, default 42027
and 12028) on a network interface and prints every CTI message as soon as
it completes, in any view of read (-T table|tree|json|jsonl|fields, -V, -x,
-Y display filters, --show-secrets ...).

On Linux the capture is a packet socket with an in-kernel filter for the
ports: no libpcap needed. It needs root or the CAP_NET_RAW capability:

  sudo setcap cap_net_raw+ep $(which ctishark)

Builds with the pcap tag (go build -tags pcap) capture through libpcap,
on any OS it supports, and accept full capture filter expressions (-f).

-w FILE.pcapng saves every captured packet (rows are then not printed
unless -P); -b filesize:KB starts a new file at that size (kB of 1000
bytes, as dumpcap: filesize:100000 is 100 MB), named
FILE_00001_YYYYmmddHHMMSS.pcapng and so on, and -b files:N keeps only the
newest N, for unattended runs.

Stop with Ctrl-C (or SIGTERM), after -c N messages or after -a
duration:SECONDS. Pending messages are flushed and files closed; a summary
goes to standard error: messages, packets, bytes, and the packets dropped
by the kernel (its buffer was full) or cut by the snap length.`,
		Example: `  # the packet list, live
  sudo ctishark sniff -i eth0

  # every field of agent state changes
  sudo ctishark sniff -i eth0 -V -Y 'cti.msg_type == "AGENT_STATE_EVENT"'

  # unattended: a day in 100 MB files, keeping the newest 20
  sudo ctishark sniff -i eth0 -w /var/tmp/cti.pcapng -b filesize:100000 -b files:20 -a duration:86400

  # a server on another port, one JSON object per message
  sudo ctishark sniff -i ens192 -p 42028 -T jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ListIfaces {
				return listInterfaces(opts.IO.Out)
			}
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return sniffRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVarP(&opts.Interface, "interface", "i", "", "capture on `INTERFACE` (e.g. eth0, lo; -D lists them)")
	fl.BoolVarP(&opts.ListIfaces, "list-interfaces", "D", false, "print the network interfaces sniff can capture on, and exit (as tshark -D)")
	opts.View.AddFlags(cmd)
	// read's -w keeps the packets of the shown messages; sniff's keeps
	// everything captured, like tshark's.
	fl.Lookup("write").Usage = "save every captured packet to `FILE` (pcapng); rows are not printed unless -P"
	fl.BoolVarP(&opts.Print, "print", "P", false, "print rows even when saving with -w")
	fl.StringArrayVarP(&opts.Ring, "ring-buffer", "b", nil, "with -w: filesize:`KB` starts a new file at that size (kB of 1000 bytes, as dumpcap), files:N keeps the newest N")
	fl.StringArrayVarP(&opts.Autostop, "autostop", "a", nil, "stop after duration:`SECONDS`")
	fl.StringVarP(&opts.CaptureFilter, "capture-filter", "f", "", "capture filter `EXPRESSION` (libpcap syntax; needs a build with -tags pcap)")
	fl.IntVarP(&opts.BufferMB, "buffer-size", "B", reassembly.DefaultLiveBuffer>>20, "kernel capture buffer in `MB`")
	return cmd
}

func (o *SniffOptions) validate(cmd *cobra.Command) error {
	if o.Interface == "" {
		return factory.Usagef("sniff needs an interface: -i INTERFACE (list them with sniff -D)")
	}
	if err := o.View.Validate(cmd, o.IO); err != nil {
		return err
	}
	var err error
	if o.stop, err = parseAutostop(o.Autostop); err != nil {
		return err
	}
	if o.ring, err = parseRing(o.Ring); err != nil {
		return err
	}
	if len(o.Ring) > 0 && o.View.WriteFile == "" {
		return factory.Usagef("-b needs -w FILE")
	}
	if o.View.WriteFile == "-" {
		return factory.Usagef("sniff writes captures to files only (-w FILE.pcapng)")
	}
	if o.Print && o.View.WriteFile == "" {
		return factory.Usagef("-P goes with -w (rows are printed anyway without it)")
	}
	if o.BufferMB < 1 || o.BufferMB > 4096 {
		return factory.Usagef("-B: want a buffer of 1 to 4096 MB")
	}
	return nil
}

func sniffRun(o *SniffOptions) error {
	parent := o.Context
	if parent == nil {
		parent = context.Background()
	}
	// The first Ctrl-C stops the capture cleanly; restoring the default
	// handler then lets a second one kill a run stuck on a slow disk.
	ctx, stopSignals := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	context.AfterFunc(ctx, stopSignals)
	if o.stop.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.stop.duration)
		defer cancel()
	}
	open := o.Open
	if open == nil {
		open = func(ctx context.Context, lo reassembly.LiveOptions) (Capture, error) {
			return reassembly.OpenLive(ctx, lo)
		}
	}
	live, err := open(ctx, reassembly.LiveOptions{
		Interface:  o.Interface,
		Ports:      o.View.PortList,
		Filter:     o.CaptureFilter,
		BufferSize: o.BufferMB << 20,
	})
	if err != nil {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", err)
		return &factory.SilentError{Code: factory.ExitError}
	}
	fmt.Fprintf(o.IO.ErrOut, "Capturing on %s (%s)\n", o.Interface, o.filterText())

	src := &tee{src: live}
	if o.View.WriteFile != "" {
		ro := o.ring
		ro.LinkType, ro.Interface = live.LinkType(), o.Interface
		src.ring, err = reassembly.NewRingWriter(o.View.WriteFile, ro)
		if err != nil {
			live.Close()
			fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", err)
			return &factory.SilentError{Code: factory.ExitError}
		}
	}
	var out func(*pipeline.Record) error
	var closeOut func() error
	var renderAhead func() func([]byte, *pipeline.Record) []byte
	if o.View.WriteFile == "" || o.Print {
		w, err := o.View.NewWriter(o.IO, true)
		if err != nil {
			live.Close()
			src.ring.Close()
			return err
		}
		out, closeOut = w.Write, w.Close
		renderAhead = render.RenderAhead(w)
	} else {
		out, closeOut = func(*pipeline.Record) error { return nil }, func() error { return nil }
	}

	popts := o.View.Pipeline()
	popts.Lookahead = false // rows as messages complete, not when answered
	// The views copy what they print out of each record before the next:
	// later messages are decoded into the memory of printed ones.
	popts.Recycle = true
	// Decoding runs beside capturing and printing: in a burst, once the
	// capture falls behind the clock by 5 ms, messages are decoded in
	// batches on the other cores; otherwise each is printed at once.
	popts.Parallel = true
	popts.Async = true // and printing beside reading, on the same terms
	popts.MaxDelay = 5 * time.Millisecond
	popts.Render = renderAhead // rows rendered on every core, written in order
	p := pipeline.New(popts)
	runErr := p.Read(src, out)

	// Stop the capture first so the kernel counters are final, then
	// close the files and print what happened.
	live.Close()
	outErr := closeOut()
	ringErr := src.ring.Close() // a nil writer is closed
	o.summary(p.Messages(), live.Stats(), src.ring)
	if runErr == nil {
		runErr = ringErr
	}
	if runErr != nil {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %v\n", runErr)
		return &factory.SilentError{Code: factory.ExitError}
	}
	return outErr
}

// filterText says what the capture keeps, for the start line.
func (o *SniffOptions) filterText() string {
	if o.CaptureFilter != "" {
		return "filter " + o.CaptureFilter
	}
	if len(o.View.PortList) == 0 {
		return "all TCP"
	}
	s := "TCP port"
	if len(o.View.PortList) > 1 {
		s += "s"
	}
	for i, p := range o.View.PortList {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf(" %d", p)
	}
	return s
}

// summary tells standard error what the run captured and lost.
func (o *SniffOptions) summary(msgs int, st reassembly.LiveStats, ring *reassembly.RingWriter) {
	w := o.IO.ErrOut
	fmt.Fprintf(w, "%d %s, %d %s (%d bytes) captured on %s; dropped: %d by the kernel, %d cut by the snap length\n",
		msgs, plural(msgs, "message"), st.Packets, plural(int(st.Packets), "packet"), st.Bytes, o.Interface,
		st.KernelDrops, st.Truncated)
	if ring != nil {
		for _, f := range ring.Files() {
			fmt.Fprintf(w, "Saved %s\n", f)
		}
	}
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

// tee hands packets to the pipeline and saves them with -w.
type tee struct {
	src  Capture
	ring *reassembly.RingWriter
}

func (t *tee) ReadPacket() (reassembly.Packet, error) {
	p, err := t.src.ReadPacket()
	if err == nil && t.ring != nil {
		if werr := t.ring.WritePacket(&p); werr != nil {
			return p, fmt.Errorf("writing the capture: %w", werr)
		}
	}
	return p, err
}
