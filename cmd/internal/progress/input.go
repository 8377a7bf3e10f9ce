package progress

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
	"github.com/spf13/pflag"
)

// Input holds the capture-decoding flags of the commands that read whole
// captures (-p, --no-heuristics, --cti-version, --float-header) and builds
// their pipeline options in one place.
type Input struct {
	Ports       []string
	NoHeuristic bool
	CTIVersion  int
	FloatHeader string

	ports  []uint16
	layout dissect.Layout
}

// AddFlags registers the flags.
func (in *Input) AddFlags(fl *pflag.FlagSet) {
	fl.StringSliceVarP(&in.Ports, "port", "p", []string{"42027", "12028"}, "CTI server `PORT` (repeatable or comma-separated)")
	fl.BoolVar(&in.NoHeuristic, "no-heuristics", false, "decode only connections on the server ports")
	fl.IntVar(&in.CTIVersion, "cti-version", 0, "force protocol version `N` instead of reading it from OPEN_REQ")
	fl.StringVar(&in.FloatHeader, "float-header", "", "force the floating field header `layout`: 1+1, 2+1 or 2+2")
}

// Validate checks the flags and the file list, returning usage errors.
func (in *Input) Validate(files []string) error {
	if len(files) == 0 {
		return factory.Usagef("at least one capture file is needed (or - for standard input)")
	}
	stdin := 0
	for _, f := range files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return factory.Usagef("standard input (-) can be read only once")
	}
	in.ports = []uint16{}
	for _, p := range in.Ports {
		for _, s := range strings.Split(p, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			n, err := strconv.ParseUint(s, 10, 16)
			if err != nil || n == 0 {
				return factory.Usagef(fmt.Sprintf("invalid port %q (want 1-65535)", s))
			}
			in.ports = append(in.ports, uint16(n))
		}
	}
	if in.CTIVersion < 0 || in.CTIVersion > 999 {
		return factory.Usagef(fmt.Sprintf("invalid --cti-version %d", in.CTIVersion))
	}
	if in.FloatHeader != "" {
		var err error
		if in.layout, err = dissect.ParseLayout(in.FloatHeader); err != nil {
			return &factory.UsageError{Err: err}
		}
	}
	return nil
}

// Options are the pipeline options the flags ask for.
func (in *Input) Options() pipeline.Options {
	return pipeline.Options{
		Ports:        in.ports,
		NoHeuristics: in.NoHeuristic,
		Version:      in.CTIVersion,
		Layout:       in.layout,
	}
}

// ReadAll decodes every file through one pipeline (messages and streams
// numbered across files), calling fn for each record, with a progress bar
// on a terminal. Unreadable or damaged files are reported on ErrOut and
// make it return false; what was decoded before the damage was handed out.
func ReadAll(io *iostreams.IOStreams, opts pipeline.Options, files []string, fn func(*pipeline.Record)) (ok bool) {
	p := pipeline.New(opts)
	ok = true
	for _, name := range files {
		if p.Done() {
			break
		}
		src, bar, err := Open(name, io.ErrOut, io.IsStderrTTY())
		if name == "-" {
			name = "standard input"
		}
		if err != nil {
			fmt.Fprintf(io.ErrOut, "ctishark: %s\n", fileError(name, err))
			ok = false
			continue
		}
		err = p.Read(src, func(r *pipeline.Record) error {
			if r.Msg != nil {
				bar.Message()
			}
			fn(r)
			return nil
		})
		bar.Close()
		src.Close()
		if err != nil {
			fmt.Fprintf(io.ErrOut, "ctishark: %s: %v\n", name, err)
			ok = false
		}
	}
	return ok
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
