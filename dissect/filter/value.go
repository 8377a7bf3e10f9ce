package filter

import (
	"net/netip"
	"time"

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

func one(p pred, v val, stop bool) (bool, bool) { return true, p(v) == stop }

func seconds(d time.Duration) float64 { return d.Seconds() }

// metaField iterates the values of a metadata field.
func metaField(id metaID) eachFn {
	switch id {
	case metaMsgType:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Msg == nil {
				return false, false
			}
			if t.Msg.Def != nil {
				return one(p, val{k: vStr, s: t.Msg.Def.Name}, stop)
			}
			return one(p, val{k: vStr, s: t.Msg.Name()}, stop)
		}
	case metaMsgTypeID:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Msg == nil || len(t.Msg.Header) < 2 {
				return false, false
			}
			return one(p, val{k: vInt, i: int64(t.Msg.TypeID)}, stop)
		}
	case metaNum:
		return intMeta(func(t *Target) (int64, bool) { return int64(t.Num), t.Num > 0 })
	case metaStream:
		return intMeta(func(t *Target) (int64, bool) { return int64(t.Stream), true })
	case metaDir:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Dir == "" {
				return false, false
			}
			return one(p, val{k: vStr, s: t.Dir}, stop)
		}
	case metaSrc, metaDst, metaAddr:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			found := false
			if id != metaDst && t.Src.IsValid() {
				found = true
				if p(val{k: vAddr, ap: t.Src}) == stop {
					return true, true
				}
			}
			if id != metaSrc && t.Dst.IsValid() {
				found = true
				if p(val{k: vAddr, ap: t.Dst}) == stop {
					return true, true
				}
			}
			return found, false
		}
	case metaSrcPort, metaDstPort, metaPort:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			found := false
			if id != metaDstPort && t.Src.IsValid() {
				found = true
				if p(val{k: vInt, i: int64(t.Src.Port())}) == stop {
					return true, true
				}
			}
			if id != metaSrcPort && t.Dst.IsValid() {
				found = true
				if p(val{k: vInt, i: int64(t.Dst.Port())}) == stop {
					return true, true
				}
			}
			return found, false
		}
	case metaTimeRel:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Time.IsZero() && t.RelTime == 0 {
				return false, false
			}
			return one(p, val{k: vFloat, f: seconds(t.RelTime)}, stop)
		}
	case metaTimeEpoch:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Time.IsZero() {
				return false, false
			}
			return one(p, val{k: vFloat, f: float64(t.Time.UnixNano()) / 1e9}, stop)
		}
	case metaExpert, metaSeverity:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Msg == nil {
				return false, false
			}
			return eachExpert(t.Msg, id == metaSeverity, p, stop)
		}
	case metaRespTime:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.RequestIn == 0 && t.ResponseIn == 0 {
				return false, false
			}
			return one(p, val{k: vFloat, f: seconds(t.ResponseTime)}, stop)
		}
	case metaRespIn:
		return intMeta(func(t *Target) (int64, bool) { return int64(t.ResponseIn), t.ResponseIn != 0 })
	case metaReqIn:
		return intMeta(func(t *Target) (int64, bool) { return int64(t.RequestIn), t.RequestIn != 0 })
	case metaUnanswered:
		return intMeta(func(t *Target) (int64, bool) { return 1, t.Unanswered })
	case metaEvent:
		return func(t *Target, p pred, stop bool) (bool, bool) {
			if t.Event == "" {
				return false, false
			}
			return one(p, val{k: vStr, s: t.Event}, stop)
		}
	}
	panic("filter: unknown metadata field")
}

func intMeta(get func(t *Target) (int64, bool)) eachFn {
	return func(t *Target, p pred, stop bool) (bool, bool) {
		n, ok := get(t)
		if !ok {
			return false, false
		}
		return one(p, val{k: vInt, i: n}, stop)
	}
}

// eachExpert walks the expert items of a message in AllExpert's order
// without building the list.
func eachExpert(m *dissect.Message, severity bool, p pred, stop bool) (found, stopped bool) {
	try := func(es []dissect.Expert) bool {
		for i := range es {
			found = true
			v := val{k: vStr, s: es[i].Code}
			if severity {
				v = val{k: vInt, i: int64(es[i].Severity)}
			}
			if p(v) == stop {
				return true
			}
		}
		return false
	}
	if try(m.Expert) {
		return true, true
	}
	for _, list := range [2][]dissect.Field{m.Header, m.Fields} {
		for i := range list {
			if try(list[i].Expert) {
				return true, true
			}
			for j := range list[i].Children {
				if try(list[i].Children[j].Expert) {
					return true, true
				}
			}
		}
	}
	return found, false
}
