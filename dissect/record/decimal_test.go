package record

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendUintMatchesStrconv holds AppendUint and AppendInt to strconv:
// every value below 20,000, both sides of each power of ten and numbers
// whose digit pairs hold zeros, up to the largest uint64, after bytes
// already in the buffer, and random values of every size.
func TestAppendUintMatchesStrconv(t *testing.T) {
	for v := uint64(0); v < 20000; v++ {
		if got, want := string(AppendUint(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Fatalf("%d: %s", v, got)
		}
	}
	for p, i := uint64(1), 0; i < 20; p, i = p*10, i+1 {
		for _, v := range []uint64{p - 1, p, p + 1, p * 9, p*10 - 1, p*10 + 1, p*7 + 3, p * 5 / 3, 1<<64 - 1} {
			if got, want := string(AppendUint([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
				t.Fatalf("%d: %s", v, got)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		v := r.Uint64() >> r.UintN(64)
		if got, want := string(AppendUint([]byte("ab"), v)), "ab"+strconv.FormatUint(v, 10); got != want {
			t.Fatalf("%d: %s", v, got)
		}
		if got, want := string(AppendInt(nil, int64(v))), strconv.FormatInt(int64(v), 10); got != want {
			t.Fatalf("%d: %s", int64(v), got)
		}
	}
	for _, v := range []int64{-1 << 63, -10001, -1, 0, 1 << 62, 1<<63 - 1} {
		if got, want := string(AppendInt(nil, v)), strconv.FormatInt(v, 10); got != want {
			t.Errorf("%d: %s", v, got)
		}
	}
}
