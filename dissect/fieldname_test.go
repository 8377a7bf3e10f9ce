package dissect

import "testing"

// Message.Field finds a fixed field by the definition's slot, and
// GetUnfixed a name the definition has no fixed field of; they must find
// what Get finds by name, for every name either catalog knows (and
// one no message has), in every message of both catalogs: built, decoded
// whole, cut inside the fixed part (an older version's message, or a
// damaged one) and cut inside the floating part.
func TestFieldMatchesGet(t *testing.T) {
	seen := map[string]bool{"NoSuchField": true, "": true}
	for _, c := range Catalogs() {
		for _, d := range c.Messages() {
			for _, list := range [][]FieldDef{d.Fixed, d.Floating} {
				for i := range list {
					seen[list[i].Name] = true
				}
			}
		}
		for _, td := range c.Tags() {
			seen[td.Name] = true
		}
	}
	var names []*FieldName
	for name := range seen {
		names = append(names, NewFieldName(name))
	}
	check := func(what string, m *Message) {
		t.Helper()
		for _, n := range names {
			want := m.Get(n.Name())
			if got := m.Field(n); got != want {
				t.Fatalf("%s: Field(%q) = %p, Get %p", what, n.Name(), got, want)
			}
			if m.Def != nil && m.Def.FixedIndex(n.Name()) < 0 {
				if got := m.GetUnfixed(n.Name()); got != want {
					t.Fatalf("%s: GetUnfixed(%q) = %p, Get %p", what, n.Name(), got, want)
				}
			}
			u, uok := m.Uint(n.Name())
			if v, ok := m.UintField(n); v != u || ok != uok {
				t.Fatalf("%s: UintField(%q) = %d %v, Uint %d %v", what, n.Name(), v, ok, u, uok)
			}
			s, sok := m.String(n.Name())
			if v, ok := m.StringField(n); v != s || ok != sok {
				t.Fatalf("%s: StringField(%q) = %q %v, String %q %v", what, n.Name(), v, ok, s, sok)
			}
		}
	}
	checked, cut := 0, 0
	for _, c := range Catalogs() {
		for _, tv := range testVersions {
			ctx := ctxFor(tv.version)
			ctx.Layout, ctx.Dialect = tv.layout, c.Dialect
			for def, frame := range encodedFramesOf(t, c, tv.version, tv.layout) {
				if def.Slot() < 0 || catalogSlots[def.Slot()] != def {
					t.Fatalf("%s: slot %d is not its own", def.Name, def.Slot())
				}
				check(def.Name+" built", fullMessage(t, def, tv.version, tv.layout))
				ends := []int{len(frame), HeaderLen + def.FixedSize(), HeaderLen + def.FixedSize()/2, HeaderLen, len(frame) - 3}
				for _, end := range ends {
					if end < HeaderLen || end > len(frame) {
						continue
					}
					m := DecodeAs(def, frame[:end], ctx)
					check(def.Name+" decoded", m)
					checked++
					if end < HeaderLen+def.FixedSize() && m.nFixed > 0 {
						cut++
					}
				}
			}
		}
	}
	if checked < 1000 || cut < 100 {
		t.Fatalf("only %d messages checked, %d with their fixed part cut", checked, cut)
	}
	// A definition made by hand has no slot: its fields are found by name.
	own := &MessageDef{Name: "OWN", Fixed: []FieldDef{{Name: "InvokeID", Type: TypeUINT, Size: 4}}}
	if own.Slot() != -1 {
		t.Fatalf("hand-made definition has slot %d", own.Slot())
	}
	check("hand-made", NewMessage(own))
}

// The rules' lookups of a typical event (the fixed fields they read, one
// it lacks): by name, and resolved.
var benchNames = []string{"AgentState", "EventReasonCode", "AgentID"}

func benchEvent(b *testing.B) *Message {
	def := LookupName("AGENT_STATE_EVENT")
	frame, err := Encode(fullMessage(b, def, 13, Layout11), Layout11)
	mustOK(b, err)
	return DecodeAs(def, frame, ctxFor(13))
}

func BenchmarkUintByName(b *testing.B) {
	m := benchEvent(b)
	b.ResetTimer()
	for range b.N {
		for _, n := range benchNames {
			m.Uint(n)
		}
	}
}

func BenchmarkUintField(b *testing.B) {
	m := benchEvent(b)
	var names []*FieldName
	for _, n := range benchNames {
		names = append(names, NewFieldName(n))
	}
	b.ResetTimer()
	for range b.N {
		for _, n := range names {
			m.UintField(n)
		}
	}
}
