package render

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	"github.com/ctishark/ctishark/dissect"
)

// defFrags are the JSON fragments of one field definition in one style,
// quoted and escaped once: most fields of a record carry their definition's
// name and filter unchanged, and appending two constants beats escaping the
// same strings again for each of the millions of fields a capture has.
type defFrags struct {
	id        int        // the definition's place in a jsonMemo, unique over the catalogs
	tag       int        // the Field.Tag the fragments hold: the FieldDataID, or -1 for a fixed field
	head      string     // {"name":"X" and, when floating, ,"tag":N
	headValue string     // head then the value key: a field that is no repeat
	filter    string     // ,"filter":"cti.X" then the offset key
	enum      *enumFrags // the display fragments of the definition's enum, if it has one
}

// defCache holds the fragments of the catalogs' field definitions. Its
// maps are made once, on first use, and only read after; each message's
// and each enum's fragments are made the first time a record needs them,
// under their own sync.Once: renderers on several goroutines share the
// cache without locks, and a run pays only for the messages it shows. A
// field's definition is found from its message's (one look-up per record,
// by the definition's slot, not per field: a map look-up per field cost
// more than the escaping it saves).
type defCache struct {
	k     *fieldKeys
	rk    *recordKeys
	msgs  []*msgFrags // by MessageDef.Slot
	enums map[*dissect.Table]*enumFrags
	defs  int // field definitions of the catalogs' messages: the ids given out
}

// msgFrags are the fragments of a message definition's fields, in the
// order of its Fixed and Floating lists.
type msgFrags struct {
	once            sync.Once
	def             *dissect.MessageDef
	base            int    // the id of the first fixed field; the floating ones follow
	msgType         string // the msg_type key, the name, and the msg_type_id key
	fixed, floating []defFrags
}

// enumFrags are the display fragments of a table's names: by value for
// the small values (most of them: an index beats a binary search whose
// branches the CPU cannot guess), in the table's order for all.
type enumFrags struct {
	once  sync.Once
	small []string // by value, up to the largest value below maxSmallEnum
	frags []string // in the order of the table's values
}

// maxSmallEnum bounds the values an enum's fragments are indexed by: the
// tables' large values (65535 for "none", error codes) are few.
const maxSmallEnum = 1024

// buildDefCache lists the catalogs' messages and enums. A field whose
// definition is none of its message's (a tag used where its message does
// not define it, raw data) is written the long way.
func buildDefCache(k *fieldKeys, rk *recordKeys) *defCache {
	c := &defCache{k: k, rk: rk, enums: map[*dissect.Table]*enumFrags{}}
	c.msgs = dissect.BySlot(func(m *dissect.MessageDef) *msgFrags {
		mf := &msgFrags{def: m, base: c.defs}
		c.defs += len(m.Fixed) + len(m.Floating)
		for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
			for i := range list {
				if t := list[i].Enum; t != nil && c.enums[t] == nil {
					c.enums[t] = &enumFrags{}
				}
			}
		}
		return mf
	})
	return c
}

// message is the fragments of def, made on first use; nil when def is
// not the catalogs' (or nil: an unknown type).
func (c *defCache) message(def *dissect.MessageDef) *msgFrags {
	if def == nil {
		return nil
	}
	s := def.Slot()
	if s < 0 || s >= len(c.msgs) || c.msgs[s].def != def {
		return nil // made by hand (a copy of a catalog's keeps its slot)
	}
	mf := c.msgs[s]
	mf.once.Do(func() {
		mf.msgType = string(appendString([]byte(c.rk.msgType), def.Name)) + c.rk.msgTypeID
		mf.fixed = make([]defFrags, len(def.Fixed))
		for i := range def.Fixed {
			mf.fixed[i] = c.field(&def.Fixed[i])
			mf.fixed[i].id = mf.base + i
		}
		mf.floating = make([]defFrags, len(def.Floating))
		for i := range def.Floating {
			mf.floating[i] = c.field(&def.Floating[i])
			mf.floating[i].id = mf.base + len(def.Fixed) + i
		}
	})
	return mf
}

