package dissect

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"unicode/utf8"
)

// typeSize is the wire size of the numeric types.
func typeSize(t Type) int {
	switch t {
	case TypeUCHAR, TypeCHAR:
		return 1
	case TypeUSHORT, TypeSHORT, TypeBOOL:
		return 2
	case TypeUINT, TypeINT, TypeTIME:
		return 4
	}
	return 0
}

// value fills f.Value (and children, expert items) from data read as t;
// data lies in the frame at f.Offset. f is fresh from Field.init.
func (d *decoder) value(f *Field, t Type, data []byte) {
	fd := f.Def
	switch t {
	case TypeUCHAR, TypeCHAR, TypeUSHORT, TypeSHORT, TypeUINT, TypeINT, TypeBOOL, TypeTIME:
		n, ok := readNumber(fd, t, data)
		if !ok {
			f.Value = Bytes(data)
			f.addExpert(SeverityWarning, ExpFieldSize, fmt.Sprintf("%s needs %d bytes, the field has %d", t, typeSize(t), len(data)))
			return
		}
		// f.Value is zero (Field.init): set the two members, not all 80 bytes.
		f.Value.Type, f.Value.Num = t, n
		d.checkNumber(f)
	case TypeSTRING:
		d.decodeString(f, data)
	case TypeNAMEDVAR, TypeNAMEDARRAY:
		d.decodeNamed(f, t, data)
	default:
		f.Value = Bytes(data)
	}
	if fd != nil && fd.Max > 0 && len(data) > fd.Max {
		f.addExpert(SeverityWarning, ExpTooLong, fmt.Sprintf("%d bytes, more than the maximum of %d", len(data), fd.Max))
	}
}

// readNumber reads data as the number type t, sign-extended, when it has
// the type's size or, for the few fields wider than their type says
// (AutoWork: BOOL in 4 bytes), the field's stated maximum; ok is false
// for any other length.
func readNumber(fd *FieldDef, t Type, data []byte) (n uint64, ok bool) {
	if len(data) != typeSize(t) && !(fd != nil && fd.Max == len(data) && len(data) <= 8 && len(data) > 0) {
		return 0, false
	}
	n = bigEndian(data)
	if t.Signed() {
		shift := 64 - 8*uint(len(data))
		n = uint64(int64(n<<shift) >> shift)
	}
	return n, true
}

// quiet reports whether value would give a field of fd, read as t from
// data, no expert item. A checked Keep (NewCheckedKeep) asks it first of
// a field it leaves out, and reads past one that is quiet instead of
// decoding it aside only to take it back: most fields are. It must never
// say true of a flagged field, and says false of none it could vouch
// for; TestQuietMeansNoExpert holds it to value both ways.
func quiet(fd *FieldDef, t Type, data []byte) bool {
	if fd.Max > 0 && len(data) > fd.Max {
		return false
	}
	switch t {
	case TypeUCHAR, TypeCHAR, TypeUSHORT, TypeSHORT, TypeUINT, TypeINT, TypeBOOL, TypeTIME:
		n, ok := readNumber(fd, t, data)
		if !ok {
			return false
		}
		if t == TypeBOOL && n > 1 {
			return false
		}
		if fd.Enum != nil && len(fd.Enum.Values) > 0 {
			if _, ok := fd.Enum.Lookup(uint32(n)); !ok {
				return false
			}
		}
		if fd.Mask != nil {
			for _, b := range fd.Mask.Values {
				n &^= uint64(b.Value)
			}
			return n == 0
		}
		return true
	case TypeSTRING:
		nul, ascii := scanString(data)
		return nul >= 0 && nul == len(data)-1 && (ascii || utf8.Valid(data[:nul]))
	case TypeNAMEDVAR, TypeNAMEDARRAY:
		return quietNamed(t, data)
	}
	return true
}

// quietNamed is quiet for a NamedVariable or NamedArray: decodeNamed
// flags a missing index byte, a name or value without its NUL, bytes
// after the value's NUL, and a name or value longer than the guide's.
func quietNamed(t Type, data []byte) bool {
	var v namedParts
	return splitNamed(t, data, &v) && v.nameNUL && v.valueNUL && len(v.after) == 0 &&
		len(v.name) <= maxVarName && len(v.value) <= maxVarValue
}

