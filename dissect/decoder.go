package dissect

import "bytes"

// decoder is the state one Decode shares among the fields of a message, so
// that decoding costs a few allocations per message rather than several per
// field (the garbage collector was a large share of a capture's read time).
type decoder struct {
	m     *Message
	frame []byte // the frame, cut to its BodyLength

	// str is a string copy of frame[strBase:], made for the message's first
	// string; every later string is a slice of it. Strings are immutable, so
	// sharing one backing between a message's values is safe. It is
	// never empty once made (the first string has bytes).
	str     string
	strBase int

	keep *keepRow // the fields to build (Keep.of); nil: all
	// likely: the shape is likelyShape's guess, and floating gives up at
	// the first record that scanFloating would not find perfect.
	likely bool
	// A checked Keep's field left out is decoded in place all the same,
	// and taken back unless it draws an expert item (keepFlagged), with
	// the children's room as it was before it.
	asideKids []Field
	asideGrew bool
	checking  bool // the field being decoded is one aside

	kids []Field // free room the fields' children are cut from
	grew bool    // kids is an allocation of children() (not the field slab's tail)
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
	if d.str == "" {
		d.str, d.strBase = string(d.frame[off:]), off
	}
	if off < d.strBase {
		return string(b)
	}
	return d.str[off-d.strBase : off-d.strBase+len(b)]
}

// maxKidSlab bounds the room reserved for children in one allocation.
const maxKidSlab = 32

// children returns room for n fields, one field's children, for init to
// fill (they may hold an earlier frame's fields). They are cut
// from a slab that grows geometrically (bounded), so a message's children
// take a few allocations instead of one per parent. The slice's capacity is
// n, so appending to it never writes over a neighbour's children.
func (d *decoder) children(n int) []Field {
	if n > cap(d.kids)-len(d.kids) {
		d.kids = make([]Field, 0, max(n, min(2*cap(d.kids), maxKidSlab), 4))
		d.grew = true
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
		return IsDeviceID(fd.Name)
	}
	return false
}

// maxKidPresize caps the children reserved with the field list up front.
const maxKidPresize = 3 * maxPresize

// kidsBound estimates how many children the fields of body will have under
// shape sh, so they can share the field list's allocation: set mask bits,
// NamedVariable/NamedArray parts and dotted device IDs. Every term is
// bounded by the definition (a mask's table, at most three per record) and
// the total is capped; a low estimate only costs an extra allocation.
func kidsBound(def *MessageDef, body []byte, sh shape, version int) int {
	n, pos := 0, 0
	for i := 0; i < sh.nFixed && pos+def.Fixed[i].Size <= len(body); i++ {
		fd := &def.Fixed[i]
		n += kidsOf(fd, body[pos:pos+fd.Size], version)
		pos += fd.Size
	}
	pos += 4 * sh.extra
	if pos > len(body) {
		return n
	}
	b, h := body[pos:], sh.layout.HeaderLen()
	for p := 0; p < len(b) && n < maxKidPresize; {
		tag, size, ok := sh.layout.readHeader(b[p:])
		if !ok || size > len(b)-p-h {
			break
		}
		if fd := def.firstWithTag(tag); fd != nil {
			n += kidsOf(fd, b[p+h:p+h+size], version)
		}
		p += h + size
	}
	return min(n, maxKidPresize)
}

func (m *MessageDef) firstWithTag(tag uint16) *FieldDef {
	if i := m.tagIndex(tag); i >= 0 {
		return &m.Floating[i]
	}
	return nil
}

// kidsOf is the number of children a field of fd holding data will have
// (an upper bound for device IDs and named values).
func kidsOf(fd *FieldDef, data []byte, version int) int {
	switch fd.Type {
	case TypeNAMEDVAR:
		return 2
	case TypeNAMEDARRAY:
		return 3
	case TypeSTRING:
		if fd.sub != nil && (version == 0 || version >= 14) && bytes.IndexByte(data, '.') > 0 {
			return 2
		}
		return 0
	}
	if fd.Mask == nil || len(data) == 0 || len(data) > 8 {
		return 0
	}
	var v uint64
	for _, c := range data {
		v = v<<8 | uint64(c)
	}
	n := 0
	for _, b := range fd.Mask.Values {
		if b.Value != 0 && v&uint64(b.Value) == uint64(b.Value) {
			n++
		}
	}
	return n
}

