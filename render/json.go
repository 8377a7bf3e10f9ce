package render

import (
	"bufio"
	"encoding/hex"
	"io"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// jsonWriter writes records as JSON objects with a fixed key order (see
// JSON.md): an indented array written element by element, or one compact
// object per line. Nothing is kept between records, so memory stays flat
// whatever the capture's size.
type jsonWriter struct {
	bw    *bufio.Writer
	opts  Options
	array bool
	n     int
	buf   []byte
	memo  jsonMemo // Write's own, for the records not rendered ahead
}

func newJSON(w io.Writer, opts Options, array bool) *jsonWriter {
	return &jsonWriter{bw: bufio.NewWriterSize(w, 64<<10), opts: opts, array: array}
}

func (j *jsonWriter) Write(r *record.Record) error {
	if j.array {
		if j.n == 0 {
			j.bw.WriteString("[\n  ")
		} else {
			j.bw.WriteString(",\n  ")
		}
	}
	j.n++
	if len(r.Rendered) > 0 {
		_, err := j.bw.Write(r.Rendered)
		return err
	}
	j.buf = j.render(j.buf[:0], r, &j.memo)
	_, err := j.bw.Write(j.buf)
	return err
}

// render appends a record's object (a line of its own in jsonl); the
// array's separators are Write's. memo is the calling goroutine's.
func (j *jsonWriter) render(b []byte, r *record.Record, memo *jsonMemo) []byte {
	if j.array {
		return appendRecord(b, r, j.opts.ShowSecrets, prettyStyle, memo)
	}
	return append(appendRecord(b, r, j.opts.ShowSecrets, compactStyle, memo), '\n')
}

// Renderer renders records ahead (Prerenderer): JSON has no state
// between records but the array's separators, and each rendering
// goroutine's memo of the fields it wrote.
func (j *jsonWriter) Renderer() func([]byte, *record.Record) []byte {
	memo := new(jsonMemo)
	return func(b []byte, r *record.Record) []byte { return j.render(b, r, memo) }
}

func (j *jsonWriter) Close() error {
	if j.array {
		if j.n == 0 {
			j.bw.WriteString("[]\n")
		} else {
			j.bw.WriteString("\n]\n")
		}
	}
	return j.bw.Flush()
}

// style is the whitespace of a JSON rendering: between top-level keys,
// between the members of a nested object, after a colon, and around the
// elements of the fields and expert arrays.
type style struct {
	key, member, colon, open, elem, close string
	fk                                    *fieldKeys
	rk                                    *recordKeys
}

var (
	compactStyle = withFieldKeys(style{key: ",", member: ",", colon: ":", open: "[", elem: ",", close: "]"})
	// prettyStyle puts each top-level key on its own line and each field or
	// expert item on its own line, inside an array indented by two spaces.
	prettyStyle = withFieldKeys(style{key: ",\n    ", member: ", ", colon: ": ", open: "[\n      ", elem: ",\n      ", close: "\n    ]"})
)

// fieldKeys are a style's key fragments of a field object (separator,
// quoted key, colon), made once: a field is written about twenty times per
// record, and appending one constant beats four small appends per key.
type fieldKeys struct {
	name, tag, occurrence, value, display, filter, offset, size, secret string
	defs                                                                func() *defCache
}

// recordKeys are the same for the keys of the record object (separator,
// quoted key, colon) and of its session and expert objects (member
// separator, quoted key, colon).
type recordKeys struct {
	frame, frames, time, stream, src, dst, dir, bytes, offset, info, length, truncated string
	msgType, msgTypeID, session, fields, expert                                        string
	layout, layoutSource, mode, dialect, notes, text                                   string
	code, message, field                                                               string
}

func withFieldKeys(st style) style {
	k := func(name string) string { return st.member + `"` + name + `"` + st.colon }
	st.fk = &fieldKeys{
		name: `{"name"` + st.colon, tag: k("tag"), occurrence: k("occurrence"), value: k("value"), display: k("display"),
		filter: k("filter"), offset: k("offset"), size: k("size"), secret: k("secret"),
	}
	r := func(name string) string { return st.key + `"` + name + `"` + st.colon }
	st.rk = &recordKeys{
		frame: r("frame"), frames: r("frames"), time: r("time"), stream: r("stream"), src: r("src"), dst: r("dst"),
		dir: r("dir"), bytes: r("bytes"), offset: r("offset"), info: r("info"), length: r("length"), truncated: r("truncated"),
		msgType: r("msg_type"), msgTypeID: r("msg_type_id"), session: r("session"), fields: r("fields"), expert: r("expert"),
		layout: k("layout"), layoutSource: k("layout_source"), mode: k("mode"), dialect: k("dialect"), notes: k("notes"),
		text: k("text"), code: k("code"), message: k("message"), field: k("field"),
	}
	st.fk.defs = lazyDefCache(st.fk, st.rk)
	return st
}

// AppendJSON appends the compact JSON object of a record to b (the jsonl
// form).
func AppendJSON(b []byte, r *record.Record, showSecrets bool) []byte {
	return appendRecord(b, r, showSecrets, compactStyle, nil)
}

func appendRecord(b []byte, r *record.Record, showSecrets bool, st style, memo *jsonMemo) []byte {
	fr := &r.Frame
	rk := st.rk
	key := func(b []byte, k string, first bool) []byte {
		if !first {
			b = append(b, st.key...)
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"')
		return append(b, st.colon...)
	}
	mem := func(b []byte, k string, first bool) []byte {
		if !first {
			b = append(b, st.member...)
		}
		b = append(b, '"')
		b = append(b, k...)
		b = append(b, '"')
		return append(b, st.colon...)
	}
	if st.key != "," {
		b = append(b, "{\n    "...)
	} else {
		b = append(b, '{')
	}
	if r.Event != nil {
		b = key(b, "event", true)
		b = appendString(b, r.Event.Kind.String())
	} else {
		b = key(b, "num", true)
		b = record.AppendInt(b, int64(r.Num))
	}
	b = append(b, rk.frame...)
	b = record.AppendInt(b, int64(fr.Pkt))
	if r.Event == nil {
		b = append(b, rk.frames...)
		b = append(b, '[')
		for i, p := range fr.Pkts {
			if i > 0 {
				b = append(b, st.member...)
			}
			b = record.AppendInt(b, int64(p))
		}
		b = append(b, ']')
	}
	b = append(b, rk.time...)
	if fr.Time.IsZero() {
		b = append(b, "null"...)
	} else {
		b = append(b, '"')
		b = memo.appendTime(b, fr.Time)
		b = append(b, '"')
	}
	b = append(b, rk.stream...)
	b = record.AppendInt(b, int64(fr.Stream))
	ss := memo.stream(fr.Stream, fr.Dir)
	if ss.sameEnds(fr) {
		b = append(b, ss.ends...)
	} else {
		at := len(b)
		b = append(b, rk.src...)
		b = appendEndpoint(b, fr.Src)
		b = append(b, rk.dst...)
		b = appendEndpoint(b, fr.Dst)
		b = append(b, rk.dir...)
		b = appendString(b, fr.Dir.String())
		ss.takeEnds(fr, b[at:])
	}
	if e := r.Event; e != nil {
		b = append(b, rk.bytes...)
		b = record.AppendInt(b, e.Bytes)
		b = append(b, rk.offset...)
		b = record.AppendInt(b, e.Offset)
		b = append(b, rk.info...)
		b = appendString(b, record.EventInfo(e, fr.Dir))
		return closeObj(b, st)
	}
	m := r.Msg
	b = append(b, rk.length...)
	b = record.AppendInt(b, int64(len(m.Frame)))
	if fr.Truncated {
		b = append(b, rk.truncated...)
		b = append(b, "true"...)
	}
	defs := st.fk.defs().cursor(m)
	if defs.mf != nil {
		b = append(b, defs.mf.msgType...)
	} else {
		b = append(b, rk.msgType...)
		b = appendString(b, m.Name())
		b = append(b, rk.msgTypeID...)
	}
	b = record.AppendUint(b, uint64(m.TypeID))
	sess := &r.Session
	if ss.sameSession(sess) {
		b = append(b, ss.sessJSON...)
	} else {
		at := len(b)
		b = appendSession(b, sess, st)
		ss.takeSession(sess, b[at:])
	}
	b = append(b, rk.info...)
	// Info's text is appended in place, then escaped only if it must be:
	// no string is made of it.
	b = append(b, '"')
	start := len(b)
	b = quoteAppended(record.AppendInfo(b, m, showSecrets), start)
	b = appendPairing(b, r, key)
	b = append(b, rk.fields...)
	if len(m.Fields) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, st.open...)
		for i := range m.Fields {
			if i > 0 {
				b = append(b, st.elem...)
			}
			f := &m.Fields[i]
			if memo != nil && defs.fix == i {
				if json := memo.fixedHit(&defs, f, m.Frame, showSecrets); json != nil {
					b = append(b, json...)
					continue
				}
			}
			b = appendField(b, f, m.Frame, showSecrets, st.fk, &defs, memo)
		}
		b = append(b, st.close...)
	}
	b = append(b, rk.expert...)
	ex := m.AllExpert()
	if len(ex) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, st.open...)
		for i, e := range ex {
			if i > 0 {
				b = append(b, st.elem...)
			}
			b = append(b, '{')
			b = mem(b, "severity", true)
			b = appendString(b, e.Severity.String())
			b = append(b, rk.code...)
			b = appendString(b, e.Code)
			b = append(b, rk.message...)
			b = appendString(b, e.Message)
			b = append(b, rk.field...)
			b = appendString(b, e.Field)
			b = append(b, '}')
		}
		b = append(b, st.close...)
	}
	return closeObj(b, st)
}

