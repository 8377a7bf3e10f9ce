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
	mods  []string // modifiers after the field name, as written

	// Parsed from mods once, so that building a record's Info scans no
	// modifier strings.
	flags   modFlags
	ne      []string // ne=G: the fields whose equal value drops the segment
	slot    int      // field's index in the spec's names (see spec)
	neSlots []int    // the ne fields' indexes in the spec's names
	// label: a bare placeholder alone in its segment, which names its field
	// when it shows an enum number without a name.
	label bool
}

// modFlags are a placeholder's modifiers as bits (ne= aside).
type modFlags uint16

const (
	modNZ modFlags = 1 << iota
	modState
	modMode
	modQ
	modOnline
	modList
	modRec
	modCount
)

var modBits = map[string]modFlags{
	"nz": modNZ, "state": modState, "mode": modMode, "q": modQ,
	"online": modOnline, "list": modList, "rec": modRec, "count": modCount,
}

// spec is one message name's parsed segments and the field names its
// placeholders read (names[part.slot]), each once.
type spec struct {
	segs  []segment
	names []string
}

// defSpec is a spec resolved against one message definition: fixed[i] is
// the index in the definition's fixed part of the first field called
// names[i], -1 when it has none. fixed is nil for a definition that is no
// catalog's (nothing resolved: every field is looked up by name).
type defSpec struct {
	*spec
	fixed []int
}

var (
	// The lookups AppendInfo makes per message, built once at init (so
	// views may build Info texts from several goroutines): by slot for
	// the catalogs' messages (resolved for each, nil for none), by name
	// for a definition built elsewhere.
	specBySlot []*defSpec
	specByName = map[string]*defSpec{}
)

func init() {
	for name, segs := range infoSpecs {
		sp := &spec{segs: parseSegments(segs)}
		sp.resolveSlots()
		specByName[name] = &defSpec{spec: sp}
	}
	specBySlot = dissect.BySlot(func(def *dissect.MessageDef) *defSpec {
		if ds, ok := specByName[def.Name]; ok {
			return ds.resolve(def)
		}
		return nil
	})
}

// resolveSlots numbers the field names the spec's placeholders read.
func (sp *spec) resolveSlots() {
	slot := func(name string) int {
		for i, n := range sp.names {
			if n == name {
				return i
			}
		}
		sp.names = append(sp.names, name)
		return len(sp.names) - 1
	}
	for i := range sp.segs {
		for j := range sp.segs[i].parts {
			p := &sp.segs[i].parts[j]
			if p.field == "" {
				continue
			}
			p.slot = slot(p.field)
			for _, g := range p.ne {
				p.neSlots = append(p.neSlots, slot(g))
			}
		}
	}
}

// resolve finds the spec's fields in def's fixed part.
func (ds *defSpec) resolve(def *dissect.MessageDef) *defSpec {
	fixed := make([]int, len(ds.names))
	for i, name := range ds.names {
		fixed[i] = def.FixedIndex(name)
	}
	return &defSpec{spec: ds.spec, fixed: fixed}
}

// specFor returns the Info spec of def, nil when the table has none.
func specFor(def *dissect.MessageDef) *defSpec {
	if s := def.Slot(); s >= 0 {
		return specBySlot[s]
	}
	return specByName[def.Name]
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
			p := part{field: ph[0], mods: ph[1:]}
			for _, md := range p.mods {
				if other, ok := strings.CutPrefix(md, "ne="); ok {
					p.ne = append(p.ne, other)
				}
				// An unknown modifier does nothing (TestInfoSpecsMatchCatalog
				// reports it) but still makes the placeholder not bare.
				p.flags |= modBits[md]
			}
			seg.parts = append(seg.parts, p)
			s = s[i+j+1:]
		}
		if len(seg.parts) == 1 && seg.parts[0].field != "" && len(seg.parts[0].mods) == 0 {
			seg.parts[0].label = true
		}
		out = append(out, seg)
	}
	return out
}

// finder looks up a message's fields by name as Message.Get does (the
// first field of that name), the spec's fixed fields by their place in
// the definition (Message.FixedField).
type finder struct {
	m     *dissect.Message
	fixed []int // the defSpec's; nil: look every field up by name
}

