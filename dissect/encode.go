package dissect

import (
	"encoding/binary"
	"fmt"
)

// NewMessage returns a message of type def with every fixed field present
// and zero, ready to be filled with SetFixed and Add and packed by Encode.
func NewMessage(def *MessageDef) *Message {
	m := &Message{Def: def, TypeID: def.ID}
	for i := range def.Fixed {
		fd := &def.Fixed[i]
		m.Fields = append(m.Fields, Field{Def: fd, Name: fd.Name, Filter: fd.Filter, Tag: -1, Size: fd.Size, Secret: fd.Secret,
			Value: zeroValue(fd)})
	}
	return m
}

func zeroValue(fd *FieldDef) Value {
	if fd.Type == TypeUNSPEC {
		return Bytes(make([]byte, fd.Size))
	}
	return Value{Type: fd.Type}
}

// SetFixed sets the first fixed field called name.
func (m *Message) SetFixed(name string, v Value) error {
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Tag < 0 && f.Name == name {
			return m.SetFixedAt(i, v)
		}
	}
	return fmt.Errorf("%s has no fixed field %s", m.Name(), name)
}

// SetFixedAt sets the i-th field, which must be a fixed one.
func (m *Message) SetFixedAt(i int, v Value) error {
	if i < 0 || i >= len(m.Fields) || m.Fields[i].Tag >= 0 {
		return fmt.Errorf("%s: field %d is not a fixed field", m.Name(), i)
	}
	f := &m.Fields[i]
	cv, err := coerce(f.Def, v)
	if err != nil {
		return err
	}
	f.Value = cv
	return nil
}

// Add appends a floating field by name. A name the message defines under
// several tags (reserved) takes the first; use AddTag for the others.
func (m *Message) Add(name string, v Value) error {
	if m.Def != nil {
		for i := range m.Def.Floating {
			if fd := &m.Def.Floating[i]; fd.Name == name {
				return m.addFloating(fd, v)
			}
		}
	}
	return fmt.Errorf("%s has no floating field %s", m.Name(), name)
}

// AddTag appends a floating field by tag, defined for the message or not
// (to build deliberately odd frames). When a message defines the tag twice,
// nth picks the definition (0 = first).
func (m *Message) AddTag(tag uint16, nth int, v Value) error {
	if m.Def != nil {
		for i := range m.Def.Floating {
			if fd := &m.Def.Floating[i]; fd.Tag == tag {
				if nth == 0 {
					return m.addFloating(fd, v)
				}
				nth--
			}
		}
	}
	cat := uccxCatalog
	if m.Def != nil {
		cat = m.Def.catalog()
	}
	if td := cat.LookupTag(tag); td != nil {
		return m.addFloating(cat.foreignDef(td), v)
	}
	m.Fields = append(m.Fields, Field{Name: fmt.Sprintf("tag %d", tag), Filter: "cti.unknown_tag", Tag: int(tag), Value: v})
	return nil
}

func (m *Message) addFloating(fd *FieldDef, v Value) error {
	cv, err := coerce(fd, v)
	if err != nil {
		return err
	}
	f := Field{Def: fd, Name: fd.Name, Filter: fd.Filter, Tag: int(fd.Tag), Secret: fd.Secret, Value: cv}
	if fd.Repeats {
		for i := range m.Fields {
			if m.Fields[i].Def == fd {
				f.Occurrence++
			}
		}
		f.Occurrence++
	}
	m.Fields = append(m.Fields, f)
	return nil
}

// coerce gives a value the type of its field where the kinds agree, so
// callers can write Uint(TypeUINT, 5) for any numeric field.
func coerce(fd *FieldDef, v Value) (Value, error) {
	if fd == nil || fd.Type == TypeUnknown || v.Type == fd.Type {
		return v, nil
	}
	numeric := func(t Type) bool { return t.IsInteger() || t == TypeBOOL }
	if numeric(fd.Type) && numeric(v.Type) {
		v.Type = fd.Type
		return v, nil
	}
	return v, fmt.Errorf("%s is %s, got a %s value", fd.Name, fd.Type, v.Type)
}

