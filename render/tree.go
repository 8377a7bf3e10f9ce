package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/render/termtext"
	"github.com/fatih/color"
)

// The tree view is Wireshark's detail pane, one block per message:
//
//	Message 1: OPEN_REQ (3), 96 bytes
//	    Time: 2026-01-02 15:04:05.123456 UTC (0.000000 s since the first packet)
//	    Capture: packet 4 (packets 3, 4)
//	    Stream 0: 10.0.0.5:51234 → 10.0.0.1:42027 (client->server)
//	    Session: protocol version 13, floating header 1+1 (from the OPEN_REQ version), agent mode
//	    Header
//	        BodyLength: 88
//	        MessageTypeID: OPEN_REQ (3)
//	    Fixed part (32 bytes)
//	        ServicesRequested: CTI_SERVICE_CLIENT_EVENTS (0x00000001)
//	            .... .... .... .... .... .... .... ...1 = CTI_SERVICE_CLIENT_EVENTS: Set
//	    Floating part (48 bytes, 1-byte tag, 1-byte length)
//	        [tag 1] ClientID: ctiuser
//
// Expert items sit under what they concern: message-wide ones under the
// message line, the others under their field, as
// "[Expert Warning (code): message]". With Options.Hex each field line ends
// with its offset and size and a hex dump of the frame follows the tree.

const indent = "    "

type treeWriter struct {
	bw    *bufio.Writer
	opts  Options
	clock clock
	pal   *palette
	n     int
}

func newTree(w io.Writer, opts Options) *treeWriter {
	return &treeWriter{bw: bufio.NewWriterSize(w, 32<<10), opts: opts, clock: clock{opts: opts}, pal: newPalette(opts.Color)}
}

func (t *treeWriter) Close() error { return t.bw.Flush() }

func (t *treeWriter) line(depth int, s string) {
	for i := 0; i < depth; i++ {
		t.bw.WriteString(indent)
	}
	t.bw.WriteString(s)
	t.bw.WriteByte('\n')
}

func (t *treeWriter) Write(r *record.Record) error {
	if t.n > 0 {
		t.bw.WriteByte('\n')
	}
	t.n++
	if r.Event != nil {
		t.writeEvent(r)
		return nil
	}
	m := r.Msg
	title := fmt.Sprintf("Message %d: %s (%d), %d bytes", r.Num, m.Name(), m.TypeID, len(m.Frame))
	switch {
	case m.IsFailure() || m.Worst() >= dissect.SeverityError:
		title = t.pal.paint(t.pal.redBold, title)
	case m.Worst() == dissect.SeverityWarning:
		title = t.pal.paint(t.pal.yellow, title)
	default:
		title = t.pal.paint(t.pal.bold, title)
	}
	t.line(0, title)
	t.frameLines(r)
	t.line(1, sessionLine(&r.Session, m))
	for _, n := range r.Session.Notes {
		t.line(2, "[Session note ("+n.Code+"): "+n.Text+"]")
	}
	switch {
	case r.Request != nil:
		t.line(1, fmt.Sprintf("[Request in: message %d]", r.Request.Num))
		t.line(1, fmt.Sprintf("[Response time: %s]", Millis(r.Request.Latency)))
	case r.Response != nil:
		t.line(1, fmt.Sprintf("[Response in: message %d]", r.Response.Num))
		t.line(1, fmt.Sprintf("[Response time: %s]", Millis(r.Response.Latency)))
	case r.Unanswered:
		t.line(1, t.pal.paint(t.pal.yellow, "[Expert Warning ("+record.UnansweredCode+"): no answer before the connection closed or the capture ended]"))
	case r.Released:
		t.line(1, "[Released by the look-ahead bound before its answer; the verdict is reported at the end]")
	}
	if r.Frame.Truncated {
		t.line(1, t.pal.paint(t.pal.red, "[Expert Error (cti.truncated): the capture cut this message short]"))
	}
	for _, e := range m.Expert {
		t.expert(1, e)
	}
	if len(m.Header) > 0 {
		t.line(1, "Header")
		for i := range m.Header {
			t.field(2, &m.Header[i], m)
		}
	}
	section := ""
	for i := range m.Fields {
		f := &m.Fields[i]
		want := "fixed"
		switch {
		case f.Floating():
			want = "floating"
		case section == "floating" || section == "rest" || f.Def != nil && f.Def.Name == "data" && f.Def.Type == dissect.TypeUNSPEC && f.Def.Filter == "cti.data":
			want = "rest"
		}
		if want != section {
			section = want
			t.line(1, t.sectionTitle(want, m, i))
		}
		if quietReserved(f) {
			continue
		}
		t.field(2, f, m)
	}
	if t.opts.Hex {
		t.bw.WriteByte('\n')
		t.hexDump(m)
	}
	return nil
}

