package dissect

import (
	"fmt"
	"math/bits"
	"strconv"
)

// floating reads the floating records of b (at frame offset base) and
// then checks what the records say as a whole: required fields present,
// repeat counts matching their count fields. With d.likely it gives up,
// reporting false, where scanFloating would not find the reading perfect
// or the field room runs out.
func (d *decoder) floating(def *MessageDef, b []byte, base int, l Layout) bool {
	m := d.m
	var seen [maxFloatingDefs]uint16 // occurrences per floating definition
	var tagSeen [maxFloatingDefs]uint16
	var tags uint64 // definitions whose tag occurred, as scanFloating has them
	h := l.HeaderLen()
	for pos := 0; pos < len(b); {
		tag, n, ok := l.readHeader(b[pos:])
		if d.likely {
			if !ok || n > len(b)-pos-h || len(m.Fields) == cap(m.Fields) {
				return false
			}
			i := def.tagIndex(tag)
			if i < 0 || !lengthFits(def.Floating[i].Type, def.Floating[i].Max, b[pos+h:pos+h+n]) {
				return false
			}
			tags |= def.sameTag[i]
		}
		if !ok {
			f := rawField(&rawData, b[pos:], base+pos)
			f.addExpert(SeverityError, ExpFloatingTruncated, fmt.Sprintf(
				"%d bytes left: too few for a floating field header (%s)", len(b)-pos, l.Describe()))
			m.Fields = append(m.Fields, f)
			break
		}
		start := pos + h
		declared, cut := n, false
		if n > len(b)-start {
			n, cut = len(b)-start, true
		}
		idx := pickDef(def, tag, m.Version, &tagSeen)
		// A field the Keep leaves out is still counted, so the fields kept
		// after it have their occurrence numbers and the required check
		// its counts. A cut field stays: its expert item tells the secret
		// mask that the floating part was not read whole.
		leave := idx >= 0 && d.keep != nil && !d.keep.floating[idx] && !cut
		if leave && (!d.keep.checked || quietFloating(&def.Floating[idx], m.Version, b[start:start+n])) {
			seen[idx]++
			m.partial = true
			pos = start + n
			continue
		}
		// Decoded in place, in the list's room reserved by the shape scan
		// (to be checked and taken back, when left out).
		f := m.nextField()
		if leave {
			d.aside()
		}
		f.init(nil, "", "", int(tag), base+start, n)
		f.HdrOffset = base + pos
		data := b[start : start+n]
		var typ Type
		switch {
		case idx >= 0:
			fd := &def.Floating[idx]
			seen[idx]++
			f.Def, f.Name, f.Filter, f.Secret, typ = fd, fd.Name, fd.Filter, fd.Secret, fd.Type
			if fd.Repeats {
				f.Occurrence = int(seen[idx])
			}
			if fd.Version > 0 && m.Version > 0 && fd.Version > m.Version {
				f.addExpert(SeverityNote, ExpFieldVersion, fmt.Sprintf("%s exists from protocol version %d; this session speaks version %d", fd.Name, fd.Version, m.Version))
			}
			if fd.MaxVersion > 0 && m.Version > fd.MaxVersion {
				f.addExpert(SeverityNote, ExpFieldVersion, fmt.Sprintf("%s exists up to protocol version %d; this session speaks version %d", fd.Name, fd.MaxVersion, m.Version))
			}
		case def.catalog().LookupTag(tag) != nil:
			td := def.catalog().LookupTag(tag)
			fd := def.catalog().foreignDef(td)
			f.Def, f.Name, f.Filter, f.Secret, typ = fd, fd.Name, fd.Filter, fd.Secret, fd.Type
			// Decoded by the tag table's name and type: a server may well
			// send more than the guide lists for a message.
			f.addExpert(SeverityNote, ExpNotAllowed, fmt.Sprintf("tag %d (%s) is not defined for %s; decoded by the tag table", tag, td.Name, def.Name))
		default:
			f.Name, f.Filter = "tag "+strconv.Itoa(int(tag)), "cti.unknown_tag"
			f.Value = d.guessText(data, base+start)
			shown := "hex"
			if f.Value.Type == TypeSTRING {
				shown = "text"
			}
			f.addExpert(SeverityWarning, ExpUnknownTag, fmt.Sprintf("FieldDataID %d is not in the catalog; data shown as %s", tag, shown))
			typ = TypeUnknown
		}
		switch {
		case typ != TypeUnknown:
			d.value(f, typ, data)
		case f.Value.Type == TypeUnknown: // a known tag whose type the guide lost
			f.Value = d.guessText(data, base+start)
		}
		if cut {
			f.addExpert(SeverityError, ExpFloatingTruncated, fmt.Sprintf("FieldLength is %d but only %d bytes remain", declared, n))
		}
		if leave && !d.keepFlagged(f) {
			m.partial = true
		}
		pos = start + n
	}
	if d.likely && missesRequired(def, tags, m.Version) {
		return false
	}
	checkRequired(m, def, &seen)
	checkCounts(m, def, &seen)
	return true
}

// quietFloating is quiet for a floating field of fd in a message of
// version: neither its version nor its value draws an expert item.
func quietFloating(fd *FieldDef, version int, data []byte) bool {
	if version > 0 && (fd.Version > version || fd.MaxVersion > 0 && version > fd.MaxVersion) {
		return false
	}
	return quiet(fd, fd.Type, data)
}

// missesRequired reports whether a floating part with the tags of the
// definitions in tags lacks a required field of version, as scanFloating
// judges it (a flaw).
func missesRequired(def *MessageDef, tags uint64, version int) bool {
	for missing := def.required &^ tags; missing != 0; missing &= missing - 1 {
		fd := &def.Floating[bits.TrailingZeros64(missing)]
		if fd.Version == 0 || version == 0 || fd.Version <= version {
			return true
		}
	}
	return false
}

