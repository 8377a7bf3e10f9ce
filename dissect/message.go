package dissect

import (
	"strconv"
	"strings"
)

// Field is one decoded field of a message.
type Field struct {
	Def        *FieldDef // nil for header fields, unknown tags and raw data
	Name       string
	Filter     string
	Tag        int // FieldDataID of a floating field; -1 for fixed and header fields
	Offset     int // offset of the value in the frame
	Size       int // bytes of the value
	HdrOffset  int // floating fields: offset of the tag/length header
	Value      Value
	Occurrence int // 1-based occurrence of a repeated floating field, else 0
	Secret     bool
	Children   []Field // mask bits, NamedVariable parts, Primary.Actual halves
	Expert     []Expert
}

// Floating reports whether the field came from the floating part.
func (f *Field) Floating() bool { return f.Tag >= 0 }

// Display is the field's symbolic rendering: the enum name, the mask bit
// names, a TIME as UTC, the Primary/Actual split of a device ID. It is empty
// when the value has no rendering beyond Value.Text.
func (f *Field) Display() string {
	if f.Def == nil {
		return ""
	}
	v := &f.Value // no copy of the 80-byte value: views call this for every field
	switch {
	case f.Def.Enum != nil && v.Type.IsInteger():
		name, _ := f.Def.Enum.Lookup(uint32(v.Num))
		return name
	case f.Def.Mask != nil && v.Type.IsInteger():
		return maskNames(f.Def.Mask, v.Num)
	case v.Type == TypeTIME:
		return v.Time().Format("2006-01-02T15:04:05Z")
	case v.Type == TypeBOOL:
		if v.Num != 0 {
			return "TRUE"
		}
		return "FALSE"
	case v.Type == TypeSTRING && len(f.Children) == 2 && f.Children[0].Name == "Primary":
		return "primary " + f.Children[0].Value.Str + ", actual " + f.Children[1].Value.Str
	}
	return ""
}

// Text is the value as a person reads it: the display text when there is
// one (with the number for enums), else the plain value.
func (f *Field) Text() string {
	d := f.Display()
	switch {
	case d == "":
		return f.Value.Text()
	case f.Def != nil && (f.Def.Enum != nil || f.Def.Mask != nil):
		return d + " (" + f.Value.Text() + ")"
	}
	return d
}

func (f *Field) addExpert(sev Severity, code, msg string) {
	f.Expert = append(f.Expert, Expert{Severity: sev, Code: code, Message: msg, Field: f.Filter})
}

// Message is one decoded CTI frame.
type Message struct {
	Frame        []byte // the whole frame, header included
	BodyLength   uint32
	TypeID       uint32
	Def          *MessageDef // nil for unknown message types
	Header       []Field     // MessageLength and MessageType
	Fields       []Field     // fixed part then floating part, in wire order
	Expert       []Expert    // items about the message as a whole
	Version      int         // protocol version the message was decoded for (0 = unknown)
	Layout       Layout      // floating header layout used
	LayoutSource LayoutSource
	FixedSize    int // bytes of the fixed part as decoded

	ev        evidence // what the bytes said about the floating layouts, for the session
	olderThan int      // the fixed part lacked fields of this version (session version unknown)
	vote      vote     // what the message says about the connection's dialect
	slab      []Field  // the allocation Header, Fields and children were cut from, kept for DecodeInto
	kidRoom   []Field  // a reused message's room for children, apart from slab (see decodeBody)
	nFixed    int      // Fields[:nFixed] are Def.Fixed[:nFixed], as decoded (for Get); 0 when unknown
	partial   bool     // fields were left out (Keep)
	kept      *keepRow // set when fixed fields were left out: where the others are (FixedField)
	// fixedShifted: fixed fields were left out and one kept for its
	// expert item, so the Keep's places are off: FixedField scans.
	fixedShifted bool
	fixedRead    int // Def.Fixed[:fixedRead] were read (kept or left out)

	// Set by the decoder: how many expert items its fields carry (its
	// header's included; children never carry any, see countTopExpert). Expert items added after decoding go on
	// the message (AddExpert), never on a field, so the count stays
	// true; a message built by hand has counted false and is walked.
	fieldExperts int
	counted      bool
}

// Name is the message type name, or UNKNOWN_<id> for types not in the catalog.
func (m *Message) Name() string {
	if m.Def != nil {
		return m.Def.Name
	}
	return "UNKNOWN_" + strconv.FormatUint(uint64(m.TypeID), 10)
}

// Get returns the first field (fixed or floating) with the given name.
func (m *Message) Get(name string) *Field {
	fixed := -1
	if m.nFixed > 0 {
		if i, ok := m.Def.fixedIdx[name]; ok {
			fixed = i
		}
	}
	return m.find(fixed, name)
}

// GetUnfixed is Get of a name that is none of the definition's fixed
// fields (its FixedIndex is -1): a view that resolved its names against
// the definition once skips Get's look-up of the name among them.
func (m *Message) GetUnfixed(name string) *Field { return m.find(-1, name) }

