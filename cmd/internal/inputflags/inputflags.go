// Package inputflags holds the flags every command that decodes captures
// shares: which TCP ports are CTI, whether to look for CTI elsewhere, a
// forced protocol version or floating-header layout, and the -Y display
// filter. One definition, so `read`, `sniff`, `ladder`, `calls`, `agents`
// and `stats` accept them with the same spelling, defaults and errors.
package inputflags

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/spf13/pflag"
)

// MaxCTIVersion is the highest protocol version any source knows: the UCCE
// catalog (dissect/catalog-ucce.json, from Cisco's protocol-25 guide) stops
// at 25. A larger --cti-version is a typo, not a version to decode as.
const MaxCTIVersion = 25

// Options are the flags as given and, after Validate, as resolved.
type Options struct {
	Ports       []string
	NoHeuristic bool
	CTIVersion  int
	FloatHeader string
	DialectName string // --dialect: uccx, ucce or auto
	Filter      string // -Y

	// Byte bounds of the reassembler, as given ("64M"); "" keeps the default.
	MaxBufferTotal    string
	MaxPartialTotal   string
	MaxFragBuffer     string
	MaxLookahead      string
	MaxInterfaceTable string

	// Resolved by Validate.
	Limits   pipeline.Limits
	PortList []uint16
	Layout   dissect.Layout
	Dialect  dissect.Dialect             // DialectUnknown = auto
	Match    func(*pipeline.Record) bool // nil = keep every record
	// MatchReads, with Match, names every field a message must keep for
	// Match and the view to see it as whole (pipeline.FilterReads); nil:
	// decode whole.
	MatchReads func(*dissect.FieldDef) bool
	// FilterHints are notes on -Y for the user (an old spelling of a
	// field name, with its new one); PrintHints writes them.
	FilterHints []string

	// DiagRules, set by a command (doctor's --rule/--skip), keeps only the
	// doctor's rules whose code it accepts; nil runs them all.
	DiagRules func(code string) bool
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
	fl.StringVar(&o.MaxBufferTotal, "max-buffer-total", "", fmt.Sprintf("bound on out-of-order TCP data held behind holes, all connections together (`BYTES`, K/M/G suffixes; default %s): past it the oldest holes are given up as gaps", SizeString(reassembly.DefaultMaxBufferedTotal)))
	fl.StringVar(&o.MaxPartialTotal, "max-partial-total", "", fmt.Sprintf("bound on incomplete CTI frames (and resync windows) held, all connections together (`BYTES`; default %s): past it the biggest are dropped, reported as overflow or skipped", SizeString(reassembly.DefaultMaxPartialTotal)))
	fl.StringVar(&o.MaxFragBuffer, "max-frag-buffer", "", fmt.Sprintf("bound on IP fragments held for reassembly (`BYTES`; default %s): past it the oldest incomplete datagrams are dropped", SizeString(reassembly.DefaultMaxFragBytes)))
	fl.StringVar(&o.MaxLookahead, "max-lookahead", "", fmt.Sprintf("bound on decoded messages held behind a request waiting for its answer (`BYTES`; default %s): past it the request is shown before its answer and its verdict reported later", SizeString(pipeline.DefaultMaxHeldBytes)))
	fl.StringVar(&o.MaxInterfaceTable, "max-interface-table", "", fmt.Sprintf("bound on a pcapng section's interface table (`BYTES`; default %s): past it reading stops", SizeString(reassembly.DefaultMaxInterfaceBytes)))
}

