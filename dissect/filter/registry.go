package filter

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/internal/naming"
	"github.com/ctishark/ctishark/dissect/record"
)

// FieldInfo describes one filterable field, for `ctishark fields` and for
// checking filters when they compile.
type FieldInfo struct {
	Name        string      // filter name, e.g. cti.AgentState
	Type        string      // wire type (UINT, STRING... "A|B" when messages disagree) or a metadata type
	Description string      // what the field is
	Messages    []string    // message types that carry it, sorted; nil for metadata (every message)
	Enum        []EnumValue // named values (or mask bits when Mask), usable as filter values
	Mask        bool        // Enum lists bits: test them with &
	UCCEOnly    bool        // only the UCCE dialect has the field (its Description says so too)
}

// EnumValue is one named value of a field.
type EnumValue struct {
	Name  string
	Value uint64
}

// kind is how a field's values compare.
type kind uint8

const (
	kInt      kind = iota // integers, TIME (epoch seconds)
	kBool                 // BOOL: 0/1, also true/false
	kFloat                // seconds
	kString               // text
	kBytes                // UNSPEC data
	kNamed                // NamedVariable/NamedArray: compared as "name=value"
	kAddr                 // ip:port
	kMixed                // several wire types under one name (cti.reserved): decided per value
	kMsgType              // message type name
	kDir                  // direction
	kSeverity             // expert severity
)

// spec is what the compiler knows about a field name.
type spec struct {
	info   FieldInfo
	kind   kind
	meta   *record.MetaField // nil for message fields
	parent string            // for children (X.primary, X.name...): the field that holds them
	enums  []*dissect.Table  // every enum table any message gives the field
	masks  []*dissect.Table
}

var registry struct {
	once    sync.Once
	byName  map[string]*spec
	list    []FieldInfo
	renamed map[string]string // old spelling -> filter name (see legacyNames)
}

// Fields returns every filterable field, sorted by name. The slice is the
// caller's; the Messages and Enum lists inside are shared and read-only.
func Fields() []FieldInfo {
	registry.once.Do(buildRegistry)
	return slices.Clone(registry.list)
}

func lookupSpec(name string) *spec {
	registry.once.Do(buildRegistry)
	return registry.byName[name]
}

// collect gathers what messages say about one filter name.
type collect struct {
	types    map[dissect.Type]bool
	msgs     map[string]bool
	enums    []*dissect.Table
	masks    []*dissect.Table
	fixed    bool
	tags     map[uint16]bool
	names    map[string]bool
	deviceID bool
	ucceOnly bool // a name only the UCCE catalog uses
}

func addTable(list []*dissect.Table, t *dissect.Table) []*dissect.Table {
	if t == nil {
		return list
	}
	for _, x := range list {
		if x == t {
			return list
		}
	}
	return append(list, t)
}

// collectField adds what field fd of message m says about its filter name.
func collectField(c *collect, m *dissect.MessageDef, fd *dissect.FieldDef) {
	c.types[fd.Type] = true
	c.msgs[m.Name] = true
	c.enums = addTable(c.enums, fd.Enum)
	c.masks = addTable(c.masks, fd.Mask)
	c.names[fd.Name] = true
	if fd.Floating {
		c.tags[fd.Tag] = true
	} else {
		c.fixed = true
	}
	if fd.Type == dissect.TypeSTRING && dissect.IsDeviceID(fd.Name) {
		c.deviceID = true
	}
}

