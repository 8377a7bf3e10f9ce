package record

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// segment is one parsed Info segment: literal text around placeholders.
type segment struct {
	parts []part
}

type part struct {
	lit   string
	field string   // "" for a literal
	mods  []string // modifiers after the field name
}

var parsedSpecs = map[string][]segment{}

func init() {
	for name, segs := range infoSpecs {
		parsedSpecs[name] = parseSegments(segs)
	}
}

func parseSegments(segs []string) []segment {
	out := make([]segment, 0, len(segs))
	for _, s := range segs {
		var seg segment
		for s != "" {
			i := strings.IndexByte(s, '{')
			if i < 0 {
				seg.parts = append(seg.parts, part{lit: s})
				break
			}
			if i > 0 {
				seg.parts = append(seg.parts, part{lit: s[:i]})
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				panic("render: unterminated placeholder in Info spec " + strconv.Quote(s))
			}
			ph := strings.Split(s[i+1:i+j], ":")
			seg.parts = append(seg.parts, part{field: ph[0], mods: ph[1:]})
			s = s[i+j+1:]
		}
		out = append(out, seg)
	}
	return out
}

// Info is the one-line summary of a message for the table's Info column
// (see infoSpecs for the design). showSecrets lets secret fields through.
func Info(m *dissect.Message, showSecrets bool) string {
	var room [160]byte // most Info texts fit: the string is then the only allocation
	return string(AppendInfo(room[:0], m, showSecrets))
}

// AppendInfo appends Info's text to b: the segments are appended in place
// (a segment whose field is missing is cut off again), so building the
// text costs no allocation beyond b's growth.
func AppendInfo(b []byte, m *dissect.Message, showSecrets bool) []byte {
	start := len(b)
	if m.Def == nil {
		b = append(b, "unknown message type "...)
		b = strconv.AppendUint(b, uint64(m.TypeID), 10)
		b = append(b, ", "...)
		b = strconv.AppendUint(b, uint64(m.BodyLength), 10)
		b = append(b, "-byte body"...)
	} else if segs, ok := parsedSpecs[m.Def.Name]; ok {
		for i := range segs {
			mark := len(b)
			if len(b) > start {
				b = append(b, ' ')
			}
			seg := len(b)
			var ok bool
			if b, ok = appendSegment(b, m, &segs[i], showSecrets); !ok || len(b) == seg {
				b = b[:mark]
			}
		}
	} else {
		b = append(b, genericInfo(m, showSecrets)...)
	}
	if len(b) > start && b[len(b)-1] == ':' {
		b = b[:len(b)-1]
	}
	return appendExpert(b, start, m)
}

// appendSegment appends one segment's text; false (b to be cut back by
// the caller) when one of its fields is missing or empty.
func appendSegment(b []byte, m *dissect.Message, seg *segment, showSecrets bool) ([]byte, bool) {
	for _, p := range seg.parts {
		if p.field == "" {
			b = append(b, p.lit...)
			continue
		}
		v, ok := evalField(m, p.field, p.mods, showSecrets)
		if !ok || v == "" {
			return b, false
		}
		if len(seg.parts) == 1 && len(p.mods) == 0 && unnamedEnum(m.Get(p.field)) {
			// A bare enum placeholder without a name to show would leave a
			// lone number: say whose number it is.
			b = append(b, p.field...)
			b = append(b, '=')
		}
		b = append(b, v...)
	}
	return b, true
}

func hasMod(mods []string, m string) bool {
	for _, x := range mods {
		if x == m {
			return true
		}
	}
	return false
}

func evalField(m *dissect.Message, name string, mods []string, showSecrets bool) (string, bool) {
	switch {
	case hasMod(mods, "count"):
		n := 0
		for i := range m.Fields {
			if m.Fields[i].Name == name {
				n++
			}
		}
		return strconv.Itoa(n), n > 0
	case hasMod(mods, "list"), hasMod(mods, "rec"):
		return listField(m, name, hasMod(mods, "rec"), showSecrets)
	}
	f := m.Get(name)
	if f == nil {
		return "", false
	}
	v := f.Value
	for _, md := range mods {
		if other, ok := strings.CutPrefix(md, "ne="); ok {
			if g := m.Get(other); g != nil && g.Value.Equal(v) {
				return "", false
			}
		}
	}
	if hasMod(mods, "nz") {
		if (v.Type.IsInteger() || v.Type == dissect.TypeBOOL) && v.Num == 0 {
			return "", false
		}
	}
	switch {
	case hasMod(mods, "mode"):
		switch {
		case v.Num&0x10 != 0:
			return "bridge", true
		case v.Num&0x01 != 0:
			return "agent", true
		}
		return "", false
	case hasMod(mods, "online") && v.Type == dissect.TypeBOOL:
		if v.Num != 0 {
			return "online", true
		}
		return "offline", true
	}
	s := shortValue(f, showSecrets)
	if hasMod(mods, "state") {
		s = strings.TrimPrefix(s, "AGENT_STATE_")
	}
	if hasMod(mods, "q") && s != "" {
		s = strconv.Quote(s)
	}
	return s, true
}

// listField joins the occurrences of a repeated field, each preceded by the
// RecordType of its record when rec is set.
func listField(m *dissect.Message, name string, rec, showSecrets bool) (string, bool) {
	const max = 4
	var items []string
	n, recIdx := 0, 0
	var recTypes []string
	if rec {
		for i := range m.Fields {
			if m.Fields[i].Name == "RecordType" {
				recTypes = append(recTypes, shortValue(&m.Fields[i], showSecrets))
			}
		}
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Name != name {
			continue
		}
		n++
		if len(items) < max {
			s := shortValue(f, showSecrets)
			if rec && recIdx < len(recTypes) {
				s = recTypes[recIdx] + " " + s
			}
			items = append(items, s)
		}
		recIdx++
	}
	if n == 0 {
		return "", false
	}
	s := strings.Join(items, ", ")
	if n > max {
		s += ", +" + strconv.Itoa(n-max) + " more"
	}
	return s, true
}