// Validate resolves the flags, returning usage errors.
func (o *Options) Validate() error {
	var err error
	if o.PortList, err = ParsePorts(o.Ports); err != nil {
		return err
	}
	if o.CTIVersion < 0 || o.CTIVersion > MaxCTIVersion {
		return factory.Usagef("--cti-version %d: no such protocol version (known: 1 to %d; UCCX documents up to 18, UCCE up to %d)", o.CTIVersion, MaxCTIVersion, MaxCTIVersion)
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
	if o.Match, o.MatchReads, o.FilterHints, err = compileFilter(o.Filter); err != nil {
		return err
	}
	for _, l := range []struct {
		flag string
		val  string
		dst  *int
	}{
		{"--max-buffer-total", o.MaxBufferTotal, &o.Limits.BufferTotal},
		{"--max-partial-total", o.MaxPartialTotal, &o.Limits.PartialTotal},
		{"--max-frag-buffer", o.MaxFragBuffer, &o.Limits.FragBuffer},
		{"--max-interface-table", o.MaxInterfaceTable, &o.Limits.InterfaceTable},
		{"--max-lookahead", o.MaxLookahead, &o.Limits.Lookahead},
	} {
		if *l.dst, err = ParseSize(l.val); err != nil {
			return factory.Usagef("%s: %v", l.flag, err)
		}
	}
	return nil
}

// ParseSize reads a byte count with an optional K, M or G suffix (powers
// of 1024); "" is 0 (the default).
func ParseSize(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	mult := 1
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	num := s
	if mult > 1 {
		num = s[:len(s)-1]
	}
	n, err := strconv.ParseUint(num, 10, 31)
	if err != nil || n == 0 || n > math.MaxInt32/uint64(mult) {
		return 0, fmt.Errorf("invalid size %q (want a positive number of bytes, e.g. 512M, below 2G)", s)
	}
	return int(n) * mult, nil
}

// SizeString spells a byte count as the --max-* flags take it (64M).
func SizeString(n int) string {
	switch {
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dG", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dM", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%dK", n>>10)
	}
	return strconv.Itoa(n)
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
				return nil, factory.Usagef("invalid port %q (want 1-65535)", s)
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
		FilterReads:  o.MatchReads,
		Limits:       o.Limits,
		DiagRules:    o.DiagRules,
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

// CheckOutput refuses an output file that is one of the inputs, so a flag
// that writes (read -w, ladder -o, check --junit) never overwrites what it
// reads. Names are compared as files (os.SameFile), so a symbolic or hard
// link to an input is refused too. "" and "-" (standard output) are fine,
// as is an output that does not exist yet; flag names the option in the
// message.
func CheckOutput(flag, out string, inputs ...string) error {
	if out == "" || out == "-" {
		return nil
	}
	so, err := os.Stat(out)
	if err != nil {
		return nil
	}
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		if si, err := os.Stat(in); err == nil && os.SameFile(so, si) {
			what := "the capture being read"
			if in != out {
				what = fmt.Sprintf("%s, which is being read", in)
			}
			return factory.Usagef("%s %s would overwrite %s", flag, out, what)
		}
	}
	return nil
}

// filterUsage is -Y's help text.
const filterUsage = "display `FILTER`: only messages matching it (Wireshark syntax, e.g. 'cti.msg_type == AGENT_STATE_EVENT && cti.AgentState == READY', 'ip.addr == 10.0.0.0/24'; ctishark fields lists the names)"

// CompileFilter turns a -Y expression into a record test; "" gives nil (keep
// everything). A bad filter is a usage error whose text points at the
// offending position.
func CompileFilter(expr string) (func(*pipeline.Record) bool, error) {
	m, _, _, err := compileFilter(expr)
	return m, err
}

// compileFilter is CompileFilter that also returns the fields a message
// the filter may let through keeps (pipeline.FilterReads) and the
// filter's hints.
func compileFilter(expr string) (func(*pipeline.Record) bool, func(*dissect.FieldDef) bool, []string, error) {
	if expr == "" {
		return nil, nil, nil, nil
	}
	f, err := filter.Compile(expr)
	if err != nil {
		return nil, nil, nil, factory.Usagef("-Y: %w", err)
	}
	return pipeline.Matcher(f), pipeline.FilterReads(f), f.Hints(), nil
}

// PrintHints writes the -Y hints to w (standard error), one a line.
func (o *Options) PrintHints(w io.Writer) {
	for _, h := range o.FilterHints {
		fmt.Fprintf(w, "ctishark: -Y: %s\n", h)
	}
}
