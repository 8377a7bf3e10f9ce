package record

import (
	"slices"
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// A FieldSet reads what FieldValues reads for each of its names, for every
// message of both catalogs (whole, with its fixed part cut short, and as
// built), with masks, device IDs, named variables and secrets set, shown
// and masked, raw and displayed.
func TestFieldSetMatchesFieldValues(t *testing.T) {
	checked := 0
	for _, cat := range dissect.Catalogs() {
		for _, def := range cat.Messages() {
			built := dissect.NewMessage(def)
			names := []string{"cti.num", "cti.length", "cti.msg_type", "cti.data", "cti.unknown_tag", "cti.reserved", "cti.CallID", "cti.AgentID"}
			for i, fd := range def.Fixed {
				names = append(names, fd.Filter)
				switch {
				case fd.Type.IsInteger():
					_ = built.SetFixedAt(i, dissect.Uint(fd.Type, 0xffff+uint64(i)))
				case fd.Type == dissect.TypeSTRING:
					_ = built.SetFixedAt(i, dissect.Str("a/b"))
				}
			}
			for _, fd := range def.Floating {
				names = append(names, fd.Filter, fd.Filter+".name", fd.Filter+".value", fd.Filter+".primary", fd.Filter+".actual", fd.Filter+".index")
				switch {
				case fd.Type.IsInteger():
					_ = built.Add(fd.Name, dissect.Uint(fd.Type, 0xff))
				case fd.Type == dissect.TypeSTRING:
					_ = built.Add(fd.Name, dissect.Str("x/y"))
				case fd.Type == dissect.TypeNAMEDVAR:
					_ = built.Add(fd.Name, dissect.NamedVar("n", "v"))
				case fd.Type == dissect.TypeNAMEDARRAY:
					_ = built.Add(fd.Name, dissect.NamedArray(2, "n", "v"))
				}
			}
			names = append(names, names...) // a name asked twice
			// With and without a header field's name.
			noLength := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == "cti.length" })
			sets := [][]string{names, noLength}
			msgs := []*dissect.Message{built}
			if frame, err := dissect.Encode(built, dissect.Layout11); err == nil {
				for _, cut := range []int{len(frame), dissect.HeaderLen + def.FixedSize()/2, len(frame) - 1} {
					if cut > len(frame) || cut < dissect.HeaderLen {
						continue
					}
					s := dissect.NewSession(dissect.Options{Version: 13, Layout: dissect.Layout11, Dialect: cat.Dialect})
					msgs = append(msgs, s.Decode(frame[:cut]))
				}
			}
			var vals [][]string
			for _, m := range msgs {
				r := &Record{Num: 3, Msg: m}
				for _, names := range sets {
					set := NewFieldSet(names)
					for _, opt := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
						vals = set.Values(vals, r, opt[0], opt[1])
						for c, name := range names {
							if want := FieldValues(nil, r, name, opt[0], opt[1]); !slices.Equal(vals[c], want) {
								t.Fatalf("%s (%s, %d fixed decoded) %s display=%v secrets=%v: FieldSet %q, FieldValues %q",
									def.Name, cat.Dialect, m.DecodedFixed(), name, opt[0], opt[1], vals[c], want)
							}
						}
						checked++
					}
				}
			}
		}
	}
	if checked < 400 {
		t.Fatalf("only %d messages checked", checked)
	}
}
