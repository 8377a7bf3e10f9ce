package dissect

// A FieldName is a field name resolved once, when it is made, to the
// index of its first fixed field in every message definition of both
// catalogs: Message.Field finds a fixed field by the definition's slot
// (MessageDef.Slot) instead of hashing the name, which views and rules
// asking for a field of every message paid for (5% of the CPU of stats).
// It is never changed once made, so it is read freely on any goroutine;
// make it once (a package variable), not per message.
type FieldName struct {
	name  string
	fixed []int16 // by slot: index of the first fixed field called name, -1 none
}

// NewFieldName resolves name in every catalog message.
func NewFieldName(name string) *FieldName {
	n := &FieldName{name: name, fixed: make([]int16, len(catalogSlots))}
	for s, d := range catalogSlots {
		n.fixed[s] = int16(d.FixedIndex(name))
	}
	return n
}

// Name is the field name.
func (n *FieldName) Name() string { return n.name }

// catalogSlots lists the definitions of both catalogs, UCCX's first, in
// catalog order: a definition's slot is its place here.
var catalogSlots []*MessageDef

// numberSlots gives each catalog definition its slot (after linking,
// which must not fail first: it panics).
func numberSlots() {
	for _, c := range Catalogs() {
		for _, m := range c.messages {
			catalogSlots = append(catalogSlots, m)
			m.slot = len(catalogSlots)
		}
	}
}

// Slot is the definition's place among the definitions of both catalogs,
// 0 to Slots()-1: views keeping something per message type index a slice
// by it instead of hashing the pointer. It is -1 for a definition that is
// not a catalog's (made by hand).
func (m *MessageDef) Slot() int { return m.slot - 1 }

// Slots is the number of catalog definitions, both catalogs together.
func Slots() int { return len(catalogSlots) }

// BySlot makes, for every catalog definition, what per returns for it,
// in a slice indexed by Slot: the one way the views keep something per
// message type without hashing the definition for every message.
func BySlot[T any](per func(*MessageDef) T) []T {
	out := make([]T, len(catalogSlots))
	for s, d := range catalogSlots {
		out[s] = per(d)
	}
	return out
}

// fixedIndex is n's fixed index in d (-1 none).
func (n *FieldName) fixedIndex(d *MessageDef) int {
	if s := d.slot - 1; s >= 0 && s < len(n.fixed) {
		return int(n.fixed[s])
	}
	return d.FixedIndex(n.name) // not a catalog's definition
}

// Field is Get(n.Name()): the first field (fixed or floating) with that
// name.
func (m *Message) Field(n *FieldName) *Field {
	fixed := -1
	if m.nFixed > 0 {
		fixed = n.fixedIndex(m.Def)
	}
	return m.find(fixed, n.name)
}

// UintField is Uint(n.Name()).
func (m *Message) UintField(n *FieldName) (uint64, bool) {
	if f := m.Field(n); f != nil && (f.Value.Type.IsInteger() || f.Value.Type == TypeBOOL) {
		return f.Value.Num, true
	}
	return 0, false
}

// StringField is String(n.Name()).
func (m *Message) StringField(n *FieldName) (string, bool) {
	if f := m.Field(n); f != nil && f.Value.Type == TypeSTRING {
		return f.Value.Str, true
	}
	return "", false
}
