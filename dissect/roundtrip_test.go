package dissect

import (
	"bytes"
	"fmt"
	"testing"
)

// TestRoundTripEveryMessage builds every message of the catalog with every
// field valid at versions 13 and 18, encodes it, decodes it, and expects
// every field back with no warning, and the same bytes on a second encode.
func TestRoundTripEveryMessage(t *testing.T) {
	if n := len(Messages()); n != 79 {
		t.Errorf("catalog has %d messages, want 79", n)
	}
	for _, tv := range testVersions {
		for _, def := range Messages() {
			t.Run(fmt.Sprintf("v%d/%s", tv.version, def.Name), func(t *testing.T) {
				built := fullMessage(t, def, tv.version, tv.layout)
				frame, err := Encode(built, tv.layout)
				mustOK(t, err)
				m := decodeBuilt(def, frame, tv.version)
				noWarnings(t, m)
				if m.Def != def {
					t.Fatalf("decoded as %s", m.Name())
				}
				if m.Layout != tv.layout && len(frame) > HeaderLen+m.FixedSize {
					t.Errorf("layout %s, want %s", m.Layout, tv.layout)
				}
				if len(m.Fields) != len(built.Fields) {
					t.Fatalf("decoded %d fields, built %d:\n got %s\nwant %s", len(m.Fields), len(built.Fields), dumpFields(m), dumpFields(built))
				}
				for i := range built.Fields {
					w, g := &built.Fields[i], &m.Fields[i]
					if g.Name != w.Name || g.Tag != w.Tag || g.Occurrence != w.Occurrence || !g.Value.Equal(w.Value) {
						t.Errorf("field %d: got %s tag %d #%d = %#v, want %s tag %d #%d = %#v",
							i, g.Name, g.Tag, g.Occurrence, g.Value, w.Name, w.Tag, w.Occurrence, w.Value)
					}
					if g.Def != w.Def {
						t.Errorf("field %d %s: decoded with another definition", i, g.Name)
					}
				}
				again, err := Encode(m, tv.layout)
				mustOK(t, err)
				if !bytes.Equal(again, frame) {
					t.Errorf("re-encoding differs:\n got %x\nwant %x", again, frame)
				}
				checkBounds(t, m)
			})
		}
	}
}

// checkBounds asserts that every field of m lies inside its frame.
func checkBounds(t testing.TB, m *Message) {
	t.Helper()
	walkFields(m, func(f *Field) {
		if f.Offset < 0 || f.Size < 0 || f.Offset+f.Size > len(m.Frame) {
			t.Errorf("%s: field %s at %d+%d outside the %d-byte frame", m.Name(), f.Name, f.Offset, f.Size, len(m.Frame))
		}
	})
	for i := range m.Fields {
		if f := &m.Fields[i]; f.Floating() && (f.HdrOffset < HeaderLen || f.HdrOffset >= f.Offset) {
			t.Errorf("%s: field %s header at %d, value at %d", m.Name(), f.Name, f.HdrOffset, f.Offset)
		}
	}
}

// TestRoundTripLayout22 encodes every message in the UCCE 2+2 layout and
// decodes it in a session forced to that layout.
func TestRoundTripLayout22(t *testing.T) {
	for _, def := range Messages() {
		built := fullMessage(t, def, 18, Layout22)
		frame, err := Encode(built, Layout22)
		mustOK(t, err)
		ctx := NewSession(Options{Version: 18, Layout: Layout22}).Context()
		var m *Message
		if def.IDKnown {
			m = Decode(frame, ctx)
		} else {
			m = DecodeAs(def, frame, ctx)
		}
		noWarnings(t, m)
		if len(m.Fields) != len(built.Fields) {
			t.Errorf("%s: decoded %d fields, built %d", def.Name, len(m.Fields), len(built.Fields))
			continue
		}
		for i := range built.Fields {
			if !m.Fields[i].Value.Equal(built.Fields[i].Value) {
				t.Errorf("%s: field %s = %#v, want %#v", def.Name, built.Fields[i].Name, m.Fields[i].Value, built.Fields[i].Value)
			}
		}
	}
}