// shortValue is a field's value for one-line use: enum names without the
// number, mask names joined with "|", text as is.
func shortValue(f *dissect.Field, showSecrets bool) string {
	if IsSecret(f) && !showSecrets {
		return Secret
	}
	v := f.Value
	if f.Def != nil && v.Type.IsInteger() {
		switch {
		case f.Def.Enum != nil:
			if name, ok := f.Def.Enum.Lookup(uint32(v.Num)); ok && name != "reserved" {
				return name
			}
			return v.Text()
		case f.Def.Mask != nil:
			return strings.ReplaceAll(f.Display(), " | ", "|")
		case v.Type == dissect.TypeTIME:
			return f.Display()
		}
	}
	return v.Text()
}

// unnamedEnum reports whether f is an enum field whose value has no name
// (or is one the guide calls reserved).
func unnamedEnum(f *dissect.Field) bool {
	if f == nil || f.Def == nil || f.Def.Enum == nil || !f.Value.Type.IsInteger() {
		return false
	}
	name, ok := f.Def.Enum.Lookup(uint32(f.Value.Num))
	return !ok || name == "reserved"
}

// genericInfo summarises a message the spec table does not cover.
func genericInfo(m *dissect.Message, showSecrets bool) string {
	var parts []string
	nonInvoke := 0
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Def != nil && f.Def.Reserved() || f.Name == "InvokeID" {
			continue
		}
		nonInvoke++
		if len(parts) == 4 {
			continue
		}
		if v := f.Value; (v.Type.IsInteger() || v.Type == dissect.TypeBOOL) && v.Num == 0 || v.Type == dissect.TypeSTRING && v.Str == "" {
			continue
		}
		parts = append(parts, f.Name+"="+shortValue(f, showSecrets))
	}
	if nonInvoke == 0 {
		if id, ok := m.Uint("InvokeID"); ok {
			return "invoke " + strconv.FormatUint(id, 10)
		}
	}
	return strings.Join(parts, " ")
}

// appendExpert adds the message's errors and warnings to an Info text
// that starts at b[start:].
func appendExpert(b []byte, start int, m *dissect.Message) []byte {
	const max = 2
	shown, more := 0, 0
	for _, e := range m.AllExpert() {
		if e.Severity < dissect.SeverityWarning {
			continue
		}
		if shown == max {
			more++
			continue
		}
		shown++
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, '[')
		b = append(b, expertLabel(e)...)
		b = append(b, ": "...)
		b = append(b, e.Message...)
		b = append(b, ']')
	}
	if more > 0 {
		b = append(b, " [+"...)
		b = strconv.AppendInt(b, int64(more), 10)
		b = append(b, " more]"...)
	}
	return b
}

func expertLabel(e dissect.Expert) string {
	if strings.HasPrefix(e.Code, "cti.malformed") {
		return "malformed"
	}
	return e.Severity.String()
}

// MessageID is the table's ID column: the InvokeID, else the call the
// message is about.
func MessageID(m *dissect.Message) string {
	for _, name := range []string{"InvokeID", "CallID", "PrimaryCallID", "ActiveCallID", "HeldCallID", "ConnectionCallID"} {
		if f := m.Get(name); f != nil && f.Value.Type.IsInteger() {
			return strconv.FormatUint(f.Value.Num, 10)
		}
	}
	return ""
}

// LabelledID is the table's ID column: the InvokeID as a number, or a call
// as "call N", so a row says which it is. dup is how the Info text names
// the same ID ("invoke 3", "call N"): the table leaves that out of Info
// rather than show it twice.
func LabelledID(m *dissect.Message) (id, dup string) {
	if f := m.Get("InvokeID"); f != nil && f.Value.Type.IsInteger() {
		n := strconv.FormatUint(f.Value.Num, 10)
		return n, "invoke " + n
	}
	for _, name := range []string{"CallID", "PrimaryCallID", "ActiveCallID", "HeldCallID", "ConnectionCallID"} {
		if f := m.Get(name); f != nil && f.Value.Type.IsInteger() {
			c := "call " + strconv.FormatUint(f.Value.Num, 10)
			if name == "HeldCallID" {
				return c, "held " + c
			}
			return c, c
		}
	}
	return "", ""
}

// EventInfo is the Info text of a stream event.
func EventInfo(e *Event, dir Direction) string {
	var s string
	switch e.Kind {
	case Gap:
		s = fmt.Sprintf("%d bytes %s missing from the capture at stream offset %d; any message in them is lost", e.Bytes, dir, e.Offset)
	case Skipped:
		s = fmt.Sprintf("%d bytes %s skipped at stream offset %d while looking for a message boundary", e.Bytes, dir, e.Offset)
	case Overflow:
		s = fmt.Sprintf("%d bytes %s dropped at stream offset %d: reassembly buffer limit reached", e.Bytes, dir, e.Offset)
	case DirectionChanged:
		s = "client and server sides corrected: a client-only message came from the other side"
	default:
		s = e.Kind.String()
	}
	if e.Text != "" {
		s += " (" + e.Text + ")"
	}
	return s
}

// Info is the record's one-line summary (the table's Info column and
// cti.info): the message's, or the stream event's.
func (r *Record) Info(showSecrets bool) string {
	if r.Event != nil {
		return EventInfo(r.Event, r.Frame.Dir)
	}
	if r.Msg == nil {
		return ""
	}
	return Info(r.Msg, showSecrets)
}
