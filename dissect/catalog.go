package dissect

import (
	"fmt"
	"sort"
	"strings"
)

// Named is one value of an enum table or one bit of a mask table.
type Named struct {
	Value uint32
	Name  string
}

// Table is an enum (value -> name) or a mask (bit -> name), sorted by value.
type Table struct {
	Name   string
	Values []Named
}

// Lookup returns the name of v, if the table has one.
func (t *Table) Lookup(v uint32) (string, bool) {
	if t == nil {
		return "", false
	}
	vs := t.Values
	i := sort.Search(len(vs), func(i int) bool { return vs[i].Value >= v })
	if i < len(vs) && vs[i].Value == v {
		return vs[i].Name, true
	}
	return "", false
}

// FieldDef describes one fixed or floating field of a message.
type FieldDef struct {
	Name       string // as in the guide; "reserved" for reserved fields
	Filter     string // stable filter name, e.g. cti.AgentID
	Type       Type
	Size       int    // fixed part: bytes on the wire
	Tag        uint16 // floating part: FieldDataID
	Max        int    // floating part: maximum data bytes (0 = not stated)
	Floating   bool
	Required   bool
	Repeats    bool
	CountField string // field whose value counts the repeats of this one
	Enum       *Table
	Mask       *Table
	Version    int  // protocol version the field appears in (0 = all)
	MaxVersion int  // last protocol version that has the field (0 = still there)
	Secret     bool // masked in every output unless asked for

	countFixed int         // index of CountField in the fixed part, -1 when none/floating
	countFloat int         // index of CountField in the floating part, -1 when none/fixed
	sub        *subFilters // child filter names, for types that have children
	tagUnique  bool        // floating: no other floating field of the message has this tag
}

// Reserved reports whether the field is a reserved one.
func (f *FieldDef) Reserved() bool { return f.Name == "reserved" }

// MessageDef describes one message type.
type MessageDef struct {
	ID           uint32
	IDKnown      bool // false for messages whose type ID the guide lost
	Name         string
	Class        Class
	Sender       Sender
	Kind         Kind
	ConfirmsName string // for confirms: the request answered ("*" = any)
	Fixed        []FieldDef
	Floating     []FieldDef
	Doubts       int // how many open doubts the spec records for this message
	// MinVersion and MaxVersion bound the protocol versions in which ID
	// means this message (0 = unbounded): UCCE reuses a few IDs.
	MinVersion, MaxVersion int
	// Opaque: the catalog knows the message but not its fixed part, so
	// its body is shown as raw bytes.
	Opaque bool
	// Dialect is the catalog the message belongs to (set at init).
	Dialect Dialect

	// Confirms is the request this confirm answers (nil for "*" or non-confirms).
	Confirms *MessageDef
	// ConfirmedBy is the positive confirmation of a request (nil when none).
	ConfirmedBy *MessageDef
	fixedSize   int
	minFixed    int // bytes before the trailing version-marked fixed fields
	keys        *keyOffsets

	// For the shape scan, which runs on every message: the first floating
	// definition of each tag (-1 none, indexed by tag), the definitions
	// sharing each one's tag, and the required ones, as bit sets.
	trailer   *FieldDef // a UCCE fixed field after this fixed part (see ucceTrailers)
	hasSecret bool      // some field is secret: raw views mask by the bytes (SecretMask)
	tagIdx    []int8
	sameTag   [maxFloatingDefs]uint64
	required  uint64
}

// FixedSize is the byte size of the whole fixed part.
func (m *MessageDef) FixedSize() int { return m.fixedSize }

// Filter is the message's filter value for cti.msg_type.
func (m *MessageDef) String() string { return m.Name }

// TagDef is an entry of the global FieldDataID table.
type TagDef struct {
	Tag  uint16
	Name string
	Type Type
	Max  int
}

var (
	byID      [256]*MessageDef
	byName    = map[string]*MessageDef{}
	tagByID   []*TagDef // indexed by tag
	maxTag    uint16
	enumIndex = map[string]*Table{}
	maskIndex = map[string]*Table{}
)

// Messages returns every message of the catalog, in catalog order.
func Messages() []*MessageDef { return catalogMessages }

// Lookup returns the message with the given type ID.
func Lookup(id uint32) *MessageDef {
	if id < uint32(len(byID)) {
		return byID[id]
	}
	return nil
}

// LookupName returns the message with the given name.
func LookupName(name string) *MessageDef { return byName[name] }

// LookupTag returns the global FieldDataID entry for a tag.
func LookupTag(tag uint16) *TagDef {
	if int(tag) < len(tagByID) {
		return tagByID[tag]
	}
	return nil
}

// Tags returns the global FieldDataID table.
func Tags() []TagDef { return catalogTags }

// Enum returns an enum table by name.
func Enum(name string) *Table { return enumIndex[name] }

