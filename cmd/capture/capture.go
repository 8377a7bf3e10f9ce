// Package capture is ctishark's Go API for tests: open a pcap/pcapng
// capture, iterate over its decoded CTI messages, and assert on them in a
// Go test, with the same decoding, pairing and display filters as the
// ctishark command line.
//
//	msgs, err := capture.ReadAll("testdata/login.pcap", `cti.msg_type == "AGENT_STATE_EVENT"`)
//	for _, m := range msgs {
//		state, _ := m.Display("cti.AgentState")
//		...
//	}
//
// It lives under cmd/ on purpose: it glues the reassembler to the
// dissector (through cmd/internal/pipeline), which reassembly/ and
// dissect/ must not do themselves, and cmd/ is where that glue is.
package capture

import (
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/reassembly"
)

// Option changes how a capture is decoded.
type Option func(*config) error

type config struct {
	popts   pipeline.Options
	filter  *filter.Filter // WithFilter's
	extra   *filter.Filter // ReadAll's and Decode's filterExpr
	secrets bool
}

// WithFilter keeps only the messages matching a display filter
// (ctishark's -Y syntax, e.g. `cti.msg_type == "HEARTBEAT_REQ"`). Message
// numbers still count every message, and pairing sees every message.
// Given to ReadAll or Decode with a filterExpr too, a message must match
// both. The last WithFilter wins; "" removes it.
func WithFilter(expr string) Option {
	return func(c *config) (err error) {
		c.filter, err = compile(expr)
		return err
	}
}

// compile compiles a filter expression; "" is no filter.
func compile(expr string) (*filter.Filter, error) {
	if expr == "" {
		return nil, nil
	}
	return filter.Compile(expr)
}

// WithPorts sets the CTI server ports (default 42027 and 12028).
func WithPorts(ports ...uint16) Option {
	return func(c *config) error { c.popts.Ports = append([]uint16{}, ports...); return nil }
}

// WithoutHeuristics decodes only connections on the server ports.
func WithoutHeuristics() Option {
	return func(c *config) error { c.popts.NoHeuristics = true; return nil }
}

// WithVersion forces the protocol version instead of reading it from
// each connection's OPEN_REQ.
func WithVersion(v int) Option {
	return func(c *config) error {
		if v < 0 {
			return fmt.Errorf("capture: invalid protocol version %d", v)
		}
		c.popts.Version = v
		return nil
	}
}

// WithDialect forces the protocol dialect ("uccx" or "ucce"), as --dialect
// does; "auto" (the default) decides per connection from the traffic.
func WithDialect(dialect string) Option {
	return func(c *config) error {
		d, err := dissect.ParseDialect(dialect)
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		c.popts.Dialect = d
		return nil
	}
}

// WithLayout forces the floating header layout ("1+1", "2+1" or "2+2"),
// as --float-header does, instead of taking it from the version or the
// bytes.
func WithLayout(layout string) Option {
	return func(c *config) error {
		l, err := dissect.ParseLayout(layout)
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		c.popts.Layout = l
		return nil
	}
}

// WithSecrets makes Field and Fields return passwords (ClientPassword,
// AgentPassword) instead of ********.
func WithSecrets() Option {
	return func(c *config) error { c.secrets = true; return nil }
}

// WithoutDiagnosis leaves out the doctor's findings (cti.diag.* expert
// items, see dissect/diag): messages then carry only what their own bytes
// and pairing say, and reading is a little cheaper.
func WithoutDiagnosis() Option {
	return func(c *config) error { c.popts.NoDiag = true; return nil }
}

// Capture is an opened capture file. It reads the file again on every
// Messages call, so memory stays flat whatever its size.
type Capture struct {
	path string
	cfg  config
}

// Open checks that path is a readable pcap/pcapng capture (gzip too) and
// that the options are valid; decoding happens in Messages.
func Open(path string, opts ...Option) (*Capture, error) {
	c := &Capture{path: path}
	if err := c.cfg.apply(opts); err != nil {
		return nil, err
	}
	src, err := reassembly.OpenFile(path)
	if err != nil {
		return nil, pipeline.NewFileError(path, err)
	}
	src.Close()
	return c, nil
}

// apply sets the defaults, then the options.
func (cfg *config) apply(opts []Option) error {
	// Requests carry their answer (Message.ResponseTime) only when the
	// pipeline looks ahead; reading a whole capture, it always can.
	cfg.popts.Lookahead = true
	for _, o := range opts {
		if err := o(cfg); err != nil {
			return err
		}
	}
	cfg.popts.Filter = nil
	switch f, extra := cfg.filter, cfg.extra; {
	case f != nil && extra != nil:
		cfg.popts.Filter = func(r *pipeline.Record) bool { return f.Match(r) && extra.Match(r) }
	case f != nil:
		cfg.popts.Filter = f.Match
	case extra != nil:
		cfg.popts.Filter = extra.Match
	}
	return nil
}

// Path is the file name given to Open.
func (c *Capture) Path() string { return c.path }

// Messages decodes the capture and yields its CTI messages (those the
// filter keeps) in the order they complete. Stream events (gaps) are not
// yielded. A capture that turns out truncated or corrupt yields, after
// every message decodable before the damage, one (nil, error) pair.
// Breaking out of the loop stops reading.
func (c *Capture) Messages() iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		src, err := reassembly.OpenFile(c.path)
		if err != nil {
			yield(nil, pipeline.NewFileError(c.path, err))
			return
		}
		defer src.Close()
		c.cfg.read(src, c.path, yield)
	}
}

// read decodes src, yielding its messages, then the error (named after
// name) that stopped it, if any.
func (cfg *config) read(src *reassembly.Source, name string, yield func(*Message, error) bool) {
	p := pipeline.New(cfg.popts)
	stopped := errors.New("stopped")
	err := p.ReadNamed(name, src, func(r *pipeline.Record) error {
		if r.Msg == nil {
			return nil
		}
		if !yield(&Message{rec: r, secrets: cfg.secrets}, nil) {
			return stopped
		}
		return nil
	})
	if err != nil && !errors.Is(err, stopped) {
		yield(nil, fmt.Errorf("%s: %w", name, err))
	}
}

// ReadAll decodes a whole capture and returns its messages matching
// filterExpr ("" = all) and any WithFilter among opts. On a damaged
// capture it returns the messages decoded before the damage together with
// the error.
func ReadAll(path, filterExpr string, opts ...Option) ([]*Message, error) {
	c, err := Open(path, append(opts, withExtra(filterExpr))...)
	if err != nil {
		return nil, err
	}
	return collect(c.Messages())
}

// Decode is ReadAll for a capture held in memory or arriving on a reader;
// it streams r once, without a temporary copy. Errors name the capture
// "(reader)".
func Decode(r io.Reader, filterExpr string, opts ...Option) ([]*Message, error) {
	var cfg config
	if err := cfg.apply(append(opts, withExtra(filterExpr))); err != nil {
		return nil, err
	}
	const name = "(reader)"
	src, err := reassembly.OpenReader(r)
	if err != nil {
		return nil, pipeline.NewFileError(name, err)
	}
	return collect(func(yield func(*Message, error) bool) { cfg.read(src, name, yield) })
}

// collect gathers the messages of seq, stopping at its error.
func collect(seq iter.Seq2[*Message, error]) ([]*Message, error) {
	var out []*Message
	for m, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

// withExtra sets ReadAll's and Decode's positional filter, which applies
// together with WithFilter rather than replacing it.
func withExtra(expr string) Option {
	return func(c *config) (err error) {
		c.extra, err = compile(expr)
		return err
	}
}