func buildRegistry() {
	cs := map[string]*collect{}
	get := func(name string) *collect {
		c := cs[name]
		if c == nil {
			c = &collect{types: map[dissect.Type]bool{}, msgs: map[string]bool{}, tags: map[uint16]bool{}, names: map[string]bool{}}
			cs[name] = c
		}
		return c
	}
	// UCCE-only fields get their own names; a name both dialects use keeps
	// what the UCCX catalog says of it, so UCCX filters read as before.
	addCatalog := func(cat *dissect.Catalog, keep func(name string) bool) {
		for _, m := range cat.Messages() {
			for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
				for i := range list {
					if fd := &list[i]; keep(fd.Filter) {
						collectField(get(fd.Filter), m, fd)
					}
				}
			}
		}
		// A known tag sent in a message that does not define it is
		// decoded under the tag table's name.
		for _, t := range cat.Tags() {
			if name := t.Filter; keep(name) {
				c := get(name)
				c.types[t.Type] = true
				c.tags[t.Tag] = true
				c.names[t.Name] = true
			}
		}
	}
	addCatalog(dissect.CatalogFor(dissect.DialectUCCX), func(string) bool { return true })
	uccx := map[string]bool{}
	for name := range cs {
		uccx[name] = true
	}
	// A name both dialects use still decodes UCCE's values with UCCE's
	// tables: a value name is looked up in the table of the field it is
	// compared with (cti.LineType: UCCX's two, UCCE's thirteen).
	ucceTables := map[string]*collect{}
	for _, m := range dissect.CatalogFor(dissect.DialectUCCE).Messages() {
		for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
			for i := range list {
				if fd := &list[i]; uccx[fd.Filter] && (fd.Enum != nil || fd.Mask != nil) {
					c := ucceTables[fd.Filter]
					if c == nil {
						c = &collect{}
						ucceTables[fd.Filter] = c
					}
					c.enums = addTable(c.enums, fd.Enum)
					c.masks = addTable(c.masks, fd.Mask)
				}
			}
		}
	}
	addCatalog(dissect.CatalogFor(dissect.DialectUCCE), func(name string) bool {
		if uccx[name] {
			return false
		}
		get(name).ucceOnly = true
		return true
	})

	reg := map[string]*spec{}
	for name, c := range cs {
		s := &spec{enums: c.enums, masks: c.masks}
		s.info = FieldInfo{Name: name, Type: typeNames(c.types), Messages: sortedKeys(c.msgs), Description: describe(c), UCCEOnly: c.ucceOnly}
		s.kind = kindOf(c.types)
		s.info.Enum, s.info.Mask = enumValues(c.enums, c.masks)
		if u := ucceTables[name]; u != nil {
			for _, t := range u.enums {
				s.enums = addTable(s.enums, t)
			}
			for _, t := range u.masks {
				s.masks = addTable(s.masks, t)
			}
		}
		reg[name] = s
		if c.deviceID {
			reg[name+".primary"] = &spec{parent: name, kind: kString, info: FieldInfo{Name: name + ".primary", Type: "STRING", Messages: s.info.Messages, UCCEOnly: c.ucceOnly,
				Description: "ICD (primary) extension of a version-14 Primary.Actual device ID"}}
			reg[name+".actual"] = &spec{parent: name, kind: kString, info: FieldInfo{Name: name + ".actual", Type: "STRING", Messages: s.info.Messages, UCCEOnly: c.ucceOnly,
				Description: "actual extension of a version-14 Primary.Actual device ID"}}
		}
		if c.types[dissect.TypeNAMEDVAR] || c.types[dissect.TypeNAMEDARRAY] {
			reg[name+".name"] = &spec{parent: name, kind: kString, info: FieldInfo{Name: name + ".name", Type: "STRING", Messages: s.info.Messages, UCCEOnly: c.ucceOnly, Description: "variable name"}}
			reg[name+".value"] = &spec{parent: name, kind: kString, info: FieldInfo{Name: name + ".value", Type: "STRING", Messages: s.info.Messages, UCCEOnly: c.ucceOnly, Description: "variable value"}}
		}
		if c.types[dissect.TypeNAMEDARRAY] {
			reg[name+".index"] = &spec{parent: name, kind: kInt, info: FieldInfo{Name: name + ".index", Type: "UCHAR", Messages: s.info.Messages, UCCEOnly: c.ucceOnly, Description: "array index"}}
		}
	}
	// Fields the decoder makes outside the catalog's message layouts.
	extra := []struct {
		name string
		k    kind
		typ  string
		desc string
	}{
		{"cti.length", kInt, "UINT", "BodyLength of the message header (bytes after the 8-byte header)"},
		{"cti.reserved", kMixed, "", "reserved field"},
		{"cti.data", kBytes, "UNSPEC", "raw bytes: body of an unknown message type, or bytes after BodyLength"},
		{"cti.unknown_tag", kMixed, "STRING|UNSPEC", "floating field whose FieldDataID is not in the catalog (text when it reads as text)"},
	}
	for _, e := range extra {
		if s := reg[e.name]; s != nil {
			s.kind = e.k
			if e.typ != "" {
				s.info.Type = e.typ
			}
			s.info.Description = e.desc
			continue
		}
		reg[e.name] = &spec{kind: e.k, info: FieldInfo{Name: e.name, Type: e.typ, Description: e.desc}}
	}
	for _, m := range record.MetaFields() {
		reg[m.Name] = metaSpec(record.LookupMeta(m.Name))
	}

	list := make([]FieldInfo, 0, len(reg))
	for _, s := range reg {
		list = append(list, s.info)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	registry.byName, registry.list, registry.renamed = reg, list, legacyNames(reg)
}

