package dissect

import (
	"testing"
)

// Decoded strings share one copy of the frame: they must not change when
// the caller reuses the frame's buffer, and children cut from the shared
// slab must not overwrite each other when a caller appends to them.
func TestDecodeOwnsItsStrings(t *testing.T) {
	frame, err := Encode(fullMessage(t, LookupName("CALL_DELIVERED_EVENT"), 14, Layout11), Layout11)
	mustOK(t, err)
	m := Decode(frame, ctxFor(14))
	before := fieldTexts(m.Fields, nil)
	strs, kids := 0, 0
	for i := range m.Fields {
		if m.Fields[i].Value.Type == TypeSTRING && m.Fields[i].Value.Str != "" {
			strs++
		}
		kids += len(m.Fields[i].Children)
	}
	if strs < 2 || kids < 4 {
		t.Fatalf("test frame has %d strings and %d children; want several of each", strs, kids)
	}

	for i := range frame {
		frame[i] = 'X'
	}
	for i := range m.Fields {
		if f := &m.Fields[i]; len(f.Children) > 0 {
			_ = append(f.Children, Field{Name: "intruder", Filter: "cti.intruder"})
		}
	}
	after := fieldTexts(m.Fields, nil)
	if len(before) != len(after) {
		t.Fatalf("field count changed: %d then %d", len(before), len(after))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("field %d changed from %q to %q", i, before[i], after[i])
		}
	}
}

// fieldTexts lists filter=text of fields and their children, depth first.
func fieldTexts(fs []Field, out []string) []string {
	for i := range fs {
		out = append(out, fs[i].Filter+"="+fs[i].Value.Text())
		out = fieldTexts(fs[i].Children, out)
	}
	return out
}

// A well-formed call event decodes in three allocations (the message; its
// header, fields and children together; one string copy), not several per
// field; a regression here shows up as GC time in read and sniff.
func TestDecodeAllocations(t *testing.T) {
	frame, err := Encode(fullMessage(t, LookupName("CALL_DELIVERED_EVENT"), 13, Layout11), Layout11)
	mustOK(t, err)
	ctx := ctxFor(13)
	n := testing.AllocsPerRun(50, func() { Decode(frame, ctx) })
	if n > 4 {
		t.Errorf("Decode(CALL_DELIVERED_EVENT) makes %.0f allocations, want at most 4", n)
	}
}
