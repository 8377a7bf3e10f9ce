// Package inputflags holds the flags every command that decodes captures
// shares: which TCP ports are CTI, whether to look for CTI elsewhere, a
// forced protocol version or floating-header layout, and the -Y display
// filter. One definition, so `read`, `sniff`, `ladder`, `calls`, `agents`
// and `stats` accept them with the same spelling, defaults and errors.
package inputflags

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/spf13/pflag"
)

// Options are the flags as given and, after Validate, as resolved.
type Options struct {
	Ports       []string
	NoHeuristic bool
	CTIVersion  int
	FloatHeader string
	DialectName string // --dialect: uccx, ucce or auto
	Filter      string // -Y

	// Resolved by Validate.
	PortList []uint16
	Layout   dissect.Layout
	Dialect  dissect.Dialect             // DialectUnknown = auto
	Match    func(*pipeline.Record) bool // nil = keep every record
}

// AddFlags registers -p, --no-heuristics, --cti-version, --float-header,
// --dialect and -Y.
func (o *Options) AddFlags(fl *pflag.FlagSet) {
	fl.StringSliceVarP(&o.Ports, "port", "p", []string{"42027", "12028"}, "CTI server `PORT` (repeatable or comma-separated)")
	fl.BoolVar(&o.NoHeuristic, "no-heuristics", false, "decode only connections on the server ports")
	fl.IntVar(&o.CTIVersion, "cti-version", 0, "force protocol version `N` instead of reading it from OPEN_REQ")
	fl.StringVar(&o.FloatHeader, "float-header", "", "force the floating field header `layout`: 1+1, 2+1 or 2+2 (tag+length bytes)")
	fl.StringVar(&o.DialectName, "dialect", "auto", "protocol `dialect`: uccx, ucce, or auto (decided per connection from the traffic)")
	fl.StringVarP(&o.Filter, "display-filter", "Y", "", filterUsage)
}

// Validate resolves the flags, returning usage errors.
func (o *Options) Validate() error {
	var err error
	if o.PortList, err = ParsePorts(o.Ports); err != nil {
		return err
	}
	if o.CTIVersion < 0 || o.CTIVersion > 999 {
		return factory.Usagef(fmt.Sprintf("invalid --cti-version %d", o.CTIVersion))
	}
	o.Layout = 0
	if o.FloatHeader != "" {
		if o.Layout, err = dissect.ParseLayout(o.FloatHeader); err != nil {
			return &factory.UsageError{Err: err}
		}
	}
	if o.Dialect, err = dissect.ParseDialect(o.DialectName); err != nil {
		return &factory.UsageError{Err: err}
	}
	if o.Match, err = CompileFilter(o.Filter); err != nil {
		return err
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

// Pipeline is the pipeline configuration the flags ask for (-Y included).
func (o *Options) Pipeline() pipeline.Options {
	return pipeline.Options{
		Ports:        o.PortList,
		NoHeuristics: o.NoHeuristic,
		Version:      o.CTIVersion,
		Layout:       o.Layout,
		Dialect:      o.Dialect,
		Filter:       o.Match,
	}
}

// CheckFiles rejects an empty file list and standard input named twice.
func CheckFiles(files []string) error {
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
	return nil
}

// filterUsage is -Y's help text.
const filterUsage = "display `FILTER`: only messages matching it (Wireshark syntax, e.g. 'cti.msg_type == AGENT_STATE_EVENT && cti.AgentState == AGENT_STATE_READY'; `ctishark fields` lists the names)"

// CompileFilter turns a -Y expression into a record test; "" gives nil (keep
// everything). A bad filter is a usage error whose text points at the
// offending position.
func CompileFilter(expr string) (func(*pipeline.Record) bool, error) {
	if expr == "" {
		return nil, nil
	}
	f, err := filter.Compile(expr)
	if err != nil {
		return nil, factory.Usagef("-Y: " + err.Error())
	}
	return pipeline.Matcher(f), nil
}