// legacyNames maps the filter names that ctishark used before names were
// made UpperCamel and unique regardless of case (cti.lineType,
// cti.agentState, cti.clientPort, cti.numCSQs) to today's, so the filters
// users wrote still compile (with a hint naming the new spelling). An old
// spelling that is still a name keeps its meaning: cti.CSQID is the fixed
// field, the floating entries are cti.CSQs.CSQID.
func legacyNames(reg map[string]*spec) map[string]string {
	out := map[string]string{}
	add := func(name, filter string) {
		if old := naming.Legacy(name); old != filter && reg[old] == nil && reg[filter] != nil {
			out[old] = filter
		}
	}
	for _, cat := range dissect.Catalogs() {
		for _, m := range cat.Messages() {
			for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
				for i := range list {
					add(list[i].Name, list[i].Filter)
				}
			}
		}
		for _, t := range cat.Tags() {
			add(t.Name, t.Filter)
		}
	}
	return out
}

// Renamed is the filter name an old spelling of a field name now has
// (cti.lineType: cti.LineType).
func Renamed(name string) (string, bool) {
	registry.once.Do(buildRegistry)
	n, ok := registry.renamed[name]
	return n, ok
}

func typeNames(ts map[dissect.Type]bool) string {
	var names []string
	for t := range ts {
		names = append(names, t.String())
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// kindOf decides how values compare from the wire types a name carries.
func kindOf(ts map[dissect.Type]bool) kind {
	var ks []kind
	for t := range ts {
		k := kMixed
		switch {
		case t == dissect.TypeBOOL:
			k = kBool
		case t.IsInteger():
			k = kInt
		case t == dissect.TypeSTRING:
			k = kString
		case t == dissect.TypeUNSPEC:
			k = kBytes
		case t == dissect.TypeNAMEDVAR || t == dissect.TypeNAMEDARRAY:
			k = kNamed
		}
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return kMixed
	}
	for _, k := range ks[1:] {
		if k != ks[0] {
			return kMixed
		}
	}
	return ks[0]
}

func describe(c *collect) string {
	var b strings.Builder
	b.WriteString(strings.Join(sortedKeys(c.names), ", "))
	var tags []int
	for t := range c.tags {
		tags = append(tags, int(t))
	}
	sort.Ints(tags)
	switch {
	case c.fixed && len(tags) > 0:
		b.WriteString(": fixed, or floating tag ")
	case c.fixed:
		b.WriteString(": fixed part")
	case len(tags) > 0:
		b.WriteString(": floating tag ")
	}
	for i, t := range tags {
		if i > 0 {
			b.WriteString("/")
		}
		b.WriteString(strconv.Itoa(t))
	}
	if len(c.msgs) == 0 {
		b.WriteString(" (in the tag table, in no message layout)")
	}
	if c.ucceOnly {
		b.WriteString(" (UCCE only)")
	}
	return b.String()
}

// enumValues merges the tables of a field into one list, sorted by value
// then name, without duplicates. Masks win when a field has both.
func enumValues(enums, masks []*dissect.Table) ([]EnumValue, bool) {
	tabs, isMask := enums, false
	if len(masks) > 0 {
		tabs, isMask = masks, true
	}
	seen := map[EnumValue]bool{}
	var out []EnumValue
	for _, t := range tabs {
		for _, v := range t.Values {
			ev := EnumValue{Name: v.Name, Value: uint64(v.Value)}
			if !seen[ev] {
				seen[ev] = true
				out = append(out, ev)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value < out[j].Value
		}
		return out[i].Name < out[j].Name
	})
	return out, isMask
}
