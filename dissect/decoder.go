package dissect

// decoder is the state one Decode shares among the fields of a message, so
// that decoding costs a few allocations per message rather than several per
// field (the garbage collector was a large share of a capture's read time).
type decoder struct {
	m     *Message
	frame []byte // the frame, cut to its BodyLength

	// str is a string copy of frame[strBase:], made for the message's first
	// string; every later string is a slice of it. Strings are immutable, so
	// sharing one backing between a message's values is safe.
	str     string
	strBase int
	haveStr bool

	kids []Field // free room the fields' children are cut from
}

// text returns b, which lies in the frame at offset off, as a string.
func (d *decoder) text(b []byte, off int) string {
	if len(b) == 0 {
		return ""
	}
	// Slice the shared copy only when b really is those frame bytes and
	// the copy covers them; anything else gets a copy of its own.
	if off < 0 || off+len(b) > len(d.frame) || &d.frame[off] != &b[0] {
		return string(b)
	}
	if !d.haveStr {
		d.str, d.strBase, d.haveStr = string(d.frame[off:]), off, true
	}
	if off < d.strBase {
		return string(b)
	}
	return d.str[off-d.strBase : off-d.strBase+len(b)]
}

// maxKidSlab bounds the room reserved for children in one allocation.
const maxKidSlab = 32

// children returns n zeroed fields for one field's children. They are cut
// from a slab that grows geometrically (bounded), so a message's children
// take a few allocations instead of one per parent. The slice's capacity is
// n, so appending to it never writes over a neighbour's children.
func (d *decoder) children(n int) []Field {
	if n > cap(d.kids)-len(d.kids) {
		d.kids = make([]Field, 0, max(n, min(2*cap(d.kids), maxKidSlab), 4))
	}
	l := len(d.kids)
	d.kids = d.kids[:l+n]
	return d.kids[l : l+n : l+n]
}

// Filter names of the children of NamedVariable, NamedArray and
// Primary.Actual fields: the parent's filter plus a suffix.
const (
	subIndex = iota
	subName
	subValue
	subPrimary
	subActual
	nSub
)

var subSuffix = [nSub]string{".index", ".name", ".value", ".primary", ".actual"}

// subFilters holds a field definition's child filter names, built once at
// init so that decoding does not concatenate them for every message.
type subFilters struct {
	base  string
	names [nSub]string
}

func newSubFilters(base string) *subFilters {
	s := &subFilters{base: base}
	for i, suf := range subSuffix {
		s.names[i] = base + suf
	}
	return s
}

// subFilter returns the filter name of f's child of kind k.
func subFilter(f *Field, k int) string {
	if fd := f.Def; fd != nil && fd.sub != nil && fd.sub.base == f.Filter {
		return fd.sub.names[k]
	}
	return f.Filter + subSuffix[k] // a definition from outside the catalog
}

// needsSubFilters reports whether fields of def have children named after
// their filter.
func needsSubFilters(fd *FieldDef) bool {
	switch fd.Type {
	case TypeNAMEDVAR, TypeNAMEDARRAY:
		return true
	case TypeSTRING:
		return isDeviceID(fd.Name)
	}
	return false
}
