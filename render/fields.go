package render

import (
	"bufio"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// FieldsOptions configure the fields view (`-T fields -e NAME...`), which
// prints the values of the named fields, one line per message, like
// tshark's -T fields with its -E options.
type FieldsOptions struct {
	Fields     []string // filter names, in output order (cti.AgentID, cti.num...)
	Separator  string   // between columns (default tab)
	Aggregator string   // between occurrences of a repeated field (default ",")
	Quote      byte     // 0, '"' or '\'': wrap every value, doubling the quote inside
	Header     bool     // first line: the field names
	Display    bool     // symbolic values: enum and mask names, TIME as a date
}

// fieldsWriter writes one line per record. Nothing is kept between
// records.
type fieldsWriter struct {
	bw     *bufio.Writer
	opts   Options
	fo     FieldsOptions
	header bool
	line   []byte
	vals   []string
}

// NewFields returns the fields view writer.
func NewFields(w io.Writer, opts Options, fo FieldsOptions) Writer {
	if fo.Separator == "" {
		fo.Separator = "\t"
	}
	if fo.Aggregator == "" {
		fo.Aggregator = ","
	}
	var wr Writer = &fieldsWriter{bw: bufio.NewWriterSize(w, 64<<10), opts: opts, fo: fo, header: fo.Header}
	if opts.Live {
		wr = liveWriter{wr}
	}
	return wr
}

func (f *fieldsWriter) Write(r *record.Record) error {
	b := f.line[:0]
	if f.header {
		f.header = false
		b = f.appendHeader(b)
	}
	for i, name := range f.fo.Fields {
		if i > 0 {
			b = append(b, f.fo.Separator...)
		}
		f.vals = FieldValues(f.vals[:0], r, name, f.fo.Display, f.opts.ShowSecrets)
		b = f.appendCell(b, strings.Join(f.vals, f.fo.Aggregator))
	}
	b = append(b, '\n')
	f.line = b
	_, err := f.bw.Write(b)
	return err
}

// appendCell adds one value, quoted when asked; line breaks are escaped so
// a message stays on one line.
func (f *fieldsWriter) appendCell(b []byte, s string) []byte {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
	}
	if f.fo.Quote == 0 {
		return append(b, s...)
	}
	q := string(f.fo.Quote)
	b = append(b, q...)
	b = append(b, strings.ReplaceAll(s, q, q+q)...)
	return append(b, q...)
}

func (f *fieldsWriter) Flush() error { return f.bw.Flush() }

func (f *fieldsWriter) Close() error {
	if f.header && len(f.fo.Fields) > 0 {
		// No record at all: the header still says what the columns were.
		f.header = false
		f.bw.Write(f.appendHeader(nil))
	}
	return f.bw.Flush()
}

// appendHeader adds the line of field names.
func (f *fieldsWriter) appendHeader(b []byte) []byte {
	for i, name := range f.fo.Fields {
		if i > 0 {
			b = append(b, f.fo.Separator...)
		}
		b = f.appendCell(b, name)
	}
	return append(b, '\n')
}

// FieldValues appends the values of the named field in r to dst, one per
// occurrence: capture and analysis fields (cti.num, cti.time_relative,
// cti.response_time...) from the record, message fields by filter name
// from the decoded tree (mask bits and other children included). Values
// are raw (numbers for enums) unless display; secrets are masked unless
// showSecrets.
func FieldValues(dst []string, r *record.Record, name string, display, showSecrets bool) []string {
	fr := &r.Frame
	port := func(a netip.AddrPort) string { return strconv.Itoa(int(a.Port())) }
	switch name {
	case "cti.num":
		if r.Msg != nil {
			dst = append(dst, strconv.Itoa(r.Num))
		}
		return dst
	case "cti.frame":
		return append(dst, strconv.Itoa(fr.Pkt))
	case "cti.stream":
		return append(dst, strconv.Itoa(fr.Stream))
	case "cti.dir":
		return append(dst, fr.Dir.String())
	case "cti.src":
		return append(dst, fr.Src.String())
	case "cti.dst":
		return append(dst, fr.Dst.String())
	case "cti.addr":
		return append(dst, fr.Src.String(), fr.Dst.String())
	case "cti.srcport":
		return append(dst, port(fr.Src))
	case "cti.dstport":
		return append(dst, port(fr.Dst))
	case "cti.port":
		return append(dst, port(fr.Src), port(fr.Dst))
	case "cti.time_relative":
		if fr.Time.IsZero() {
			return dst
		}
		return append(dst, seconds(fr.Relative()))
	case "cti.time_epoch":
		if fr.Time.IsZero() {
			return dst
		}
		return append(dst, strconv.FormatInt(fr.Time.Unix(), 10)+"."+pad9(int64(fr.Time.Nanosecond())))
	case "cti.event":
		if r.Event != nil {
			dst = append(dst, r.Event.Kind.String())
		}
		return dst
	case "cti.response_time":
		switch {
		case r.Response != nil:
			dst = append(dst, seconds(r.Response.Latency))
		case r.Request != nil:
			dst = append(dst, seconds(r.Request.Latency))
		}
		return dst
	case "cti.response_in":
		if r.Response != nil {
			dst = append(dst, strconv.Itoa(r.Response.Num))
		}
		return dst
	case "cti.request_in":
		if r.Request != nil {
			dst = append(dst, strconv.Itoa(r.Request.Num))
		}
		return dst
	case "cti.unanswered":
		if r.Unanswered {
			dst = append(dst, "1")
		}
		return dst
	}
	m := r.Msg
	if m == nil {
		return dst
	}
	switch name {
	case "cti.msg_type":
		return append(dst, m.Name())
	case "cti.expert":
		for _, e := range m.AllExpert() {
			dst = append(dst, e.Code)
		}
		return dst
	case "cti.expert.severity":
		for _, e := range m.AllExpert() {
			dst = append(dst, e.Severity.String())
		}
		return dst
	}
	dst = appendTreeValues(dst, m.Header, name, display, showSecrets)
	return appendTreeValues(dst, m.Fields, name, display, showSecrets)
}

func appendTreeValues(dst []string, fs []dissect.Field, name string, display, showSecrets bool) []string {
	for i := range fs {
		f := &fs[i]
		if f.Filter == name {
			switch {
			case record.IsSecret(f) && !showSecrets:
				dst = append(dst, record.Secret)
			case display && f.Display() != "":
				dst = append(dst, f.Display())
			default:
				dst = append(dst, f.Value.Text())
			}
		}
		if len(f.Children) > 0 {
			dst = appendTreeValues(dst, f.Children, name, display, showSecrets)
		}
	}
	return dst
}

func pad9(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 9-len(s)) + s
}
