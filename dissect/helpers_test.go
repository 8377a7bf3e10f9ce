package dissect

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// hx turns a hex dump with comments into bytes: everything after "//" on a
// line is ignored, and so is whitespace. Tests write frames with it by hand.
func hx(t testing.TB, dump string) []byte {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(dump, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		b.WriteString(strings.Join(strings.Fields(line), ""))
	}
	out, err := hex.DecodeString(b.String())
	if err != nil {
		t.Fatalf("bad hex dump: %v", err)
	}
	return out
}

// ctxFor is the decode context of a session that saw a UCCX OPEN_REQ at
// version v (no reserved UINTs after ConfigMsgMask).
func ctxFor(v int) Context {
	return Context{Version: v, Layout: LayoutForVersion(v), Source: SourceVersion, OpenReqExtra: 0, Dialect: DialectUCCX}
}

// testVersions are the versions and layouts the exhaustive tests run at.
var testVersions = []struct {
	version int
	layout  Layout
}{{13, Layout11}, {18, Layout21}}

// mustOK fails the test on err.
func mustOK(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// expertCodes lists "severity code @field" for every expert item of m.
func expertCodes(m *Message) []string {
	var out []string
	for _, e := range m.AllExpert() {
		out = append(out, fmt.Sprintf("%s %s @%s", e.Severity, e.Code, e.Field))
	}
	return out
}

// findExpert returns the expert items of m with the given code.
func findExpert(m *Message, code string) []Expert {
	var out []Expert
	for _, e := range m.AllExpert() {
		if e.Code == code {
			out = append(out, e)
		}
	}
	return out
}

// noWarnings fails when m has an expert item of warning or error severity.
func noWarnings(t testing.TB, m *Message) {
	t.Helper()
	for _, e := range m.AllExpert() {
		if e.Severity >= SeverityWarning {
			t.Errorf("%s: unexpected %s %s on %q: %s", m.Name(), e.Severity, e.Code, e.Field, e.Message)
		}
	}
}

// walkFields calls fn for every field of m, header and children included.
func walkFields(m *Message, fn func(f *Field)) {
	var walk func(fs []Field)
	walk = func(fs []Field) {
		for i := range fs {
			fn(&fs[i])
			walk(fs[i].Children)
		}
	}
	walk(m.Header)
	walk(m.Fields)
}

// sampleValue is a non-trivial value for fd in record rec (0-based), valid
// for its enum or mask.
func sampleValue(fd *FieldDef, rec int) Value {
	switch fd.Type {
	case TypeSTRING:
		s := fmt.Sprintf("%s-%d", strings.ReplaceAll(fd.Name, " ", ""), rec+1)
		if fd.Max > 1 && len(s) > fd.Max-1 {
			s = s[:fd.Max-1]
		}
		return Str(s)
	case TypeUNSPEC:
		n := fd.Size
		if n == 0 {
			n = fd.Max
		}
		if n == 0 || n > 8 {
			n = 8
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(0xa0 + i + rec)
		}
		return Bytes(b)
	case TypeNAMEDVAR:
		return NamedVar(fmt.Sprintf("user.var%d", rec+1), fmt.Sprintf("value %d", rec+1))
	case TypeNAMEDARRAY:
		return NamedArray(uint8(rec+1), "user.arr", fmt.Sprintf("elem %d", rec+1))
	case TypeBOOL:
		return Bool(true)
	case TypeTIME:
		return Uint(TypeTIME, 1700000000+uint64(rec))
	}
	size := fd.Size
	if size == 0 {
		size = typeSize(fd.Type)
		if fd.Max > 0 && fd.Max <= 8 {
			size = fd.Max
		}
	}
	limit := uint64(1)<<(8*uint(size)) - 1
	switch {
	case fd.Enum != nil && len(fd.Enum.Values) > 0:
		vs := fd.Enum.Values
		return Uint(fd.Type, uint64(vs[(len(vs)/2+rec)%len(vs)].Value))
	case fd.Mask != nil:
		var all uint64
		for _, b := range fd.Mask.Values {
			all |= uint64(b.Value)
		}
		return Uint(fd.Type, all&limit)
	}
	// A value whose every byte differs, so byte order mistakes show.
	n := uint64(0x1a2b3c4d) + uint64(rec)*0x01010101
	if fd.Type.Signed() {
		return Int(fd.Type, -int64(n&(limit>>1)))
	}
	return Uint(fd.Type, n&limit)
}

// fullMessage builds def with every fixed and floating field valid at
// version and layout l, repeat groups twice with their counts set to match.
func fullMessage(t testing.TB, def *MessageDef, version int, l Layout) *Message {
	t.Helper()
	m := NewMessage(def)
	// Trailing fixed fields of a newer version are left out, as an older
	// server does.
	n := len(def.Fixed)
	for n > 0 && def.Fixed[n-1].Version > version {
		n--
	}
	m.Fields = m.Fields[:n]
	valid := func(fd *FieldDef) bool {
		return fd.InVersion(version) && !(l == Layout11 && fd.Tag > 0xff)
	}
	for i := 0; i < n; i++ {
		fd := &def.Fixed[i]
		v := sampleValue(fd, 0)
		switch {
		case isCounter(def, fd.Name):
			v = Uint(fd.Type, counterValue(def, fd.Name, valid))
		case fd.Name == "VersionNumber":
			v = Uint(TypeUINT, uint64(version))
		}
		mustOK(t, m.SetFixedAt(i, v))
	}
	add := func(fd *FieldDef, rec int) {
		v := sampleValue(fd, rec)
		if isCounter(def, fd.Name) {
			v = Uint(fd.Type, counterValue(def, fd.Name, valid))
		}
		nth := 0
		for j := range def.Floating {
			if &def.Floating[j] == fd {
				break
			}
			if def.Floating[j].Tag == fd.Tag {
				nth++
			}
		}
		mustOK(t, m.AddTag(fd.Tag, nth, v))
	}
	// nested emits twice the records counted by the floating counter fd.
	nested := func(fd *FieldDef) {
		for rec := 0; rec < 2; rec++ {
			for j := range def.Floating {
				g := &def.Floating[j]
				if g.countFloat >= 0 && &def.Floating[g.countFloat] == fd && valid(g) {
					add(g, rec)
				}
			}
		}
	}
	done := map[int]bool{}
	for i := range def.Floating {
		fd := &def.Floating[i]
		switch {
		case !valid(fd) || fd.countFloat >= 0:
			// counted by a floating counter: emitted after it
		case fd.countFixed >= 0:
			if done[fd.countFixed] {
				continue
			}
			done[fd.countFixed] = true
			for rec := 0; rec < 2; rec++ {
				for j := range def.Floating {
					g := &def.Floating[j]
					if g.countFixed == fd.countFixed && valid(g) {
						add(g, rec)
						nested(g)
					}
				}
			}
		default:
			add(fd, 0)
			nested(fd)
		}
	}
	return m
}

// isCounter reports whether name is the count field of a floating field.
func isCounter(def *MessageDef, name string) bool {
	for i := range def.Floating {
		if def.Floating[i].CountField == name {
			return true
		}
	}
	return false
}

// counterValue is what the count field name says in a built message: 2 when
// the fields it counts are valid (they are built twice), else 0.
func counterValue(def *MessageDef, name string, valid func(*FieldDef) bool) uint64 {
	for i := range def.Floating {
		if fd := &def.Floating[i]; fd.CountField == name && valid(fd) {
			return 2
		}
	}
	return 0
}

// decodeBuilt decodes a frame built for def at version/layout.
func decodeBuilt(def *MessageDef, frame []byte, version int) *Message {
	if !def.IDKnown {
		return DecodeAs(def, frame, ctxFor(version))
	}
	return Decode(frame, ctxFor(version))
}

// encodedFrames returns one encoded frame of every UCCX message at
// version/layout.
func encodedFrames(t testing.TB, version int, l Layout) map[*MessageDef][]byte {
	t.Helper()
	return encodedFramesOf(t, uccxCatalog, version, l)
}

// encodedFramesOf returns one encoded frame of every message of catalog c
// that has a known layout at version, in layout l.
func encodedFramesOf(t testing.TB, c *Catalog, version int, l Layout) map[*MessageDef][]byte {
	t.Helper()
	out := map[*MessageDef][]byte{}
	for _, def := range c.Messages() {
		if def.Opaque || !def.InVersion(version) {
			continue
		}
		b, err := Encode(fullMessage(t, def, version, l), l)
		mustOK(t, err)
		out[def] = b
	}
	return out
}