// checkNumber flags values outside the field's enum or mask, and expands mask
// bits into children.
func (d *decoder) checkNumber(f *Field) {
	// A pointer, not a copy: copying the 80-byte Value just after its
	// number was stored stalled the load and cost more than the checks.
	fd, v := f.Def, &f.Value
	if fd == nil {
		return
	}
	if v.Type == TypeBOOL && v.Num > 1 {
		f.addExpert(SeverityNote, ExpBoolValue, fmt.Sprintf("BOOL holds %d; read as true", v.Num))
	}
	if fd.Enum != nil && len(fd.Enum.Values) > 0 {
		if _, ok := fd.Enum.Lookup(uint32(v.Num)); !ok {
			f.addExpert(SeverityNote, ExpEnumValue, fmt.Sprintf("%d is not a %s value", v.Int64(), fd.Enum.Name))
		}
	}
	if fd.Mask != nil {
		// Count the set bits first so the children take one exact slice.
		var known uint64
		n := 0
		for _, b := range fd.Mask.Values {
			known |= uint64(b.Value)
			if b.Value != 0 && v.Num&uint64(b.Value) == uint64(b.Value) {
				n++
			}
		}
		if n > 0 {
			kids := d.children(n)
			k := 0
			for _, b := range fd.Mask.Values {
				if b.Value != 0 && v.Num&uint64(b.Value) == uint64(b.Value) {
					kids[k].init(nil, b.Name, fd.Filter, f.Tag, f.Offset, f.Size)
					kids[k].Value.Type, kids[k].Value.Num = TypeBOOL, 1
					k++
				}
			}
			f.Children = kids
		}
		if rest := v.Num &^ known; rest != 0 {
			f.addExpert(SeverityNote, ExpMaskBits, fmt.Sprintf("bits 0x%x are not %s bits", rest, fd.Mask.Name))
		}
	}
}

func (d *decoder) decodeString(f *Field, data []byte) {
	text := data
	nul, ascii := scanString(data)
	switch i := nul; {
	case i < 0:
		f.addExpert(SeverityWarning, ExpNoNUL, "string is not terminated by a NUL")
	case i < len(data)-1:
		text = data[:i]
		afterNUL(f, data[i+1:], "string")
	default:
		text = data[:i]
	}
	if !ascii && !utf8.Valid(text) {
		f.addExpert(SeverityNote, ExpBadUTF8, "string is not valid UTF-8")
	}
	if d.checking && len(f.Expert) == 0 && !(f.Def != nil && f.Def.Max > 0 && len(data) > f.Def.Max) {
		// Checked for a Keep that leaves it out, and faultless (value
		// adds ExpTooLong after this): it is taken back, so its text
		// need not be made (the frame's one string copy often is not).
		return
	}
	f.Value = Str(d.text(text, f.Offset))
	if version := d.m.Version; f.Def != nil && !f.Def.notDevice && IsDeviceID(f.Def.Name) && (version == 0 || version >= 14) {
		d.splitPrimaryActual(f)
	}
}

// bigEndian reads an unsigned big-endian number of 1 to 8 bytes; the
// common sizes without a loop.
func bigEndian(b []byte) uint64 {
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.BigEndian.Uint16(b))
	case 4:
		return uint64(binary.BigEndian.Uint32(b))
	}
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// maxScanString is the longest string scanString reads byte by byte; a
// longer one (rare: most are names and numbers) is left to the library's
// word-at-a-time IndexByte and utf8.Valid.
const maxScanString = 64

// scanString finds the first NUL of data (-1 for none) and whether the
// bytes before it are all ASCII (then valid UTF-8): one pass over a short
// string instead of IndexByte's and utf8.Valid's two, each a call dearer
// than the few bytes it reads (measured: the two were 2% of agents' CPU).
// A long string reports ascii false, leaving the check to utf8.Valid.
func scanString(data []byte) (nul int, ascii bool) {
	if len(data) > maxScanString {
		return bytes.IndexByte(data, 0), false
	}
	var high byte
	for i, c := range data {
		if c == 0 {
			return i, high < utf8.RuneSelf
		}
		high |= c
	}
	return -1, high < utf8.RuneSelf
}

// afterNUL reports the bytes after a string's NUL: NUL padding is a note
// (the encoder restores it from the field size), anything else hides data
// the field's value does not show and is a warning.
func afterNUL(f *Field, extra []byte, what string) {
	for _, c := range extra {
		if c != 0 {
			f.addExpert(SeverityWarning, ExpAfterNUL, fmt.Sprintf("%d bytes follow the %s's NUL", len(extra), what))
			return
		}
	}
	f.addExpert(SeverityNote, ExpAfterNUL, fmt.Sprintf("%d NUL bytes pad the %s", len(extra), what))
}

// IsDeviceID reports whether a field may hold a version-14 Primary.Actual
// device ID (ICD extension, a dot, the actual extension): such STRING fields
// get Primary and Actual children.
func IsDeviceID(name string) bool {
	return strings.HasSuffix(name, "DeviceID") || name == "ANI" || name == "DNIS" || name == "DialedNumber"
}

