package filter

import (
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

var severityValues = []EnumValue{{"note", uint64(dissect.SeverityNote)}, {"warning", uint64(dissect.SeverityWarning)}, {"error", uint64(dissect.SeverityError)}}

// metaKinds is how the filter compares each kind of metadata value.
var metaKinds = map[record.ValueKind]kind{
	record.KindInt:      kInt,
	record.KindSeconds:  kFloat,
	record.KindTime:     kFloat,
	record.KindString:   kString,
	record.KindAddr:     kAddr,
	record.KindBool:     kBool,
	record.KindDir:      kDir,
	record.KindMsgType:  kMsgType,
	record.KindSeverity: kSeverity,
}

// metaSpec is the compiler's view of one field of record's metadata table.
func metaSpec(mf *record.MetaField) *spec {
	info := FieldInfo{Name: mf.Name, Type: mf.Type, Description: mf.Description}
	if mf.Kind == record.KindSeverity {
		info.Enum = severityValues
	}
	return &spec{kind: metaKinds[mf.Kind], meta: mf, info: info}
}

// metaVal converts a metadata value for comparison.
func metaVal(v record.Value) val {
	switch v.Kind {
	case record.KindSeconds:
		return val{k: vFloat, f: v.Dur.Seconds()}
	case record.KindTime:
		return val{k: vFloat, f: float64(v.Time.UnixNano()) / 1e9}
	case record.KindString, record.KindDir, record.KindMsgType:
		return val{k: vStr, s: v.Str}
	case record.KindAddr:
		return val{k: vAddr, ap: v.Addr}
	}
	return val{k: vInt, i: v.Int}
}

// metaField iterates the values of a metadata field through the table's
// accessor. Filters see cti.info with secrets masked.
func metaField(mf *record.MetaField) eachFn {
	return func(t *Target, p pred, stop bool) (found, stopped bool) {
		found = mf.Each(t, false, func(v record.Value) bool {
			if p(metaVal(v)) == stop {
				stopped = true
				return false
			}
			return true
		})
		return found, stopped
	}
}