// find is Get of name, whose first fixed field in the definition is
// fixed (-1: none, or not known): the first nFixed fields are the
// definition's first fixed fields, in order, so a fixed name is found by
// its index and any other name can only come after them.
func (m *Message) find(fixed int, name string) *Field {
	from := 0
	if m.kept != nil {
		if f := m.keptFixed(fixed); f != nil {
			return f
		}
	} else if m.nFixed > 0 {
		if fixed >= 0 && fixed < m.nFixed {
			return &m.Fields[fixed]
		}
		from = m.nFixed
	}
	for i := from; i < len(m.Fields); i++ {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

// DecodedFixed is how many of the first fields are the definition's
// first fixed fields as the decoder read them (same definition, name and
// filter, in order): a view that resolved a name to its place in the
// definition reads those by index and looks at the rest, Fields[n:], as
// it comes. 0 for a message built by hand or with no fixed part decoded.
func (m *Message) DecodedFixed() int { return m.nFixed }

// FixedField returns the field decoded (or built) as the definition's
// fixed field i, nil when the message's fixed part does not reach it: a
// view that resolved a name to its place in the definition once reads
// the field without comparing names.
func (m *Message) FixedField(i int) *Field {
	switch {
	case m.kept != nil:
		return m.keptFixed(i)
	case m.fixedShifted:
		return m.scanFixed(i)
	case m.Def == nil || i < 0 || i >= len(m.Fields) || i >= len(m.Def.Fixed):
		return nil
	case i < m.nFixed || m.Fields[i].Def == &m.Def.Fixed[i]:
		return &m.Fields[i]
	}
	return nil
}

// Uint returns the number held by the first field with that name.
func (m *Message) Uint(name string) (uint64, bool) {
	if f := m.Get(name); f != nil && (f.Value.Type.IsInteger() || f.Value.Type == TypeBOOL) {
		return f.Value.Num, true
	}
	return 0, false
}

// String returns the text held by the first field with that name.
func (m *Message) String(name string) (string, bool) {
	if f := m.Get(name); f != nil && f.Value.Type == TypeSTRING {
		return f.Value.Str, true
	}
	return "", false
}

// AllExpert returns the message's expert items and those of its fields, in
// wire order (message-level items first); nil when there are none.
func (m *Message) AllExpert() []Expert {
	nf := m.fieldExperts
	if !m.counted {
		nf = countExpert(m.Header) + countExpert(m.Fields)
	}
	n := len(m.Expert) + nf
	if n == 0 {
		return nil
	}
	// Counted first so the list takes one exact allocation.
	out := make([]Expert, 0, n)
	out = append(out, m.Expert...)
	if nf == 0 {
		return out
	}
	out = appendExpert(out, m.Header)
	return appendExpert(out, m.Fields)
}

// MayHaveFieldExpert reports whether the message's fields (header and
// children included) may carry expert items: false only when the decoder
// counted none, so a view counting items need not walk a clean tree.
func (m *Message) MayHaveFieldExpert() bool { return !m.counted || m.fieldExperts > 0 }

func countExpert(fs []Field) int {
	n := 0
	for i := range fs {
		n += len(fs[i].Expert) + countExpert(fs[i].Children)
	}
	return n
}

func appendExpert(out []Expert, fs []Field) []Expert {
	for i := range fs {
		out = append(out, fs[i].Expert...)
		out = appendExpert(out, fs[i].Children)
	}
	return out
}

// Worst returns the highest severity among the message's expert items (0 if
// none). It walks the tree without collecting the items (no allocation).
func (m *Message) Worst() Severity {
	w := worstOf(0, m.Expert)
	if !m.MayHaveFieldExpert() {
		return w
	}
	w = worstField(w, m.Header)
	return worstField(w, m.Fields)
}

func worstOf(w Severity, es []Expert) Severity {
	for _, e := range es {
		if e.Severity > w {
			w = e.Severity
		}
	}
	return w
}

func worstField(w Severity, fs []Field) Severity {
	for i := range fs {
		w = worstOf(w, fs[i].Expert)
		w = worstField(w, fs[i].Children)
	}
	return w
}

// AddExpert attaches an expert item about the message as a whole found by
// analysis outside the decoder (pairing, diagnosis), so every view and
// filter sees it like the decoder's own.
func (m *Message) AddExpert(sev Severity, code, msg string) { m.addExpert(sev, code, "", msg) }

func (m *Message) addExpert(sev Severity, code, field, msg string) {
	m.Expert = append(m.Expert, Expert{Severity: sev, Code: code, Message: msg, Field: field})
}

// IsFailure reports whether the message reports a failure
// (FAILURE_CONF, FAILURE_EVENT, CONTROL_FAILURE_CONF).
func (m *Message) IsFailure() bool { return m.Def != nil && m.Def.IsFailure() }

// IsFailure reports whether messages of this type report a failure.
func (d *MessageDef) IsFailure() bool {
	return d.Class == ClassFailure || strings.HasSuffix(d.Name, "FAILURE_CONF")
}