func (d *decoder) splitPrimaryActual(f *Field) {
	s := f.Value.Str
	i := strings.IndexByte(s, '.')
	if i <= 0 || i == len(s)-1 || strings.IndexByte(s[i+1:], '.') >= 0 {
		return
	}
	kids := d.children(2)
	kids[0].init(nil, "Primary", subFilter(f, subPrimary), f.Tag, f.Offset, i)
	kids[0].Value.Type, kids[0].Value.Str = TypeSTRING, s[:i]
	kids[1].init(nil, "Actual", subFilter(f, subActual), f.Tag, f.Offset+i+1, len(s)-i-1)
	kids[1].Value.Type, kids[1].Value.Str = TypeSTRING, s[i+1:]
	f.Children = kids
}

// The guide's bounds on a NamedVariable's or NamedArray's name and value,
// without their NULs (33 and 211 bytes with them; ccx-cti.json, sources
// namedvariable-data-format and namedarray-data-format).
const (
	maxVarName  = 32
	maxVarValue = 210
)

// decodeNamed reads NamedVariable (name\0value\0) and NamedArray
// (index name\0value\0) data.
func (d *decoder) decodeNamed(f *Field, t Type, data []byte) {
	var v namedParts
	if !splitNamed(t, data, &v) {
		f.Value = Bytes(data)
		f.addExpert(SeverityWarning, ExpNamedVar, "NamedArray has no index byte")
		return
	}
	switch {
	case !v.nameNUL:
		f.addExpert(SeverityWarning, ExpNamedVar, "name is not terminated by a NUL and no value follows")
	case !v.valueNUL:
		f.addExpert(SeverityWarning, ExpNamedVar, "value is not terminated by a NUL")
	case len(v.after) > 0:
		afterNUL(f, v.after, "value")
	}
	nameOff, valueOff := f.Offset+v.nameAt, f.Offset+v.valueAt
	nameStr, valueStr := d.text(v.name, nameOff), d.text(v.value, valueOff)
	nKids, k := 2, 0
	if t == TypeNAMEDARRAY {
		nKids = 3
	}
	kids := d.children(nKids)
	if t == TypeNAMEDARRAY {
		kids[0].init(nil, "index", subFilter(f, subIndex), f.Tag, f.Offset, 1)
		kids[0].Value.Type, kids[0].Value.Num = TypeUCHAR, uint64(v.index)
		k = 1
	}
	kids[k].init(nil, "name", subFilter(f, subName), f.Tag, nameOff, len(v.name))
	kids[k].Value.Type, kids[k].Value.Str = TypeSTRING, nameStr
	kids[k+1].init(nil, "value", subFilter(f, subValue), f.Tag, valueOff, len(v.value))
	kids[k+1].Value.Type, kids[k+1].Value.Str = TypeSTRING, valueStr
	if len(v.name) > maxVarName {
		f.addExpert(SeverityWarning, ExpTooLong, fmt.Sprintf("name has %d bytes, more than %d", len(v.name), maxVarName))
	}
	if len(v.value) > maxVarValue {
		f.addExpert(SeverityWarning, ExpTooLong, fmt.Sprintf("value has %d bytes, more than %d", len(v.value), maxVarValue))
	}
	f.Value = Value{Type: t, Index: v.index, Name: nameStr, Str: valueStr}
	f.Children = kids
}

// namedParts is NamedVariable data (name\0value\0) or NamedArray data
// (index name\0value\0) cut as the guide lays it out, for decodeNamed
// and quietNamed to read alike.
type namedParts struct {
	index           uint8
	name, value     []byte // without their NULs
	nameAt, valueAt int    // their offsets in the data
	nameNUL         bool   // the name ends in a NUL (else no value follows)
	valueNUL        bool   // the value ends in a NUL
	after           []byte // what follows the value's NUL
}

// splitNamed cuts data of type t (NAMEDVAR or NAMEDARRAY) into v, which
// is zero; it reports false for a NamedArray without its index byte.
func splitNamed(t Type, data []byte, v *namedParts) bool {
	rest := data
	if t == TypeNAMEDARRAY {
		if len(rest) == 0 {
			return false
		}
		v.index, rest, v.nameAt = rest[0], rest[1:], 1
	}
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		// The (empty) value starts after the name.
		v.name, v.valueAt = rest, v.nameAt+len(rest)
		return true
	}
	v.name, v.nameNUL, v.valueAt = rest[:i], true, v.nameAt+i+1
	v.value = rest[i+1:]
	if j := bytes.IndexByte(v.value, 0); j >= 0 {
		v.value, v.after, v.valueNUL = v.value[:j], v.value[j+1:], true
	}
	return true
}

// guessText shows data of an unknown tag as text when it reads as text.
// data lies in the frame at off.
func (d *decoder) guessText(data []byte, off int) Value {
	t := bytes.TrimSuffix(data, []byte{0})
	if len(t) > 0 && printable(t) {
		return Str(d.text(t, off))
	}
	return Bytes(data)
}

func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
