package dissect

import "encoding/binary"

// SecretMask marks the bytes of m.Frame that hold a secret value
// (ClientPassword, AgentPassword), for the views that show raw bytes (hex
// dumps, JSON hex). It works on the bytes, not only on the decoded fields:
// a forced or wrong layout may have decoded the floating part so that no
// field is called a password, while the password's bytes are still there.
//
//   - The data of every decoded secret field is marked.
//   - When the decode did not read the floating part cleanly (unknown or
//     undeclared tags, records cut short: the sign of a wrong layout), the
//     floating part is read again under every layout and fixed-part option,
//     and where a reading parses exactly the data of its secret tags is
//     marked too; if no reading finds a secret, the whole floating part is.
//
// It returns nil when nothing needs masking.
func SecretMask(m *Message) []bool {
	var mask []bool
	mark := func(from, to int) {
		from, to = max(from, 0), min(to, len(m.Frame))
		if from >= to {
			return
		}
		if mask == nil {
			mask = make([]bool, len(m.Frame))
		}
		for i := from; i < to; i++ {
			mask[i] = true
		}
	}
	found := false
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Secret || (f.Def != nil && f.Def.Secret) {
			mark(f.Offset, f.Offset+f.Size)
			found = true
		}
	}
	def := m.Def
	if def == nil || !def.hasSecret || len(m.Frame) < HeaderLen || floatingClean(m) {
		return mask
	}
	body := m.Frame[HeaderLen:]
	if n := int(binary.BigEndian.Uint32(m.Frame[0:4])); n < len(body) {
		body = body[:n]
	}
	var opts [maxFixedOptions]fixedOption
	nopt := fixedOptions(def, Context{OpenReqExtra: -1}, &opts)
	for _, l := range Layouts {
		for _, o := range opts[:nopt] {
			if size := def.sizeOf(o); size < len(body) {
				found = markSecretTags(def, body[size:], HeaderLen+size, l, mark) || found
			}
		}
	}
	if !found {
		mark(HeaderLen+min(m.FixedSize, len(body)), HeaderLen+len(body))
	}
	return mask
}

// floatingClean reports whether m's floating part was read to its end with
// only tags its message declares: then its decoded fields say where the
// secrets are.
func floatingClean(m *Message) bool {
	for i := range m.Fields {
		f := &m.Fields[i]
		// An unknown tag has no definition; an undeclared one is not the
		// message's.
		if f.Tag >= 0 && (f.Def == nil || !m.Def.hasTag(uint16(f.Tag))) {
			return false
		}
		for _, e := range f.Expert {
			if e.Code == ExpFloatingTruncated {
				return false
			}
		}
	}
	for _, e := range m.Expert {
		if e.Code == ExpFixedTruncated {
			return false
		}
	}
	return true
}

// maskSecretOverlaps marks as secret every field whose bytes SecretMask
// covers, so that every view masks them, raw or decoded.
func maskSecretOverlaps(m *Message) {
	mask := SecretMask(m)
	if mask == nil {
		return
	}
	var walk func(fs []Field)
	walk = func(fs []Field) {
		for i := range fs {
			f := &fs[i]
			for j := max(f.Offset, 0); j < f.Offset+f.Size && j < len(mask); j++ {
				if mask[j] {
					f.Secret = true
					break
				}
			}
			walk(f.Children)
		}
	}
	walk(m.Fields)
}

// markSecretTags marks the data of secret tags in b (at frame offset base)
// if b parses exactly as floating records under l, and says whether it
// found any.
func markSecretTags(def *MessageDef, b []byte, base int, l Layout, mark func(from, to int)) bool {
	h := l.HeaderLen()
	for pos := 0; pos < len(b); {
		_, n, ok := l.readHeader(b[pos:])
		if !ok || pos+h+n > len(b) {
			return false // not a reading of this layout
		}
		pos += h + n
	}
	found := false
	for pos := 0; pos < len(b); {
		tag, n, _ := l.readHeader(b[pos:])
		if i := def.tagIndex(tag); i >= 0 && def.Floating[i].Secret {
			mark(base+pos+h, base+pos+h+n)
			found = true
		}
		pos += h + n
	}
	return found
}

func (m *MessageDef) hasTag(tag uint16) bool { return m.tagIndex(tag) >= 0 }