// pickDef maps a tag to the message's floating definition. A tag a message
// defines more than once (CONFIG_CSQ_EVENT's two 184s) takes the definitions
// in turn, so each repeat record names its fields in catalog order.
func pickDef(def *MessageDef, tag uint16, version int, tagSeen *[maxFloatingDefs]uint16) int {
	// Most tags occur once in a message's definition (marked at init): the
	// first match, from the tag index, is the answer whatever the version.
	i := def.tagIndex(tag)
	if i < 0 {
		return -1
	}
	if def.Floating[i].tagUnique {
		return i
	}
	first, count := -1, 0
	for pass := 0; pass < 2 && count == 0; pass++ {
		for i := range def.Floating {
			fd := &def.Floating[i]
			if fd.Tag != tag || (pass == 0 && !fd.InVersion(version)) {
				continue
			}
			if first < 0 {
				first = i
			}
			count++
		}
	}
	if first < 0 {
		return -1
	}
	k := int(tagSeen[first]) % count
	tagSeen[first]++
	for pass := 0; pass < 2; pass++ {
		for i := range def.Floating {
			fd := &def.Floating[i]
			if fd.Tag != tag || (pass == 0 && !fd.InVersion(version)) {
				continue
			}
			if k == 0 {
				return i
			}
			k--
		}
	}
	return first
}

// linkForeign builds the definitions of tags used where the message does
// not define them, once per tag. A tag is secret wherever it appears if the
// catalog marks it secret in any message (ClientPassword, AgentPassword).
func (c *Catalog) linkForeign() {
	secret := map[uint16]bool{}
	for _, m := range c.messages {
		for i := range m.Floating {
			if m.Floating[i].Secret {
				secret[m.Floating[i].Tag] = true
			}
		}
	}
	c.foreign = map[uint16]*FieldDef{}
	for i := range c.tags {
		t := &c.tags[i]
		fd := &FieldDef{Name: t.Name, Filter: t.Filter, Type: t.Type, Max: t.Max, Tag: t.Tag, Floating: true,
			Secret: secret[t.Tag], countFixed: -1, countFloat: -1, notDevice: !IsDeviceID(t.Name)}
		if needsSubFilters(fd) {
			fd.sub = newSubFilters(fd.Filter)
		}
		c.foreign[t.Tag] = fd
	}
}

func (c *Catalog) foreignDef(t *TagDef) *FieldDef { return c.foreign[t.Tag] }

func checkRequired(m *Message, def *MessageDef, seen *[maxFloatingDefs]uint16) {
	if m.FixedSize < def.minFixed {
		return // already reported as truncated
	}
	for req := def.required; req != 0; req &= req - 1 {
		i := bits.TrailingZeros64(req)
		fd := &def.Floating[i]
		if seen[i] > 0 || (fd.Version > 0 && m.Version > 0 && fd.Version > m.Version) {
			continue
		}
		// A tag defined twice counts as present if any of its definitions is.
		if anySeen(def.sameTag[i], seen) {
			continue
		}
		m.addExpert(SeverityWarning, ExpRequiredMissing, fd.Filter, fmt.Sprintf("required floating field %s (tag %d) is missing", fd.Name, fd.Tag))
	}
}

// anySeen reports whether a floating definition of the set defs was seen.
func anySeen(defs uint64, seen *[maxFloatingDefs]uint16) bool {
	for ; defs != 0; defs &= defs - 1 {
		if seen[bits.TrailingZeros64(defs)] > 0 {
			return true
		}
	}
	return false
}

// checkCounts compares each count field with the records it counts. The
// records of one count field are compared by the most frequent member, so an
// optional member left out of a record does not raise a false alarm.
func checkCounts(m *Message, def *MessageDef, seen *[maxFloatingDefs]uint16) {
	for _, g := range def.countGroups {
		fd := &def.Floating[bits.TrailingZeros64(g)]
		actual := 0
		for ; g != 0; g &= g - 1 {
			actual = max(actual, int(seen[bits.TrailingZeros64(g)]))
		}
		expected, where, ok := countValue(m, def, fd)
		if !ok || expected == uint64(actual) {
			continue
		}
		msg := fmt.Sprintf("%s says %d, the floating part has %d %s record(s)", fd.CountField, expected, actual, fd.Name)
		if where != nil {
			where.addExpert(SeverityWarning, ExpRepeatCount, msg)
		} else {
			m.addExpert(SeverityWarning, ExpRepeatCount, FilterName(fd.CountField), msg)
		}
	}
}

func sameCounter(a, b *FieldDef) bool {
	return a.CountField != "" && a.countFixed == b.countFixed && a.countFloat == b.countFloat
}

func groupLeader(def *MessageDef, i int) int {
	for j := 0; j < i; j++ {
		if sameCounter(&def.Floating[j], &def.Floating[i]) {
			return j
		}
	}
	return i
}

// countValue finds the value of fd's count field: a fixed field, or the sum
// of a repeated floating field (CONFIG_AGENT_EVENT's per-record NumCSQ).
func countValue(m *Message, def *MessageDef, fd *FieldDef) (uint64, *Field, bool) {
	if fd.countFixed >= 0 {
		want := &def.Fixed[fd.countFixed]
		for i := range m.Fields {
			f := &m.Fields[i]
			if f.Def == want && f.Value.Type.IsInteger() {
				return f.Value.Num, f, true
			}
		}
		return 0, nil, false
	}
	want := &def.Floating[fd.countFloat]
	var sum uint64
	found := false
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Def == want && f.Value.Type.IsInteger() {
			sum += f.Value.Num
			found = true
		}
	}
	return sum, nil, found
}