// Encode packs m into a frame, with its floating fields in layout l. The
// header's BodyLength is computed; MessageTypeID is m.TypeID.
func Encode(m *Message, l Layout) ([]byte, error) { return AppendEncode(nil, m, l) }

// AppendEncode is Encode appending to dst.
func AppendEncode(dst []byte, m *Message, l Layout) ([]byte, error) {
	start := len(dst)
	dst = binary.BigEndian.AppendUint32(dst, 0)
	dst = binary.BigEndian.AppendUint32(dst, m.TypeID)
	var err error
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Tag < 0 {
			dst, err = appendFixed(dst, f)
		} else {
			dst, err = appendFloating(dst, f, l)
		}
		if err != nil {
			return dst[:start], fmt.Errorf("%s.%s: %w", m.Name(), f.Name, err)
		}
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-HeaderLen))
	return dst, nil
}

func appendFixed(dst []byte, f *Field) ([]byte, error) {
	size := f.Size
	if f.Def != nil && f.Def.Size > 0 {
		size = f.Def.Size
	}
	v := f.Value
	switch {
	case v.Type.IsInteger() || v.Type == TypeBOOL:
		return appendNumber(dst, v.Num, size), nil
	case v.Type == TypeUNSPEC && (f.Def == &rawData || len(v.Bytes) == size):
		return append(dst, v.Bytes...), nil
	}
	return dst, fmt.Errorf("cannot pack a %s value into a %d-byte fixed field", v.Type, size)
}

func appendNumber(dst []byte, n uint64, size int) []byte {
	for i := size - 1; i >= 0; i-- {
		dst = append(dst, byte(n>>(8*uint(i))))
	}
	return dst
}

func appendFloating(dst []byte, f *Field, l Layout) ([]byte, error) {
	if l == LayoutUnknown {
		return dst, fmt.Errorf("no floating header layout given")
	}
	if l == Layout11 && f.Tag > 0xff {
		return dst, fmt.Errorf("tag %d does not fit a 1-byte FieldDataID", f.Tag)
	}
	hdr := len(dst)
	if l == Layout11 {
		dst = append(dst, byte(f.Tag))
	} else {
		dst = append(dst, byte(f.Tag>>8), byte(f.Tag))
	}
	dst = append(dst, make([]byte, l.lenLen())...)
	dataStart := len(dst)
	v := f.Value
	switch v.Type {
	case TypeUCHAR, TypeCHAR, TypeUSHORT, TypeSHORT, TypeUINT, TypeINT, TypeBOOL, TypeTIME:
		size := typeSize(v.Type)
		if f.Size > 0 {
			size = f.Size
		} else if f.Def != nil && f.Def.Max > 0 && f.Def.Max <= 8 {
			size = f.Def.Max
		}
		dst = appendNumber(dst, v.Num, size)
	case TypeSTRING:
		dst = append(append(dst, v.Str...), 0)
	case TypeNAMEDVAR:
		dst = append(append(append(append(dst, v.Name...), 0), v.Str...), 0)
	case TypeNAMEDARRAY:
		dst = append(append(append(append(append(dst, v.Index), v.Name...), 0), v.Str...), 0)
	default:
		dst = append(dst, v.Bytes...)
	}
	if v.Type == TypeSTRING || v.Type == TypeNAMEDVAR || v.Type == TypeNAMEDARRAY {
		// A decoded string keeps its size: restore the NUL padding after it.
		for len(dst)-dataStart < f.Size {
			dst = append(dst, 0)
		}
	}
	n := len(dst) - dataStart
	if n > l.MaxData() {
		return dst, fmt.Errorf("%d data bytes do not fit a %d-byte FieldLength", n, l.lenLen())
	}
	if l.lenLen() == 1 {
		dst[hdr+l.tagLen()] = byte(n)
	} else {
		binary.BigEndian.PutUint16(dst[hdr+l.tagLen():], uint16(n))
	}
	return dst, nil
}