// DecodeInto is Decode reusing the memory of m, a message this package
// decoded earlier that nothing refers to any more (nor to its fields, their
// children or expert lists; its strings and frame bytes are not reused).
// Readers that hand each message out and drop it decode a capture with
// a few small allocations per message instead of a field tree each. A nil
// m is Decode.
func (s *Session) DecodeInto(m *Message, frame []byte) *Message {
	m = decodeInto(m, frame, s.Context(), nil)
	s.Observe(m)
	return m
}

// maxReusedSlab bounds the fields a message keeps for reuse, so that a
// recycled message costs at most a few kilobytes whatever it held once.
const maxReusedSlab = 64

// reset empties m for a new frame, keeping its field room; a nil m is a
// new message.
func (m *Message) reset(frame []byte, version int) *Message {
	if m == nil {
		return &Message{Frame: frame, Version: version}
	}
	// Cleared, then the kept rooms put back: a literal reading m's own
	// members is built aside and copied over m, every byte twice.
	slab, kids := m.slab, m.kidRoom
	*m = Message{}
	m.Frame, m.Version, m.slab, m.kidRoom = frame, version, slab, kids
	return m
}

// fieldRoom returns room for n fields (length 2 for the header, capacity
// n): the message's previous room when it is big enough, else a new
// allocation. Reused room is not cleared: fields are appended whole and
// children are cleared as they are handed out (children), so clearing it
// all first would write every byte twice; what the previous frame left
// past the new one's fields is garbage bounded by maxReusedSlab.
func (m *Message) fieldRoom(n int) []Field {
	if old := m.slab; n <= cap(old) {
		m.slab = old[:n]
		return old[:2:n]
	}
	all := make([]Field, n)
	m.slab = nil
	if n <= maxReusedSlab {
		m.slab = all
	}
	return all[:2]
}

// nextField appends a field to m.Fields and returns it, for init to fill:
// in the room the shape scan reserved when there is some.
func (m *Message) nextField() *Field {
	n := len(m.Fields)
	if n < cap(m.Fields) {
		m.Fields = m.Fields[:n+1]
	} else {
		m.Fields = append(m.Fields, Field{})
	}
	return &m.Fields[n]
}

// init sets every member of f, whose memory may hold an earlier frame's
// field (reused room is not cleared). Assigning the members one by one
// writes each byte once; appending a Field literal builds it in a
// temporary and copies all 216 bytes again, with write barriers, and
// that copy was the decoder's largest single cost. A member added to
// Field must be reset here too (TestDecodeIntoMatchesDecode catches one
// that is not).
func (f *Field) init(def *FieldDef, name, filter string, tag, off, size int) {
	f.Def, f.Name, f.Filter = def, name, filter
	f.Tag, f.Offset, f.Size, f.HdrOffset, f.Occurrence = tag, off, size, 0, 0
	f.Value = Value{}
	f.Secret = false
	f.Children, f.Expert = nil, nil
}

// aside marks the field just appended as one a checked Keep leaves out,
// to be decoded, checked and taken back (keepFlagged), noting the
// children's room to put back.
func (d *decoder) aside() {
	d.asideKids, d.asideGrew, d.checking = d.kids, d.grew, true
}

// keepFlagged keeps f, the last field appended (aside), when it carries an
// expert item, so a checked Keep's message has every expert item of a
// whole decode; it reports whether it did. Otherwise f is taken off the
// list again, and its children's room handed back.
func (d *decoder) keepFlagged(f *Field) bool {
	d.checking = false
	if len(f.Expert) > 0 {
		return true
	}
	d.m.Fields = d.m.Fields[:len(d.m.Fields)-1]
	d.kids, d.grew = d.asideKids, d.asideGrew
	return false
}

// leaveFixed marks a fixed field left out: Fields no longer start with
// Def.Fixed, so fixed fields are found through the Keep's places, unless
// one was kept for its expert item (then by a scan).
func (d *decoder) leaveFixed() {
	m := d.m
	m.partial, m.nFixed = true, 0
	if !m.fixedShifted {
		m.kept = d.keep
	}
}

// keepKidRoom keeps the children's room children() last allocated for the
// message's next frame, when it is small enough to keep (maxKidSlab).
func (d *decoder) keepKidRoom() {
	if d.grew && cap(d.kids) <= maxKidSlab {
		d.m.kidRoom = d.kids[:0]
	}
}
