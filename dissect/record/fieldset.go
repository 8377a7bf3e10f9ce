package record

import (
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// FieldSet reads several named fields of a record at once (the fields
// view's -e list): for each name the values FieldValues gives, in the same
// order. The names are resolved once instead of for every record: a
// metadata name to its field, a message field name, for every catalog
// definition, to the fixed fields that can hold it, so a decoded message
// is walked once for all the names and its fixed part not at all except
// where a name lives. A FieldSet is not changed after NewFieldSet: any
// number of goroutines may use one, each with its own vals.
type FieldSet struct {
	names []string
	meta  []*MetaField  // by column; nil for a message field
	tree  []int         // the columns of message fields
	plans [][]fixedSlot // by MessageDef.Slot
}

// fixedSlot is a fixed field of a definition whose value, or a child's,
// may carry the filter name of a column; a plan lists them by index.
type fixedSlot struct {
	index, col int
}

// NewFieldSet resolves the names (filter names, as FieldValues takes).
func NewFieldSet(names []string) *FieldSet {
	s := &FieldSet{names: names, meta: make([]*MetaField, len(names))}
	for c, name := range names {
		if s.meta[c] = LookupMeta(name); s.meta[c] == nil {
			s.tree = append(s.tree, c)
		}
	}
	if len(s.tree) == 0 {
		return s
	}
	s.plans = dissect.BySlot(func(d *dissect.MessageDef) []fixedSlot {
		var plan []fixedSlot
		for i := range d.Fixed {
			for _, c := range s.tree {
				if mayHold(&d.Fixed[i], names[c]) {
					plan = append(plan, fixedSlot{i, c})
				}
			}
		}
		return plan
	})
	return s
}

// mayHold reports whether a field of definition fd, or one of its
// children, can have filter name: children are named after their parent
// (mask bits with its own filter, the parts of named variables and device
// IDs with a suffix after a dot).
func mayHold(fd *dissect.FieldDef, name string) bool {
	return name == fd.Filter || strings.HasPrefix(name, fd.Filter) && len(name) > len(fd.Filter) && name[len(fd.Filter)] == '.'
}

// Values sets vals[c] to the values of the c-th name in r, reusing vals
// and its lists, and returns it. display and showSecrets are as for
// FieldValues.
func (s *FieldSet) Values(vals [][]string, r *Record, display, showSecrets bool) [][]string {
	if cap(vals) < len(s.names) {
		vals = make([][]string, len(s.names))
	}
	vals = vals[:len(s.names)]
	for c := range vals {
		vals[c] = vals[c][:0]
		if mf := s.meta[c]; mf != nil {
			vals[c] = mf.AppendText(vals[c], r, showSecrets)
		}
	}
	m := r.Msg
	if m == nil || len(s.tree) == 0 {
		return vals
	}
	w := treeWalk{s: s, vals: vals, display: display, showSecrets: showSecrets}
	var plan []fixedSlot
	n := 0 // a definition from outside the catalogs: every field is looked at
	if m.Def != nil && m.Def.Slot() >= 0 {
		plan, n = s.plans[m.Def.Slot()], m.DecodedFixed()
	}
	w.walk(m.Header)
	// Fields[:n] are the definition's fixed fields: only those a name can
	// be in, in order (so each column keeps wire order), then the rest.
	for _, sl := range plan {
		if sl.index < n {
			vals[sl.col] = appendTreeValues(vals[sl.col], m.Fields[sl.index:sl.index+1], s.names[sl.col], display, showSecrets)
		}
	}
	w.walk(m.Fields[n:])
	return vals
}

// treeWalk looks at each field of a tree once for every message field
// column, depth first as appendTreeValues does for one name.
type treeWalk struct {
	s                    *FieldSet
	vals                 [][]string
	display, showSecrets bool
}

func (w *treeWalk) walk(fs []dissect.Field) {
	for i := range fs {
		f := &fs[i]
		for _, c := range w.s.tree {
			if f.Filter == w.s.names[c] {
				w.vals[c] = append(w.vals[c], fieldText(f, w.display, w.showSecrets))
			}
		}
		if len(f.Children) > 0 {
			w.walk(f.Children)
		}
	}
}
