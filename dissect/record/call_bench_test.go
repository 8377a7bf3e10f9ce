package record

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// BenchmarkCallIDsOf reads the call references of one decoded message of
// each catalog definition in turn.
func BenchmarkCallIDsOf(b *testing.B) {
	var ms []*dissect.Message
	for _, cat := range dissect.Catalogs() {
		for _, def := range cat.Messages() {
			if def.Opaque {
				continue
			}
			frame, err := dissect.Encode(dissect.NewMessage(def), dissect.Layout11)
			if err != nil {
				b.Fatal(err)
			}
			s := dissect.NewSession(dissect.Options{Version: 13, Layout: dissect.Layout11, Dialect: cat.Dialect})
			ms = append(ms, s.Decode(frame))
		}
	}
	b.ResetTimer()
	for i := range b.N {
		CallIDsOf(ms[i%len(ms)])
	}
}
