package dissect

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/ctishark/ctishark/dissect/dissecttest"
)

// TestIndependentVectors decodes frames that independent open-source CTI
// drivers and clients send (their own test samples, or their encoders'
// output) through a Session with default options, and checks every value
// against what those sources assert. Each file in testdata/independent
// names its repository, path and commit; the vectors cover protocol
// versions 15, 19, 20 and 24, sessions with and without OPEN_REQ, and
// message types the catalog lacks between known ones.
func TestIndependentVectors(t *testing.T) {
	vs, err := dissecttest.Load("testdata/independent")
	mustOK(t, err)
	for _, v := range vs {
		t.Run(v.File, func(t *testing.T) {
			s := NewSession(Options{})
			for i, f := range v.Frames {
				b, _ := f.Bytes()
				m := s.Decode(b)
				if m.Name() != f.Message {
					t.Errorf("frame %d (%s): decoded as %s, want %s", i, f.Sample, m.Name(), f.Message)
					continue
				}
				checkIndependent(t, i, f, m)
			}
			if v.OpenReq && s.Version != v.Version {
				t.Errorf("session version %d, want %d", s.Version, v.Version)
			}
			if s.Dialect.String() != v.Dialect {
				t.Errorf("session dialect %s (%s), want %s", s.Dialect, s.DialectWhy, v.Dialect)
			}
			if s.Layout.String() != v.Layout {
				t.Errorf("session layout %s (%s), want %s", s.Layout, s.LayoutSource, v.Layout)
			}
		})
	}
}

func checkIndependent(t *testing.T, i int, f dissecttest.Frame, m *Message) {
	t.Helper()
	if f.RawBody != nil && m.Def != nil && !m.Def.Opaque {
		// A type the UCCX catalog lacks that the UCCE catalog names: its
		// source bytes must decode as that layout, with nothing left
		// over, and encode back to themselves.
		for _, e := range m.AllExpert() {
			if e.Severity == SeverityError || e.Code == ExpUnknownTag || e.Code == ExpUnknownMessage {
				t.Errorf("frame %d (%s) as %s: %s %s", i, f.Sample, m.Name(), e.Code, e.Message)
			}
		}
		if again, err := Encode(m, m.Layout); err != nil || !bytes.Equal(again, m.Frame) {
			t.Errorf("frame %d (%s) as %s: re-encodes to %x (%v), want %x", i, f.Sample, m.Name(), again, err, m.Frame)
		}
		return
	}
	if f.RawBody != nil {
		d := m.Get(rawData.Name)
		if want, _ := hex.DecodeString(*f.RawBody); d == nil || !bytes.Equal(d.Value.Bytes, want) {
			t.Errorf("frame %d (%s): body not kept as raw data: %v", i, f.Sample, d)
		}
	}
	var fixed, floating []*Field
	for j := range m.Fields {
		if m.Fields[j].Floating() {
			floating = append(floating, &m.Fields[j])
		} else {
			fixed = append(fixed, &m.Fields[j])
		}
	}
	for _, e := range f.Fixed {
		var got *Field
		for _, g := range fixed {
			if g.Offset == e.At && g.Def != &rawData {
				got = g
			}
		}
		checkIndependentField(t, i, f, m, e, got)
	}
	if len(floating) != len(f.Floating) {
		t.Errorf("frame %d (%s): %d floating fields, want %d (tags %v, want %v)",
			i, f.Sample, len(floating), len(f.Floating), tagsOf(floating), f.FloatingTags())
		return
	}
	for j, e := range f.Floating {
		checkIndependentField(t, i, f, m, e, floating[j])
	}
}

func checkIndependentField(t *testing.T, i int, f dissecttest.Frame, m *Message, e dissecttest.Field, got *Field) {
	t.Helper()
	where := func() string { return f.Sample + " " + e.Source }
	switch {
	case got == nil:
		t.Errorf("frame %d (%s): no field at offset %d", i, where(), e.At)
		return
	case got.Floating() && got.Tag != e.Tag:
		t.Errorf("frame %d (%s): floating tag %d, want %d", i, where(), got.Tag, e.Tag)
		return
	case e.Name != "" && got.Name != e.Name:
		t.Errorf("frame %d (%s): field named %q, want %q", i, where(), got.Name, e.Name)
	}
	if u, ok := e.Uint(); ok && (!(got.Value.Type.IsInteger() || got.Value.Type == TypeBOOL || got.Value.Type == TypeTIME) || got.Value.Num != u) {
		t.Errorf("frame %d (%s): value %s %s, want %s", i, where(), got.Value.Type, got.Value.Text(), e.U)
	}
	if e.S != nil && (got.Value.Type != TypeSTRING || got.Value.Str != *e.S) {
		t.Errorf("frame %d (%s): value %s %q, want string %q", i, where(), got.Value.Type, got.Value.Text(), *e.S)
	}
	if e.Hex != nil && got.Offset+got.Size <= len(m.Frame) && hex.EncodeToString(m.Frame[got.Offset:got.Offset+got.Size]) != *e.Hex {
		t.Errorf("frame %d (%s): bytes %x, want %s", i, where(), m.Frame[got.Offset:got.Offset+got.Size], *e.Hex)
	}
}

func tagsOf(fs []*Field) []int {
	var out []int
	for _, f := range fs {
		out = append(out, f.Tag)
	}
	return out
}
