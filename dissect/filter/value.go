package filter

import (
	"net/netip"

	"github.com/ctishark/ctishark/dissect"
)

// vkind is the kind of one runtime value.
type vkind uint8

const (
	vNone vkind = iota
	vInt
	vFloat
	vStr
	vBytes
	vAddr
)

// val is one value of a field in one message. It is passed by value so
// that matching allocates nothing.
type val struct {
	k    vkind
	i    int64
	f    float64
	s    string
	b    []byte
	ap   netip.AddrPort
	enum *dissect.Table // the field's enum table, for names that differ per message
}

// pred tests one value; built once at compile time.
type pred func(v val) bool

// eachFn calls p on every value of a field until p returns stop. found says
// whether the field had any value, stopped whether p returned stop.
type eachFn func(t *Target, p pred, stop bool) (found, stopped bool)

// fieldVal converts a decoded field's value.
func fieldVal(f *dissect.Field) val {
	v := &f.Value
	switch v.Type {
	case dissect.TypeBOOL:
		if v.Num != 0 {
			return val{k: vInt, i: 1}
		}
		return val{k: vInt}
	case dissect.TypeSTRING:
		return val{k: vStr, s: v.Str}
	case dissect.TypeNAMEDVAR, dissect.TypeNAMEDARRAY:
		// Rare enough that building "name=value" is acceptable; .name and
		// .value compare without it.
		return val{k: vStr, s: v.Name + "=" + v.Str}
	case dissect.TypeUNSPEC, dissect.TypeUnknown:
		return val{k: vBytes, b: v.Bytes}
	}
	var e *dissect.Table
	if f.Def != nil {
		e = f.Def.Enum
	}
	return val{k: vInt, i: v.Int64(), enum: e}
}

// messageField iterates the fields called name, in the header and body; a
// child name (X.primary, X.name...) iterates the children of parent.
func messageField(name, parent string) eachFn {
	return func(t *Target, p pred, stop bool) (found, stopped bool) {
		m := t.Msg
		if m == nil {
			return false, false
		}
		for _, list := range [2][]dissect.Field{m.Header, m.Fields} {
			for i := range list {
				f := &list[i]
				if parent == "" {
					if f.Filter != name {
						continue
					}
					found = true
					if p(fieldVal(f)) == stop {
						return true, true
					}
					continue
				}
				if f.Filter != parent {
					continue
				}
				for j := range f.Children {
					c := &f.Children[j]
					if c.Filter == name {
						found = true
						if p(fieldVal(c)) == stop {
							return true, true
						}
					}
				}
			}
		}
		return found, false
	}
}