func (t *treeWriter) frameLines(r *record.Record) {
	fr := &r.Frame
	if !fr.Time.IsZero() {
		abs := fr.Time.In(t.opts.Location).Format("2006-01-02 15:04:05.000000 MST")
		rel := t.clock.format(fr)
		switch t.opts.Time {
		case TimeDelta:
			abs += " (" + rel + " s since the previous message shown)"
		case TimeDeltaDecode:
			abs += " (" + rel + " s since the previous message)"
		case TimeEpoch:
			abs += " (epoch " + rel + ")"
		case TimeAbsolute, TimeOfDay, TimeUTC, TimeUTCDate:
		default:
			abs += " (" + rel + " s since the first packet)"
		}
		t.line(1, "Time: "+abs)
	}
	if fr.Pkt > 0 {
		s := "Capture: packet " + strconv.Itoa(fr.Pkt)
		if len(fr.Pkts) > 1 || len(fr.Pkts) == 1 && fr.Pkts[0] != fr.Pkt {
			s += " (packets " + joinInts(fr.Pkts) + ")"
		}
		t.line(1, s)
	}
	if fr.Src.IsValid() || fr.Dst.IsValid() {
		s := fmt.Sprintf("Stream %d: %s → %s", fr.Stream, endpoint(fr.Src), endpoint(fr.Dst))
		if fr.Dir != 0 {
			s += " (" + fr.Dir.String() + ")"
		}
		t.line(1, s)
	}
}

