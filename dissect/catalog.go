package dissect

import (
	"fmt"
	"sort"

	"github.com/ctishark/ctishark/dissect/internal/naming"
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

	// dense indexes the small values of a catalog's table (index+1, 0 for
	// none), made when the catalog is linked: the decoder checks every
	// enum value it reads, and a binary search was a visible share.
	dense []uint16
}

// maxDenseValue bounds the values a Table's dense index covers.
const maxDenseValue = 1024

// index makes the dense index of t's values below maxDenseValue.
func (t *Table) index() {
	top := -1
	for _, v := range t.Values {
		if v.Value < maxDenseValue {
			top = max(top, int(v.Value))
		}
	}
	if top < 0 || len(t.Values) >= 1<<16 {
		return
	}
	t.dense = make([]uint16, top+1)
	for i, v := range t.Values {
		if v.Value < maxDenseValue && t.dense[v.Value] == 0 {
			t.dense[v.Value] = uint16(i + 1)
		}
	}
}

// Lookup returns the name of v, if the table has one.
func (t *Table) Lookup(v uint32) (string, bool) {
	if t == nil {
		return "", false
	}
	if v < uint32(len(t.dense)) {
		if i := t.dense[v]; i > 0 {
			return t.Values[i-1].Name, true
		}
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
	// notDevice: the catalog found the name is no device ID's (IsDeviceID),
	// so the decoder need not test it on every string; false for a
	// definition built by hand, which is tested.
	notDevice bool
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
	hasSecret bool // some field is secret: raw views mask by the bytes (SecretMask)
	tagIdx    []int8
	sameTag   [maxFloatingDefs]uint64
	// fixedIdx is the index of the first fixed field of each name, for
	// Message.Get (views ask for fields by name several times a message).
	fixedIdx map[string]int
	required uint64
	// countGroups are the floating definitions counted by one count
	// field, a bit set per count field in the order of the first member
	// (the group's leader), for the repeat-count check of every message.
	countGroups []uint64
	slot        int // 1 + place in catalogSlots; 0 for a definition made by hand
}

// FixedIndex is the index of the first fixed field called name, -1 when
// there is none.
func (m *MessageDef) FixedIndex(name string) int {
	if i, ok := m.fixedIdx[name]; ok {
		return i
	}
	return -1
}

// FixedSize is the byte size of the whole fixed part.
func (m *MessageDef) FixedSize() int { return m.fixedSize }

// Filter is the message's filter value for cti.msg_type.
func (m *MessageDef) String() string { return m.Name }

// TagDef is an entry of the global FieldDataID table.
type TagDef struct {
	Tag    uint16
	Name   string
	Type   Type
	Max    int
	Filter string // filter name of the tag where a message does not declare it
}

// A Catalog is one dialect's message, tag, enum and mask tables, linked
// and indexed. The package-level lookups (Lookup, LookupName, ...) are the
// UCCX catalog's, as before dialects existed; CatalogFor gives either.
type Catalog struct {
	Dialect  Dialect
	messages []*MessageDef
	tags     []TagDef
	enums    []*Table
	masks    []*Table

	byID      [][]*MessageDef // by type ID; more than one where the version decides
	byName    map[string][]*MessageDef
	tagByID   []*TagDef // indexed by tag
	enumIndex map[string]*Table
	maskIndex map[string]*Table
	foreign   map[uint16]*FieldDef // tags decoded where the message does not define them
	hdrType   FieldDef             // the header's MessageTypeID, with this dialect's names
}

var (
	uccxCatalog = &Catalog{Dialect: DialectUCCX, messages: catalogMessages, tags: catalogTags, enums: catalogEnums, masks: catalogMasks}
	ucceCatalog = &Catalog{Dialect: DialectUCCE, messages: ucceCatalogMessages, tags: ucceCatalogTags, enums: ucceCatalogEnums, masks: ucceCatalogMasks}
)

// CatalogFor returns the catalog of dialect d; UCCX's when d is unknown.
func CatalogFor(d Dialect) *Catalog {
	if d == DialectUCCE {
		return ucceCatalog
	}
	return uccxCatalog
}

// Catalogs returns both dialects' catalogs, UCCX's first.
func Catalogs() []*Catalog { return []*Catalog{uccxCatalog, ucceCatalog} }

// Messages returns every message of the catalog, in catalog order.
func (c *Catalog) Messages() []*MessageDef { return c.messages }

// Lookup returns the message with type ID id at protocol version (0 =
// unknown). Where the catalog bounds a message's versions, a known version
// outside them finds nothing; with the version unknown, the newest meaning
// of the ID wins.
func (c *Catalog) Lookup(id uint32, version int) *MessageDef {
	if id >= uint32(len(c.byID)) {
		return nil
	}
	defs := c.byID[id]
	if version == 0 {
		for _, d := range defs {
			if d.MaxVersion == 0 {
				return d
			}
		}
		if len(defs) > 0 {
			return defs[len(defs)-1]
		}
		return nil
	}
	for _, d := range defs {
		if d.InVersion(version) {
			return d
		}
	}
	return nil
}

// byTypeID lists every meaning of type ID id, whatever the version.
func (c *Catalog) byTypeID(id uint32) []*MessageDef {
	if id < uint32(len(c.byID)) {
		return c.byID[id]
	}
	return nil
}

// LookupName returns the message called name at protocol version (0 =
// unknown: the newest of that name).
func (c *Catalog) LookupName(name string, version int) *MessageDef {
	defs := c.byName[name]
	for _, d := range defs {
		if version == 0 && d.MaxVersion == 0 || version != 0 && d.InVersion(version) {
			return d
		}
	}
	if len(defs) > 0 {
		return defs[len(defs)-1]
	}
	return nil
}

// LookupTag returns the global FieldDataID entry for a tag.
func (c *Catalog) LookupTag(tag uint16) *TagDef {
	if int(tag) < len(c.tagByID) {
		return c.tagByID[tag]
	}
	return nil
}

// Tags returns the global FieldDataID table.
func (c *Catalog) Tags() []TagDef { return c.tags }

// Enum returns an enum table by name.
func (c *Catalog) Enum(name string) *Table { return c.enumIndex[name] }

// Mask returns a mask table by name.
func (c *Catalog) Mask(name string) *Table { return c.maskIndex[name] }

// Enums returns every enum table.
func (c *Catalog) Enums() []*Table { return c.enums }

// Masks returns every mask table.
func (c *Catalog) Masks() []*Table { return c.masks }

// InVersion reports whether the message's type ID means it at version v.
func (m *MessageDef) InVersion(v int) bool {
	return (m.MinVersion == 0 || v >= m.MinVersion) && (m.MaxVersion == 0 || v <= m.MaxVersion)
}

// InVersion reports whether the field exists at version v (0 = unknown: yes).
func (f *FieldDef) InVersion(v int) bool {
	return v == 0 || (f.Version == 0 || v >= f.Version) && (f.MaxVersion == 0 || v <= f.MaxVersion)
}

// catalog is the catalog the message belongs to.
func (m *MessageDef) catalog() *Catalog { return CatalogFor(m.Dialect) }

// Messages returns every message of the UCCX catalog, in catalog order.
func Messages() []*MessageDef { return catalogMessages }

// Lookup returns the UCCX message with the given type ID.
func Lookup(id uint32) *MessageDef { return uccxCatalog.Lookup(id, 0) }

// LookupName returns the UCCX message with the given name.
func LookupName(name string) *MessageDef { return uccxCatalog.LookupName(name, 0) }

// LookupTag returns the UCCX FieldDataID entry for a tag.
func LookupTag(tag uint16) *TagDef { return uccxCatalog.LookupTag(tag) }

// Tags returns the UCCX FieldDataID table.
func Tags() []TagDef { return catalogTags }

// Enum returns a UCCX enum table by name.
func Enum(name string) *Table { return uccxCatalog.Enum(name) }

// Mask returns a UCCX mask table by name.
func Mask(name string) *Table { return uccxCatalog.Mask(name) }

// Enums returns every UCCX enum table.
func Enums() []*Table { return catalogEnums }

// Masks returns every UCCX mask table.
func Masks() []*Table { return catalogMasks }

// FilterName turns a field name into its stable filter name: "cti." plus the
// name with everything but letters, digits and '_' removed, first letter
// upper-cased (see internal/naming). The entries of a repeated group named
// like a fixed field of their message have names of their own
// (FieldDef.Filter, e.g. cti.CSQs.CSQID).
func FilterName(name string) string { return naming.Filter(name) }

func init() {
	for _, c := range Catalogs() {
		if err := c.link(); err != nil {
			panic("dissect: inconsistent " + c.Dialect.String() + " catalog: " + err.Error())
		}
	}
	numberSlots()
}

// maxTypeID bounds the type IDs a catalog may define (both stop below 300).
const maxTypeID = 1023

// link resolves the cross references of the generated tables and checks them;
// a failure here is a bug in a catalog file, caught by every test run.
func (c *Catalog) link() error {
	c.byName = map[string][]*MessageDef{}
	c.enumIndex, c.maskIndex = map[string]*Table{}, map[string]*Table{}
	for _, group := range [][]*Table{c.enums, c.masks} {
		for _, t := range group {
			sortNamed(t.Values) // Table.Lookup searches; the UCCE file is hand-kept
			t.index()
		}
	}
	for _, t := range c.enums {
		c.enumIndex[t.Name] = t
	}
	for _, t := range c.masks {
		c.maskIndex[t.Name] = t
	}
	var maxTag uint16
	for i := range c.tags {
		if t := &c.tags[i]; t.Tag > maxTag {
			maxTag = t.Tag
		}
	}
	c.tagByID = make([]*TagDef, int(maxTag)+1)
	for i := range c.tags {
		c.tagByID[c.tags[i].Tag] = &c.tags[i]
	}
	for _, m := range c.messages {
		m.Dialect = c.Dialect
		if m.IDKnown {
			if m.ID > maxTypeID {
				return fmt.Errorf("%s: id %d out of range", m.Name, m.ID)
			}
			for int(m.ID) >= len(c.byID) {
				c.byID = append(c.byID, nil)
			}
			for _, o := range c.byID[m.ID] {
				if versionsOverlap(o, m) {
					return fmt.Errorf("%s: id %d taken by %s in overlapping versions", m.Name, m.ID, o.Name)
				}
			}
			c.byID[m.ID] = append(c.byID[m.ID], m)
		}
		c.byName[m.Name] = append(c.byName[m.Name], m)
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
	for _, m := range c.messages {
		for _, list := range [][]FieldDef{m.Fixed, m.Floating} {
			for i := range list {
				if needsSubFilters(&list[i]) {
					list[i].sub = newSubFilters(list[i].Filter)
				}
			}
		}
		top := 0
		for i := range m.Floating {
			top = max(top, int(m.Floating[i].Tag))
		}
		m.fixedIdx = make(map[string]int, len(m.Fixed))
		for i := range m.Fixed {
			m.Fixed[i].notDevice = !IsDeviceID(m.Fixed[i].Name)
		}
		for i := range m.Floating {
			m.Floating[i].notDevice = !IsDeviceID(m.Floating[i].Name)
		}
		for i := range m.Fixed {
			if _, dup := m.fixedIdx[m.Fixed[i].Name]; !dup {
				m.fixedIdx[m.Fixed[i].Name] = i
			}
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
		m.countGroups = nil
		for i := range m.Floating {
			if groupLeader(m, i) != i {
				continue
			}
			var g uint64
			for j := range m.Floating {
				if sameCounter(&m.Floating[j], &m.Floating[i]) {
					g |= 1 << uint(j)
				}
			}
			if g != 0 {
				m.countGroups = append(m.countGroups, g)
			}
		}
	}
	for _, m := range c.messages {
		if m.Kind == KindConfirm && m.ConfirmsName != "" && m.ConfirmsName != "*" {
			var req *MessageDef
			for _, r := range c.byName[m.ConfirmsName] {
				if req == nil || versionsOverlap(r, m) {
					req = r
				}
			}
			if req == nil {
				return fmt.Errorf("%s confirms unknown %s", m.Name, m.ConfirmsName)
			}
			m.Confirms = req
			req.ConfirmedBy = m
		}
	}
	c.linkForeign()
	c.hdrType = FieldDef{Name: "MessageTypeID", Filter: "cti.msg_type_id", Type: TypeUINT, Size: 4, Enum: c.msgTypes()}
	return nil
}

// versionsOverlap reports whether two messages' version ranges meet.
func versionsOverlap(a, b *MessageDef) bool {
	lo, hi := max(a.MinVersion, b.MinVersion), 0
	switch {
	case a.MaxVersion == 0:
		hi = b.MaxVersion
	case b.MaxVersion == 0:
		hi = a.MaxVersion
	default:
		hi = min(a.MaxVersion, b.MaxVersion)
	}
	return hi == 0 || lo <= hi
}

// msgTypes is the MessageTypeID value table: each ID's newest meaning.
func (c *Catalog) msgTypes() *Table {
	t := &Table{Name: "MessageType"}
	for id := range c.byID {
		if d := c.Lookup(uint32(id), 0); d != nil {
			t.Values = append(t.Values, Named{d.ID, d.Name})
		}
	}
	return t
}

// maxFloatingDefs bounds per-message scratch arrays used by the decoder.
const maxFloatingDefs = 48