// appendSession writes the session key and object of a record.
func appendSession(b []byte, sess *record.Session, st style) []byte {
	rk := st.rk
	b = append(b, rk.session...)
	b = append(b, '{')
	b = append(b, `"version"`...)
	b = append(b, st.colon...)
	b = record.AppendInt(b, int64(sess.Version))
	b = append(b, rk.layout...)
	b = appendString(b, sess.Layout.String())
	b = append(b, rk.layoutSource...)
	b = appendString(b, sess.LayoutSource.String())
	b = append(b, rk.mode...)
	b = appendString(b, sess.Mode.String())
	if sess.Dialect == dissect.DialectUCCE {
		b = append(b, rk.dialect...)
		b = appendString(b, sess.Dialect.String())
	}
	if len(sess.Notes) > 0 {
		b = append(b, rk.notes...)
		b = append(b, '[')
		for i, n := range sess.Notes {
			if i > 0 {
				b = append(b, st.member...)
			}
			b = append(b, '{')
			b = append(b, `"code"`...)
			b = append(b, st.colon...)
			b = appendString(b, n.Code)
			b = append(b, rk.text...)
			b = appendString(b, n.Text)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendEndpoint writes an address and port as a JSON string, "" when
// unset (what endpoint gives), without making a string of it.
func appendEndpoint(b []byte, a netip.AddrPort) []byte {
	b = append(b, '"')
	start := len(b)
	return quoteAppended(a.AppendTo(b), start)
}

func closeObj(b []byte, st style) []byte {
	if st.key != "," {
		return append(b, "\n  }"...)
	}
	return append(b, '}')
}

func appendField(b []byte, f *dissect.Field, frame []byte, showSecrets bool, k *fieldKeys, defs *fragCursor, memo *jsonMemo) []byte {
	// A field named as its definition is (nearly all) takes the
	// definition's fragments, or the memo's copy of its whole object;
	// the rest are written key by key.
	var fr *defFrags
	if d := f.Def; d != nil {
		if fr = defs.find(d); fr != nil && (fr.tag != f.Tag || f.Name != d.Name || f.Filter != d.Filter) {
			fr = nil
		}
	}
	secret := record.IsSecret(f) && !showSecrets
	s := memo.shot(fr, f, frame, defs.defs)
	if s == nil {
		return appendFieldObject(b, f, secret, k, fr)
	}
	if s.same(f, frame, secret) {
		return append(b, s.json...)
	}
	start := len(b)
	b = appendFieldObject(b, f, secret, k, fr)
	s.take(f, frame, secret, b[start:])
	return b
}

// appendFieldObject writes a field's object, with its definition's
// fragments when fr is not nil.
func appendFieldObject(b []byte, f *dissect.Field, secret bool, k *fieldKeys, fr *defFrags) []byte {
	switch {
	case fr != nil && f.Occurrence == 0:
		b = append(b, fr.headValue...)
	case fr != nil:
		b = append(b, fr.head...)
		b = append(b, k.occurrence...)
		b = record.AppendInt(b, int64(f.Occurrence))
		b = append(b, k.value...)
	default:
		b = append(b, k.name...)
		b = appendString(b, f.Name)
		if f.Floating() {
			b = append(b, k.tag...)
			b = record.AppendInt(b, int64(f.Tag))
		}
		if f.Occurrence > 0 {
			b = append(b, k.occurrence...)
			b = record.AppendInt(b, int64(f.Occurrence))
		}
		b = append(b, k.value...)
	}
	if secret {
		b = appendString(b, record.Secret)
	} else {
		b = appendValue(b, &f.Value)
		if fr != nil && fr.enum != nil && f.Value.Type.IsInteger() {
			// Display's enum name, as a fragment made once.
			b = append(b, enumDisplay(f.Def.Enum, fr.enum, uint32(f.Value.Num))...)
		} else if d := f.Display(); d != "" && f.Value.Type != dissect.TypeBOOL {
			b = append(b, k.display...)
			b = appendString(b, d)
		}
	}
	if fr != nil {
		b = append(b, fr.filter...)
	} else {
		b = append(b, k.filter...)
		b = appendString(b, f.Filter)
		b = append(b, k.offset...)
	}
	b = record.AppendInt(b, int64(f.Offset))
	b = append(b, k.size...)
	b = record.AppendInt(b, int64(f.Size))
	if secret {
		b = append(b, k.secret...)
		b = append(b, "true"...)
	}
	return append(b, '}')
}

// appendValue writes a value as the conformance contract says: integers as
// numbers, BOOL as true/false, STRING as text, UNSPEC as lowercase hex, TIME
// as seconds, NamedVariable and NamedArray as objects. v is read in place:
// a copy of the 80-byte value per field showed in the jsonl profile.
func appendValue(b []byte, v *dissect.Value) []byte {
	switch v.Type {
	case dissect.TypeBOOL:
		return strconv.AppendBool(b, v.Num != 0)
	case dissect.TypeCHAR, dissect.TypeSHORT, dissect.TypeINT:
		return record.AppendInt(b, v.Int64())
	case dissect.TypeUCHAR, dissect.TypeUSHORT, dissect.TypeUINT, dissect.TypeTIME:
		return record.AppendUint(b, v.Num)
	case dissect.TypeSTRING:
		return appendString(b, v.Str)
	case dissect.TypeNAMEDVAR:
		b = append(b, `{"name":`...)
		b = appendString(b, v.Name)
		b = append(b, `,"value":`...)
		b = appendString(b, v.Str)
		return append(b, '}')
	case dissect.TypeNAMEDARRAY:
		b = append(b, `{"index":`...)
		b = record.AppendUint(b, uint64(v.Index))
		b = append(b, `,"name":`...)
		b = appendString(b, v.Name)
		b = append(b, `,"value":`...)
		b = appendString(b, v.Str)
		return append(b, '}')
	}
	b = append(b, '"')
	b = hex.AppendEncode(b, v.Bytes)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes a JSON string holds as they are: printable
// ASCII but the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// Word-at-a-time byte tests (the "has a byte less than n" and "has a
// zero byte" tricks): exact as to whether any byte of the word matches.
const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// plainPrefix is the length of the longest prefix of s that a JSON string
// holds as it is (jsonPlain bytes only).
func plainPrefix[S string | []byte](s S) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		ctl := (x - 0x20*swarLo) &^ x // a byte below 0x20
		q := x ^ '"'*swarLo
		bs := x ^ '\\'*swarLo
		if (x|ctl|(q-swarLo)&^q|(bs-swarLo)&^bs)&swarHi != 0 {
			break // a control byte, a quote, a backslash or non-ASCII: the byte loop finds which
		}
	}
	for i < len(s) && jsonPlain[s[i]] {
		i++
	}
	return i
}

// appendString writes s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped writes s escaped as inside a JSON string.
func appendEscaped(b []byte, s string) []byte {
	// Most strings (names, filters, numbers as text) need no escape:
	// eight bytes at a time, then one table lookup per byte, find where
	// the first escape is, if any.
	i := plainPrefix(s)
	start := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(b, s[start:]...)
}

// Flush writes out what is buffered; the array stays open.
func (j *jsonWriter) Flush() error { return j.bw.Flush() }

// appendPairing adds the computed request/response keys, as Wireshark's
// response_in / request_in / response_time: on an answer the request it
// answers; on a request (when the pipeline looked ahead) its answer, or
// "unanswered" when none came before the connection closed.
func appendPairing(b []byte, r *record.Record, key func([]byte, string, bool) []byte) []byte {
	var lat time.Duration
	switch {
	case r.Request != nil:
		b = key(b, "request_in", false)
		b = record.AppendInt(b, int64(r.Request.Num))
		lat = r.Request.Latency
	case r.Response != nil:
		b = key(b, "response_in", false)
		b = record.AppendInt(b, int64(r.Response.Num))
		lat = r.Response.Latency
	case r.Unanswered:
		b = key(b, "unanswered", false)
		return append(b, "true"...)
	case r.Released:
		// Shown before its answer (the look-ahead bound): its verdict is
		// reported at the end, not guessed here.
		b = key(b, "released", false)
		return append(b, "true"...)
	default:
		return b
	}
	b = key(b, "response_time", false)
	return strconv.AppendFloat(b, lat.Seconds(), 'f', 6, 64)
}