// get is m.Get(name) for the spec's names[slot].
func (ff *finder) get(slot int, name string) *dissect.Field {
	if ff.fixed != nil {
		k := ff.fixed[slot]
		if k < 0 {
			return ff.m.GetUnfixed(name)
		}
		if f := ff.m.FixedField(k); f != nil {
			return f
		}
	}
	return ff.m.Get(name)
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
		b = AppendUint(b, uint64(m.TypeID))
		b = append(b, ", "...)
		b = AppendUint(b, uint64(m.BodyLength))
		b = append(b, "-byte body"...)
	} else if ds := specFor(m.Def); ds != nil {
		ff := finder{m: m, fixed: ds.fixed}
		for i := range ds.segs {
			mark := len(b)
			if len(b) > start {
				b = append(b, ' ')
			}
			seg := len(b)
			var ok bool
			if b, ok = appendSegment(b, &ff, &ds.segs[i], showSecrets); !ok || len(b) == seg {
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
func appendSegment(b []byte, ff *finder, seg *segment, showSecrets bool) ([]byte, bool) {
	for i := range seg.parts {
		p := &seg.parts[i]
		if p.field == "" {
			b = append(b, p.lit...)
			continue
		}
		var ok bool
		if b, ok = appendField(b, ff, p, showSecrets); !ok {
			return b, false
		}
	}
	return b, true
}

// appendField appends a placeholder's text; false when the field is
// missing, its text empty, or a modifier drops the segment.
func appendField(b []byte, ff *finder, p *part, showSecrets bool) ([]byte, bool) {
	m, name := ff.m, p.field
	switch {
	case p.flags&modCount != 0:
		n := 0
		for i := range m.Fields {
			if m.Fields[i].Name == name {
				n++
			}
		}
		return AppendInt(b, int64(n)), n > 0
	case p.flags&(modList|modRec) != 0:
		s, ok := listField(m, name, p.flags&modRec != 0, showSecrets)
		return append(b, s...), ok && s != ""
	}
	f := ff.get(p.slot, name)
	if f == nil {
		return b, false
	}
	v := &f.Value // a Value is large: not copied
	for i, slot := range p.neSlots {
		if g := ff.get(slot, p.ne[i]); g != nil && g.Value.Equal(*v) {
			return b, false
		}
	}
	if p.flags&modNZ != 0 {
		if (v.Type.IsInteger() || v.Type == dissect.TypeBOOL) && v.Num == 0 {
			return b, false
		}
	}
	switch {
	case p.flags&modMode != 0:
		switch {
		case v.Num&0x10 != 0:
			return append(b, "bridge"...), true
		case v.Num&0x01 != 0:
			return append(b, "agent"...), true
		}
		return b, false
	case p.flags&modOnline != 0 && v.Type == dissect.TypeBOOL:
		if v.Num != 0 {
			return append(b, "online"...), true
		}
		return append(b, "offline"...), true
	case p.flags&(modState|modQ) != 0:
		s := shortValue(f, showSecrets)
		if p.flags&modState != 0 {
			s = strings.TrimPrefix(s, "AGENT_STATE_")
		}
		if p.flags&modQ != 0 && s != "" {
			return strconv.AppendQuote(b, s), true
		}
		return append(b, s...), s != ""
	}
	if p.label && unnamedEnum(f) {
		// A bare enum placeholder without a name to show would leave a
		// lone number: say whose number it is. (Cut off again with the
		// segment should the value be empty.)
		b = append(b, name...)
		b = append(b, '=')
	}
	mark := len(b)
	b = appendShortValue(b, f, showSecrets)
	return b, len(b) > mark
}

// appendShortValue appends shortValue(f, showSecrets) without making the
// string: most Info values are numbers and wire text.
func appendShortValue(b []byte, f *dissect.Field, showSecrets bool) []byte {
	if IsSecret(f) && !showSecrets {
		return append(b, Secret...)
	}
	v := &f.Value
	if f.Def != nil && v.Type.IsInteger() && (f.Def.Enum != nil || f.Def.Mask != nil || v.Type == dissect.TypeTIME) {
		return append(b, shortValue(f, showSecrets)...)
	}
	// Value.Text's renderings of the common types; the rest take Text.
	switch v.Type {
	case dissect.TypeSTRING:
		return append(b, v.Str...)
	case dissect.TypeUCHAR, dissect.TypeUSHORT, dissect.TypeUINT:
		return AppendUint(b, v.Num)
	case dissect.TypeCHAR, dissect.TypeSHORT, dissect.TypeINT:
		return AppendInt(b, v.Int64())
	}
	return append(b, v.Text()...)
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
		if id, ok := m.UintField(fInvokeID); ok {
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
		b = AppendInt(b, int64(more))
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
	_, i, d := AppendLabelledID(nil, m)
	return string(i), string(d)
}

// AppendLabelledID is LabelledID appended to dst: it returns dst grown
// and id and dup, both slices of what it appended.
func AppendLabelledID(dst []byte, m *dissect.Message) (out, id, dup []byte) {
	kind, n := LabelID(m)
	start := len(dst)
	switch kind {
	case IDNone:
		return dst, nil, nil
	case IDInvoke:
		dst = append(dst, "invoke "...)
	case IDHeld:
		dst = append(dst, "held call "...)
	case IDCall:
		dst = append(dst, "call "...)
	}
	dst = AppendUint(dst, n)
	dup = dst[start:]
	switch kind {
	case IDInvoke:
		return dst, dup[len("invoke "):], dup
	case IDHeld:
		return dst, dup[len("held "):], dup
	}
	return dst, dup, dup
}

// IDKind says what the table's ID column shows (LabelID).
type IDKind uint8

const (
	IDNone   IDKind = iota
	IDInvoke        // an InvokeID: "N", in Info "invoke N"
	IDCall          // a call: "call N"
	IDHeld          // a held call (HeldCallID): "call N", in Info "held call N"
)

// labelCallNames are the fields a call's ID column is taken from, in
// order of preference.
var labelCallNames = [...]*dissect.FieldName{
	dissect.NewFieldName("CallID"), dissect.NewFieldName("PrimaryCallID"), dissect.NewFieldName("ActiveCallID"),
	dissect.NewFieldName("HeldCallID"), dissect.NewFieldName("ConnectionCallID"),
}

// The fields most messages are asked for, resolved once.
var (
	fInvokeID = dissect.NewFieldName("InvokeID")
	fAgentID  = dissect.NewFieldName("AgentID")
)

// LabelID is LabelledID without its strings: what the ID column shows and
// the number, for views that append the text themselves.
func LabelID(m *dissect.Message) (IDKind, uint64) {
	if f := m.Field(fInvokeID); f != nil && f.Value.Type.IsInteger() {
		return IDInvoke, f.Value.Num
	}
	for _, name := range labelCallNames {
		if f := m.Field(name); f != nil && f.Value.Type.IsInteger() {
			if name.Name() == "HeldCallID" {
				return IDHeld, f.Value.Num
			}
			return IDCall, f.Value.Num
		}
	}
	return IDNone, 0
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
