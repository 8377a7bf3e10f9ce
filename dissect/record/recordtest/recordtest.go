// Package recordtest builds decoded CTI messages for tests: encode a
// message from field values, then decode it as a capture would. Only
// _test.go files import it.
package recordtest

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// Encode returns the wire bytes (1+1 floating-field layout) of message
// type name with the fixed fields set and the floating fields added, in
// order, from name/value pairs.
func Encode(t testing.TB, name string, fixed map[string]dissect.Value, floating ...any) []byte {
	t.Helper()
	def := dissect.LookupName(name)
	if def == nil {
		t.Fatalf("no message %s", name)
	}
	m := dissect.NewMessage(def)
	for k, v := range fixed {
		if err := m.SetFixed(k, v); err != nil {
			t.Fatalf("%s.%s: %v", name, k, err)
		}
	}
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), floating[i+1].(dissect.Value)); err != nil {
			t.Fatalf("%s.%s: %v", name, floating[i], err)
		}
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return frame
}

// Build encodes a message (see Encode) and decodes it as a version-13
// session would.
func Build(t testing.TB, name string, fixed map[string]dissect.Value, floating ...any) *dissect.Message {
	t.Helper()
	return dissect.Decode(Encode(t, name, fixed, floating...), dissect.Context{Version: 13, Layout: dissect.Layout11, Source: dissect.SourceVersion})
}

// U is a UINT value, S a STRING value.
func U(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }

// S is a STRING value.
func S(v string) dissect.Value { return dissect.Str(v) }
