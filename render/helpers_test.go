package render

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// build encodes a message with fixed values and floating fields, then
// decodes it the way a capture would be.
func build(t testing.TB, name string, fixed map[string]dissect.Value, floating ...any) *dissect.Message {
	t.Helper()
	def := dissect.LookupName(name)
	if def == nil {
		t.Fatalf("no message %s", name)
	}
	m := dissect.NewMessage(def)
	for k, v := range fixed {
		if err := m.SetFixed(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), floating[i+1].(dissect.Value)); err != nil {
			t.Fatal(err)
		}
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11, Source: dissect.SourceVersion})
}

func u(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
func s(v string) dissect.Value { return dissect.Str(v) }