// Mask returns a mask table by name.
func Mask(name string) *Table { return maskIndex[name] }

// Enums returns every enum table.
func Enums() []*Table { return catalogEnums }

// Masks returns every mask table.
func Masks() []*Table { return catalogMasks }

// FilterName turns a field name into its stable filter name: "cti." plus the
// name with everything but letters, digits and '_' removed.
func FilterName(name string) string {
	var b strings.Builder
	b.WriteString("cti.")
	for _, r := range name {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func init() {
	if err := link(); err != nil {
		panic("dissect: inconsistent catalog: " + err.Error())
	}
}

// link resolves the cross references of the generated tables and checks them;
// a failure here is a bug in catalog.json, caught by every test run.
func link() error {
	for _, t := range catalogEnums {
		enumIndex[t.Name] = t
	}
	for _, t := range catalogMasks {
		maskIndex[t.Name] = t
	}
	for i := range catalogTags {
		if t := &catalogTags[i]; t.Tag > maxTag {
			maxTag = t.Tag
		}
	}
	tagByID = make([]*TagDef, int(maxTag)+1)
	for i := range catalogTags {
		tagByID[catalogTags[i].Tag] = &catalogTags[i]
	}
	for _, m := range catalogMessages {
		if m.IDKnown {
			if m.ID >= uint32(len(byID)) {
				return fmt.Errorf("%s: id %d out of range", m.Name, m.ID)
			}
			if byID[m.ID] != nil {
				return fmt.Errorf("%s: id %d taken by %s", m.Name, m.ID, byID[m.ID].Name)
			}
			byID[m.ID] = m
		}
		byName[m.Name] = m
		m.fixedSize, m.minFixed = 0, -1
		for i := range m.Fixed {
			f := &m.Fixed[i]
			if f.Size <= 0 {
				return fmt.Errorf("%s.%s: fixed field without size", m.Name, f.Name)
			}
			m.fixedSize += f.Size
		}
		// Only version-marked fields at the very end may be missing from an
		// older server's message.
		m.minFixed = m.fixedSize
		for i := len(m.Fixed) - 1; i >= 0 && m.Fixed[i].Version > 0; i-- {
			m.minFixed -= m.Fixed[i].Size
		}
		for _, list := range [][]FieldDef{m.Fixed, m.Floating} {
			for i := range list {
				f := &list[i]
				f.countFixed, f.countFloat = -1, -1
				if f.CountField == "" {
					continue
				}
				for j := range m.Fixed {
					if m.Fixed[j].Name == f.CountField {
						f.countFixed = j
					}
				}
				for j := range m.Floating {
					if m.Floating[j].Name == f.CountField && f.countFixed < 0 {
						f.countFloat = j
					}
				}
				if f.countFixed < 0 && f.countFloat < 0 {
					return fmt.Errorf("%s.%s: count field %q not found", m.Name, f.Name, f.CountField)
				}
			}
		}
		if len(m.Floating) > maxFloatingDefs {
			return fmt.Errorf("%s: %d floating fields, more than %d", m.Name, len(m.Floating), maxFloatingDefs)
		}
	}
	for _, m := range catalogMessages {
		for _, list := range [][]FieldDef{m.Fixed, m.Floating} {
			for i := range list {
				if needsSubFilters(&list[i]) {
					list[i].sub = newSubFilters(list[i].Filter)
				}
			}
		}
		if t, ok := ucceTrailers[m.Name]; ok {
			m.trailer = &t
		}
		top := 0
		for i := range m.Floating {
			top = max(top, int(m.Floating[i].Tag))
		}
		m.tagIdx = make([]int8, top+1)
		for i := range m.tagIdx {
			m.tagIdx[i] = -1
		}
		for i := range m.Floating {
			f := &m.Floating[i]
			if m.tagIdx[f.Tag] < 0 {
				m.tagIdx[f.Tag] = int8(i)
			}
			if f.Required {
				m.required |= 1 << uint(i)
			}
			m.hasSecret = m.hasSecret || f.Secret
			for j := range m.Floating {
				if m.Floating[j].Tag == f.Tag {
					m.sameTag[i] |= 1 << uint(j)
				}
			}
			f.tagUnique = m.sameTag[i]&(m.sameTag[i]-1) == 0
		}
	}
	for _, m := range catalogMessages {
		if m.Kind == KindConfirm && m.ConfirmsName != "" && m.ConfirmsName != "*" {
			req := byName[m.ConfirmsName]
			if req == nil {
				return fmt.Errorf("%s confirms unknown %s", m.Name, m.ConfirmsName)
			}
			m.Confirms = req
			req.ConfirmedBy = m
		}
	}
	return nil
}

// maxFloatingDefs bounds per-message scratch arrays used by the decoder.
const maxFloatingDefs = 48
