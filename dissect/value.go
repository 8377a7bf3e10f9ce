package dissect

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Value is a typed field value. Which members are set depends on Type:
// integers, BOOL and TIME use Num (signed types sign-extended); STRING uses
// Str; UNSPEC uses Bytes; NAMEDVAR uses Name and Str; NAMEDARRAY uses Index,
// Name and Str. A field whose bytes do not fit its type is kept as UNSPEC.
type Value struct {
	Type  Type
	Num   uint64
	Str   string
	Name  string
	Index uint8
	Bytes []byte
}

// Constructors for building messages to encode.

// Uint returns an unsigned value of type t (UCHAR, USHORT, UINT, TIME, BOOL).
func Uint(t Type, v uint64) Value { return Value{Type: t, Num: v} }

// Int returns a signed value of type t (CHAR, SHORT, INT).
func Int(t Type, v int64) Value { return Value{Type: t, Num: uint64(v)} }

// Bool returns a BOOL value.
func Bool(b bool) Value {
	if b {
		return Value{Type: TypeBOOL, Num: 1}
	}
	return Value{Type: TypeBOOL}
}

// Str returns a STRING value.
func Str(s string) Value { return Value{Type: TypeSTRING, Str: s} }

// Bytes returns an UNSPEC value.
func Bytes(b []byte) Value { return Value{Type: TypeUNSPEC, Bytes: b} }

// NamedVar returns a NAMEDVAR value.
func NamedVar(name, value string) Value { return Value{Type: TypeNAMEDVAR, Name: name, Str: value} }

// NamedArray returns a NAMEDARRAY value.
func NamedArray(index uint8, name, value string) Value {
	return Value{Type: TypeNAMEDARRAY, Index: index, Name: name, Str: value}
}

// Int64 returns an integer value with its sign.
func (v Value) Int64() int64 {
	switch v.Type {
	case TypeCHAR:
		return int64(int8(v.Num))
	case TypeSHORT:
		return int64(int16(v.Num))
	case TypeINT:
		return int64(int32(v.Num))
	}
	return int64(v.Num)
}

// Equal reports whether two values are the same.
func (v Value) Equal(o Value) bool {
	if v.Type != o.Type || v.Num != o.Num || v.Str != o.Str || v.Name != o.Name || v.Index != o.Index {
		return false
	}
	return string(v.Bytes) == string(o.Bytes)
}

// Text renders the value alone, without enum or mask names: numbers in
// decimal, BOOL as true/false, TIME as seconds, UNSPEC as lowercase hex.
func (v Value) Text() string {
	switch v.Type {
	case TypeBOOL:
		return strconv.FormatBool(v.Num != 0)
	case TypeSTRING:
		return v.Str
	case TypeUNSPEC, TypeUnknown:
		return hex.EncodeToString(v.Bytes)
	case TypeNAMEDVAR:
		return v.Name + "=" + v.Str
	case TypeNAMEDARRAY:
		return v.Name + "[" + strconv.Itoa(int(v.Index)) + "]=" + v.Str
	case TypeCHAR, TypeSHORT, TypeINT:
		return strconv.FormatInt(v.Int64(), 10)
	}
	return strconv.FormatUint(v.Num, 10)
}

// Time returns a TIME value as a UTC time.
func (v Value) Time() time.Time { return time.Unix(int64(uint32(v.Num)), 0).UTC() }

// maskNames renders the set bits of v with their names, unknown bits in hex.
func maskNames(t *Table, v uint64) string {
	if v == 0 {
		return "none"
	}
	var parts []string
	rest := v
	for _, b := range t.Values {
		if b.Value != 0 && v&uint64(b.Value) == uint64(b.Value) {
			parts = append(parts, b.Name)
			rest &^= uint64(b.Value)
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(rest, 16))
	}
	return strings.Join(parts, " | ")
}