func joinInts(v []int) string {
	var b strings.Builder
	for i, n := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 8 && len(v) > 10 {
			b.WriteString("… " + strconv.Itoa(len(v)-9) + " more, " + strconv.Itoa(v[len(v)-1]))
			break
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

func sessionLine(s *record.Session, m *dissect.Message) string {
	var parts []string
	if s.Version > 0 {
		parts = append(parts, "protocol version "+strconv.Itoa(s.Version))
	} else {
		parts = append(parts, "protocol version unknown")
	}
	l, src := s.Layout, s.LayoutSource
	if m.Layout != dissect.LayoutUnknown {
		l, src = m.Layout, m.LayoutSource
	}
	if l != dissect.LayoutUnknown {
		parts = append(parts, "floating header "+l.String()+" ("+sourceText(src)+")")
	}
	if s.Mode != dissect.ModeUnknown {
		parts = append(parts, s.Mode.String()+" mode")
	}
	if s.Dialect == dissect.DialectUCCE {
		parts = append(parts, "UCCE CTI Server dialect")
	}
	return "Session: " + strings.Join(parts, ", ")
}

func sourceText(src dissect.LayoutSource) string {
	switch src {
	case dissect.SourceVersion:
		return "from the OPEN_REQ version"
	case dissect.SourceForced:
		return "set by --float-header or --cti-version"
	case dissect.SourceDetected:
		return "detected from the bytes"
	}
	return "no floating part"
}

func (t *treeWriter) sectionTitle(section string, m *dissect.Message, i int) string {
	switch section {
	case "fixed":
		n := 0
		for j := i; j < len(m.Fields) && !m.Fields[j].Floating(); j++ {
			if quietReserved(&m.Fields[j]) {
				n++
			}
		}
		if n > 0 {
			return fmt.Sprintf("Fixed part (%d bytes; %d reserved fields, all zero, not shown)", m.FixedSize, n)
		}
		return fmt.Sprintf("Fixed part (%d bytes)", m.FixedSize)
	case "floating":
		start := m.Fields[i].HdrOffset
		end := start
		for j := i; j < len(m.Fields) && m.Fields[j].Floating(); j++ {
			end = m.Fields[j].Offset + m.Fields[j].Size
		}
		return fmt.Sprintf("Floating part (%d bytes, %s)", end-start, m.Layout.Describe())
	}
	return "Undecoded bytes"
}

func (t *treeWriter) field(depth int, f *dissect.Field, m *dissect.Message) {
	var b strings.Builder
	if f.Floating() {
		b.WriteString("[tag " + strconv.Itoa(f.Tag) + "] ")
	}
	b.WriteString(f.Name)
	if f.Occurrence > 0 {
		b.WriteString(" #" + strconv.Itoa(f.Occurrence))
	}
	b.WriteString(": ")
	b.WriteString(termtext.Escape(treeValue(f, t.opts.ShowSecrets)))
	if t.opts.Hex {
		b.WriteString(t.pal.paint(t.pal.dim, fmt.Sprintf("  [offset %d, %d bytes]", f.Offset, f.Size)))
	}
	t.line(depth, b.String())
	if !record.IsSecret(f) || t.opts.ShowSecrets {
		switch {
		case f.Def != nil && f.Def.Mask != nil && f.Value.Type.IsInteger():
			t.maskBits(depth+1, f)
		case len(f.Children) > 0 && f.Def != nil && f.Def.Enum == nil:
			for i := range f.Children {
				c := &f.Children[i]
				t.line(depth+1, c.Name+": "+termtext.Escape(treeValue(c, true)))
			}
		}
	}
	for _, e := range f.Expert {
		t.expert(depth+1, e)
	}
}

// quietReserved reports a reserved field that says nothing: zero, with no
// expert item. The tree counts those in the section title instead of a
// line each (AGENT_STATE_EVENT has 13); JSON keeps every field.
func quietReserved(f *dissect.Field) bool {
	return f.Name == "reserved" && len(f.Expert) == 0 && len(f.Value.Bytes) == 0 && f.Value.Num == 0 && f.Value.Str == ""
}

// treeValue is a field's value in the detail pane.
func treeValue(f *dissect.Field, showSecrets bool) string {
	if record.IsSecret(f) && !showSecrets {
		return record.Secret
	}
	if f.Name == "reserved" {
		// Not a date or a name: the guide gives reserved bytes no meaning.
		v := termtext.Escape(f.Value.Text())
		if f.Value.Num != 0 {
			v += " (not zero)"
		}
		return v
	}
	v := f.Value
	switch {
	case v.Type == dissect.TypeSTRING:
		if v.Str == "" {
			return `""`
		}
		return v.Str
	case v.Type == dissect.TypeNAMEDVAR:
		return v.Name + " = " + v.Str
	case v.Type == dissect.TypeNAMEDARRAY:
		return v.Name + "[" + strconv.Itoa(int(v.Index)) + "] = " + v.Str
	case v.Type == dissect.TypeBOOL:
		return v.Text()
	case v.Type == dissect.TypeTIME:
		return f.Display() + " (" + v.Text() + ")"
	case f.Def != nil && f.Def.Mask != nil && v.Type.IsInteger():
		return f.Display() + " (0x" + hexWidth(v.Num, f.Size) + ")"
	case f.Def != nil && f.Def.Enum != nil && v.Type.IsInteger():
		if d := f.Display(); d != "" {
			return d + " (" + v.Text() + ")"
		}
		return v.Text()
	case v.Type == dissect.TypeUNSPEC || v.Type == dissect.TypeUnknown:
		if len(v.Bytes) == 0 {
			return "(no bytes)"
		}
		return v.Text()
	}
	return v.Text()
}

func hexWidth(n uint64, size int) string {
	s := strconv.FormatUint(n, 16)
	for len(s) < 2*size {
		s = "0" + s
	}
	return s
}

// maskBits writes one line per defined bit of a mask, Wireshark style.
func (t *treeWriter) maskBits(depth int, f *dissect.Field) {
	bits := 8 * f.Size
	if bits <= 0 || bits > 64 {
		bits = 32
	}
	for _, nb := range f.Def.Mask.Values {
		if nb.Value == 0 {
			continue
		}
		var b strings.Builder
		for i := bits - 1; i >= 0; i-- {
			switch {
			case uint64(nb.Value)&(1<<uint(i)) == 0:
				b.WriteByte('.')
			case f.Value.Num&(1<<uint(i)) != 0:
				b.WriteByte('1')
			default:
				b.WriteByte('0')
			}
			if i%4 == 0 && i > 0 {
				b.WriteByte(' ')
			}
		}
		set := "Not set"
		if f.Value.Num&uint64(nb.Value) == uint64(nb.Value) {
			set = "Set"
		}
		t.line(depth, b.String()+" = "+nb.Name+": "+set)
	}
}

func (t *treeWriter) expert(depth int, e dissect.Expert) {
	label := map[dissect.Severity]string{dissect.SeverityNote: "Note", dissect.SeverityWarning: "Warning", dissect.SeverityError: "Error"}[e.Severity]
	s := "[Expert " + label + " (" + e.Code + "): " + e.Message + "]"
	var c *color.Color
	switch e.Severity {
	case dissect.SeverityError:
		c = t.pal.red
	case dissect.SeverityWarning:
		c = t.pal.yellow
	default:
		c = t.pal.cyan
	}
	t.line(depth, t.pal.paint(c, s))
}

func (t *treeWriter) writeEvent(r *record.Record) {
	e := r.Event
	t.line(0, t.pal.paint(t.pal.yellow, fmt.Sprintf("Stream event: %s", e.Kind)))
	t.frameLines(r)
	t.line(1, record.EventInfo(e, r.Frame.Dir))
}

// hexDump writes the frame as offset, 16 bytes in hex (two groups of 8)
// and their ASCII; bytes of secret fields are shown as ** and *.
func (t *treeWriter) hexDump(m *dissect.Message) {
	HexDump(t.bw, m, t.opts.ShowSecrets)
}

// HexDump writes m's frame bytes as a hex dump, masking secret fields
// unless showSecrets.
func HexDump(w io.StringWriter, m *dissect.Message, showSecrets bool) {
	var mask []bool
	if !showSecrets {
		mask = secretBytes(m)
	}
	data := m.Frame
	var b strings.Builder
	for off := 0; off < len(data); off += 16 {
		b.Reset()
		fmt.Fprintf(&b, "%04x  ", off)
		for i := 0; i < 16; i++ {
			if i == 8 {
				b.WriteByte(' ')
			}
			if off+i >= len(data) {
				b.WriteString("   ")
				continue
			}
			if mask != nil && mask[off+i] {
				b.WriteString("** ")
			} else {
				fmt.Fprintf(&b, "%02x ", data[off+i])
			}
		}
		b.WriteString("  ")
		for i := 0; i < 16 && off+i < len(data); i++ {
			c := data[off+i]
			switch {
			case mask != nil && mask[off+i]:
				b.WriteByte('*')
			case c >= 0x20 && c < 0x7f:
				b.WriteByte(c)
			default:
				b.WriteByte('.')
			}
		}
		w.WriteString(strings.TrimRight(b.String(), " ") + "\n")
	}
}

// secretBytes marks the frame bytes that hold secret values, whatever
// layout decoded them (see dissect.SecretMask); nil when there are none.
func secretBytes(m *dissect.Message) []bool { return dissect.SecretMask(m) }

// Flush writes out what is buffered.
func (t *treeWriter) Flush() error { return t.bw.Flush() }
