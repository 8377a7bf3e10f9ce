package dissect

import (
	"hash/fnv"
	"math/rand"
	"reflect"
	"testing"
)

// kept is what a Keep must leave of a whole decode: every field but those
// it does not keep (a floating one cut short stays).
func kept(whole *Message, kr *keepRow, def *MessageDef) []Field {
	var out []Field
	for i := range whole.Fields {
		f := whole.Fields[i]
		if kr != nil && f.Def != nil && !(kr.checked && len(f.Expert) > 0) {
			if idx := indexIn(def.Floating, f.Def); f.Floating() && idx >= 0 && !kr.floating[idx] && !hasCode(f.Expert, ExpFloatingTruncated) {
				continue
			}
			if idx := indexIn(def.Fixed, f.Def); !f.Floating() && idx >= 0 && !kr.fixed[idx] {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// indexIn is fd's place in list, -1 when it is not one of list's.
func indexIn(list []FieldDef, fd *FieldDef) int {
	for i := range list {
		if &list[i] == fd {
			return i
		}
	}
	return -1
}

func hasCode(es []Expert, code string) bool {
	for _, e := range es {
		if e.Code == code {
			return true
		}
	}
	return false
}

// TestKeepLeavesOutOnlyWhatItDoesNotKeep decodes every message of both
// catalogs, whole and cut short, with and without a Keep, and holds the
// partial decode to the whole one less the fields left out: same header,
// same fixed and kept floating fields (values, occurrences, children,
// expert items), same shape and layout evidence, and the same session
// state after each.
func TestKeepLeavesOutOnlyWhatItDoesNotKeep(t *testing.T) {
	// Keep about half the names, by hash, so repeated groups are split.
	half := func(fd *FieldDef) bool {
		h := fnv.New32a()
		h.Write([]byte(fd.Name))
		return h.Sum32()%2 == 0
	}
	none := func(*FieldDef) bool { return false }
	for _, keep := range []*Keep{NewKeep(half), NewKeep(none), NewCheckedKeep(half), NewCheckedKeep(none)} {
		rng := rand.New(rand.NewSource(7))
		partial, checked, flagged := 0, 0, 0
		for _, c := range Catalogs() {
			for _, tv := range testVersions {
				ctx := ctxFor(tv.version)
				ctx.Layout, ctx.Dialect = tv.layout, c.Dialect
				for def, frame := range encodedFramesOf(t, c, tv.version, tv.layout) {
					// Whole, cut short, and with body bytes changed (out of
					// range enums, mask bits, lengths: expert items on fields
					// a Keep leaves out).
					frames := [][]byte{frame, frame[:len(frame)-3], frame[:min(len(frame), HeaderLen+def.FixedSize()+5)]}
					for range 4 {
						if len(frame) > HeaderLen {
							g := append([]byte(nil), frame...)
							for range 3 {
								g[HeaderLen+rng.Intn(len(g)-HeaderLen)] = byte(rng.Intn(256))
							}
							frames = append(frames, g)
						}
					}
					// A checked Keep also reads the frames as a session of
					// another version would, whose fields out of its version
					// draw notes (the ones quietFloating must see).
					ctxs := []Context{ctx}
					if keep.rows[0].checked {
						for _, v := range []int{13, 24} {
							other := ctx
							other.Version = v
							ctxs = append(ctxs, other)
						}
					}
					for k := range len(frames) * len(ctxs) {
						fr, ctx := frames[k/len(ctxs)], ctxs[k%len(ctxs)]
						end := len(fr)
						if end < HeaderLen {
							continue
						}
						whole := DecodeAs(def, fr, ctx)
						kctx := ctx
						kctx.Keep = keep
						got := DecodeAs(def, fr, kctx)
						for i := range got.Fields {
							if f := &got.Fields[i]; len(f.Expert) > 0 && f.Def != nil && keep.of(def).checked &&
								(!f.Floating() && !keep.of(def).fixed[max(indexIn(def.Fixed, f.Def), 0)] || f.Floating() && indexIn(def.Floating, f.Def) >= 0 && !keep.of(def).floating[indexIn(def.Floating, f.Def)]) {
								flagged++
							}
						}
						want := kept(whole, keep.of(def), def)
						if !reflect.DeepEqual(got.Header, whole.Header) {
							t.Fatalf("%s[:%d]: header differs", def.Name, end)
						}
						if len(got.Fields) != len(want) {
							t.Fatalf("%s[:%d]: %d fields kept, want %d", def.Name, end, len(got.Fields), len(want))
						}
						for i := range want {
							if !reflect.DeepEqual(got.Fields[i], want[i]) {
								t.Fatalf("%s[:%d]: field %d is\n%+v\nwant\n%+v", def.Name, end, i, got.Fields[i], want[i])
							}
						}
						if got.Layout != whole.Layout || got.LayoutSource != whole.LayoutSource || got.FixedSize != whole.FixedSize ||
							got.ev != whole.ev || got.Version != whole.Version {
							t.Fatalf("%s[:%d]: shape differs", def.Name, end)
						}
						if got.nFixed != whole.nFixed && (got.kept == nil && !got.fixedShifted || got.nFixed != 0) {
							t.Fatalf("%s[:%d]: DecodedFixed %d, whole %d", def.Name, end, got.nFixed, whole.nFixed)
						}
						// Lookups find what they find in the whole decode,
						// where it is kept.
						for _, list := range [][]FieldDef{def.Fixed, def.Floating} {
							for i := range list {
								name := list[i].Name
								var first *Field
								for j := range want {
									if want[j].Name == name {
										first = &want[j]
										break
									}
								}
								g := got.Get(name)
								if (g == nil) != (first == nil) || g != nil && !reflect.DeepEqual(*g, *first) {
									t.Fatalf("%s[:%d]: Get(%q) = %v, want %v", def.Name, end, name, g, first)
								}
								if f := got.Field(NewFieldName(name)); f != g {
									t.Fatalf("%s[:%d]: Field(%q) is not Get's", def.Name, end, name)
								}
							}
						}
						for i := range def.Fixed {
							var exp *Field // the kept field decoded as Fixed[i], if any
							for j := range want {
								if want[j].Def == &def.Fixed[i] {
									exp = &want[j]
									break
								}
							}
							g := got.FixedField(i)
							if (g == nil) != (exp == nil) || g != nil && !reflect.DeepEqual(*g, *exp) {
								t.Fatalf("%s[:%d]: FixedField(%d) = %v, want %v", def.Name, end, i, g, exp)
							}
							if w := whole.FixedField(i); exp != nil && (w == nil || !reflect.DeepEqual(*w, *exp)) {
								t.Fatalf("%s[:%d]: FixedField(%d) = %v, whole %v", def.Name, end, i, g, w)
							}
						}
						if got.Partial() != (len(want) < len(whole.Fields)) {
							t.Fatalf("%s[:%d]: Partial %v with %d of %d fields", def.Name, end, got.Partial(), len(want), len(whole.Fields))
						}
						if got.Partial() {
							partial++
						}
						if !reflect.DeepEqual(got.Expert, whole.Expert) {
							t.Fatalf("%s[:%d]: the message's expert items are\n%v\nwant\n%v", def.Name, end, got.Expert, whole.Expert)
						}
						checked++
					}
				}
			}
		}
		if checked < 500 || partial < 100 {
			t.Fatalf("%d messages checked, %d partial", checked, partial)
		}
		if keep.rows[0].checked && flagged < 50 {
			t.Fatalf("checked Keep: only %d fields kept for their expert items", flagged)
		}
	}
}

// TestKeepSessionLearnsTheSame runs one session whole and one with a Keep
// that keeps nothing over the same frames: what they learn is the same,
// since the session's own fields are always kept.
func TestKeepSessionLearnsTheSame(t *testing.T) {
	none := NewKeep(func(*FieldDef) bool { return false })
	for _, c := range Catalogs() {
		for _, tv := range testVersions {
			whole := NewSession(Options{})
			lean := NewSession(Options{Keep: none})
			for _, def := range []string{"OPEN_REQ", "OPEN_CONF", "AGENT_STATE_EVENT", "BEGIN_CALL_EVENT"} {
				d := c.LookupName(def, tv.version)
				if d == nil || !d.InVersion(tv.version) {
					continue
				}
				frame, err := Encode(fullMessage(t, d, tv.version, tv.layout), tv.layout)
				mustOK(t, err)
				whole.Decode(frame)
				lean.Decode(frame)
				w, l := *whole, *lean
				w.opts, l.opts = Options{}, Options{}
				if !reflect.DeepEqual(w, l) {
					t.Fatalf("%s v%d after %s: session\n%+v\nwith Keep\n%+v", c.Dialect, tv.version, def, w, l)
				}
			}
		}
	}
}