// field makes the fragments of one definition.
func (c *defCache) field(d *dissect.FieldDef) defFrags {
	k := c.k
	fr := defFrags{tag: -1}
	head := appendString([]byte(k.name), d.Name)
	if d.Floating {
		fr.tag = int(d.Tag)
		head = append(head, k.tag...)
		head = strconv.AppendInt(head, int64(d.Tag), 10)
	}
	fr.head = string(head)
	fr.headValue = fr.head + k.value
	fr.filter = string(appendString([]byte(k.filter), d.Filter)) + k.offset
	if t := d.Enum; t != nil {
		e := c.enums[t]
		e.once.Do(func() {
			e.frags = make([]string, len(t.Values))
			n := 0
			for i, v := range t.Values {
				if v.Name != "" {
					e.frags[i] = string(appendString([]byte(k.display), v.Name))
				}
				if v.Value < maxSmallEnum {
					n = max(n, int(v.Value)+1)
				}
			}
			if !slices.IsSortedFunc(t.Values, func(a, b dissect.Named) int { return cmp.Compare(a.Value, b.Value) }) {
				return // Lookup's search is all the table can take
			}
			e.small = make([]string, n)
			// Backwards, so a value named twice takes its first name, as
			// Lookup's search does.
			for i := len(t.Values) - 1; i >= 0; i-- {
				if v := t.Values[i].Value; v < maxSmallEnum {
					e.small[v] = e.frags[i]
				}
			}
		})
		fr.enum = e
	}
	return fr
}

// fragCursor finds the fragments of a message's fields in turn. The fixed
// fields come in their list's order and the floating ones mostly do: the
// next definition is tried first, then the others.
type fragCursor struct {
	mf       *msgFrags
	fix, flo int
	defs     int // defCache.defs, for a jsonMemo made on first use
}

func (c *defCache) cursor(m *dissect.Message) fragCursor {
	return fragCursor{mf: c.message(m.Def), defs: c.defs}
}

// find is the fragments of definition d, nil when it has none.
func (k *fragCursor) find(d *dissect.FieldDef) *defFrags {
	if mf := k.mf; mf != nil {
		md := mf.def
		if k.fix < len(md.Fixed) && d == &md.Fixed[k.fix] {
			k.fix++
			return &mf.fixed[k.fix-1]
		}
		n := len(md.Floating)
		for i, j := 0, k.flo; i < n; i, j = i+1, j+1 {
			if j >= n {
				j = 0
			}
			if d == &md.Floating[j] {
				k.flo = j + 1
				return &mf.floating[j]
			}
		}
	}
	return nil
}

// enumDisplay is the display fragment of v in an enum definition's table,
// or "" when the table does not name it: Table.Lookup's binary search
// (the first value not below v), without its closure.
func enumDisplay(t *dissect.Table, e *enumFrags, v uint32) string {
	if v < uint32(len(e.small)) {
		return e.small[v]
	}
	frags := e.frags
	vs := t.Values
	lo, hi := 0, len(vs)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if vs[mid].Value < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(vs) && lo < len(frags) && vs[lo].Value == v {
		return frags[lo]
	}
	return ""
}

// quoteAppended closes the JSON string whose text was appended raw to b
// from start (just after the opening quote): text that needs no escape
// stays where it is, else its tail from the first byte to escape is
// written again, escaped. The split is exact: the plain prefix is ASCII,
// so no UTF-8 sequence straddles it.
func quoteAppended(b []byte, start int) []byte {
	i := start + plainPrefix(b[start:])
	if i < len(b) {
		tail := string(b[i:])
		b = appendEscaped(b[:i], tail)
	}
	return append(b, '"')
}

// lazyDefCache builds a style's definition cache on first use.
func lazyDefCache(k *fieldKeys, rk *recordKeys) func() *defCache {
	return sync.OnceValue(func() *defCache { return buildDefCache(k, rk) })
}
