package record

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// CallIDsOf takes a catalog message's call fields by their place in the
// definition; it must read what a look at every field by name reads, for
// every message of both catalogs, whole and with its fixed part cut short
// (an older version's message), with a floating CallID as well.
func TestCallIDsOfMatchesByName(t *testing.T) {
	checked, named := 0, 0
	for _, cat := range dissect.Catalogs() {
		for _, def := range cat.Messages() {
			if def.Opaque {
				continue
			}
			m := dissect.NewMessage(def)
			for i, fd := range def.Fixed {
				if fd.Type.IsInteger() {
					if err := m.SetFixedAt(i, dissect.Uint(fd.Type, uint64(100+i))); err != nil {
						t.Fatal(err)
					}
				}
			}
			_ = m.Add("CallID", dissect.Uint(dissect.TypeUINT, 7)) // where the message defines one
			frame, err := dissect.Encode(m, dissect.Layout11)
			if err != nil {
				t.Fatalf("%s: %v", def.Name, err)
			}
			for _, cut := range []int{len(frame), dissect.HeaderLen + def.FixedSize()/2} {
				if cut > len(frame) {
					continue
				}
				s := dissect.NewSession(dissect.Options{Version: 13, Layout: dissect.Layout11, Dialect: cat.Dialect})
				got := s.Decode(frame[:cut])
				if got.Def != def {
					continue // a cut frame may read as another message; not this test's matter
				}
				if a, b := CallIDsOf(got), callIDsByName(got); a != b {
					t.Fatalf("%s (%s, %d of %d bytes): CallIDsOf %+v, by name %+v", def.Name, cat.Dialect, cut, len(frame), a, b)
				}
				checked++
				if a := CallIDsOf(got); a.Main != 0 && (a.Secondary != 0 || a.Others[0] != 0) {
					named++
				}
			}
		}
	}
	if checked < 100 || named < 5 {
		t.Fatalf("only %d messages checked, %d naming more than one call", checked, named)
	}
}
