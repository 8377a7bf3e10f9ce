package dissect

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// scanString is IndexByte for the NUL, and ascii only where the text before
// it is ASCII (so utf8.Valid would say yes); bigEndian reads as the loop
// over the bytes does. Checked on short and long strings, with NULs, high
// bytes and invalid UTF-8 in every position.
func TestScanStringAndBigEndian(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0, 'a', '7', ' ', 0x7f, 0x80, 0xc3, 0xa9, 0xff}
	for n := 0; n < 3000; n++ {
		b := make([]byte, rng.IntN(2*maxScanString+8))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		nul, ascii := scanString(b)
		if want := bytes.IndexByte(b, 0); nul != want {
			t.Fatalf("%x: NUL at %d, want %d", b, nul, want)
		}
		text := b
		if nul >= 0 {
			text = b[:nul]
		}
		isASCII := true
		for _, c := range text {
			isASCII = isASCII && c < utf8.RuneSelf
		}
		if ascii && !isASCII || !ascii && isASCII && len(b) <= maxScanString {
			t.Fatalf("%x: ascii %v, text is ASCII: %v", b, ascii, isASCII)
		}
		if ascii && !utf8.Valid(text) {
			t.Fatalf("%x: ascii but not valid UTF-8", b)
		}
		if k := min(len(b), 8); k > 0 {
			var want uint64
			for _, c := range b[:k] {
				want = want<<8 | uint64(c)
			}
			if got := bigEndian(b[:k]); got != want {
				t.Fatalf("%x: bigEndian %d, want %d", b[:k], got, want)
			}
		}
	}
}
