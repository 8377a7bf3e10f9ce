package render

import (
	"testing"
	"time"
)

// appendUTCNano writes what AppendFormat writes with the JSON views'
// layout, whatever the zone, across the years, the nanoseconds and the
// fallback outside 0..9999.
func TestAppendUTCNanoMatchesAppendFormat(t *testing.T) {
	const layout = "2006-01-02T15:04:05.000000000Z07:00"
	zone := time.FixedZone("X", -5*3600-30*60)
	times := []time.Time{
		time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2000, 2, 29, 12, 34, 56, 123456789, zone),
		time.Date(9999, 12, 31, 23, 59, 59, 5, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(1<<33, 42),
	}
	for _, tm := range times {
		want := tm.UTC().AppendFormat(nil, layout)
		if got := appendUTCNano([]byte("x"), tm); string(got) != "x"+string(want) {
			t.Errorf("%v: got %s, want %s", tm, got[1:], want)
		}
	}
}

// plainPrefix finds the same first byte to escape as a byte-by-byte scan,
// for every byte value at every position of a word and across words.
func TestPlainPrefixMatchesByteScan(t *testing.T) {
	naive := func(s string) int {
		i := 0
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		return i
	}
	base := []byte("cti.AgentID-0123456789abcdefghij")
	for n := 0; n <= len(base); n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				s := append([]byte(nil), base[:n]...)
				s[pos] = byte(c)
				if got, want := plainPrefix(string(s)), naive(string(s)); got != want {
					t.Fatalf("%q: plainPrefix %d, byte scan %d", s, got, want)
				}
			}
		}
	}
}
