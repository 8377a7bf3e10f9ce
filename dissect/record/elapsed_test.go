package record

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestElapsedIsSub holds Elapsed to time.Time.Sub on the spans capture
// times make and on the edges of its short way: both sides of 1970 and of
// 2^33 seconds, the extremes of time.Time, spans past a Duration's range
// (Sub saturates), nanoseconds that borrow, a monotonic reading on one side
// (Sub then reads the wall clocks too).
func TestElapsedIsSub(t *testing.T) {
	edges := []time.Time{
		{},
		time.Unix(0, 0),
		time.Unix(-1, 999_999_999),
		time.Unix(0, 1),
		time.Unix(fastSpanSecs-1, 999_999_999),
		time.Unix(fastSpanSecs, 0),
		time.Unix(fastSpanSecs+1, 0),
		time.Unix(1_700_000_000, 123_456_789),
		time.Unix(1_700_000_000, 999_999_999),
		time.Unix(math.MaxInt64, 0),
		time.Unix(math.MinInt64, 0),
		time.Unix(1<<62, 5),
		time.Unix(-(1 << 62), 5),
		time.Unix(9_223_372_036, 854_775_807),
		time.Unix(1_700_000_000, 0).UTC(),
		time.Unix(1_700_000_000, 0).In(time.FixedZone("x", 3600)),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		edges = append(edges, time.Unix(r.Int64N(fastSpanSecs+1000)-500, r.Int64N(1e9)))
	}
	edges = append(edges, time.Now())
	for _, a := range edges {
		for _, b := range edges[:40] {
			if got, want := Elapsed(a, b), a.Sub(b); got != want {
				t.Fatalf("Elapsed(%v, %v) = %v, Sub = %v", a, b, got, want)
			}
			if got, want := Elapsed(b, a), b.Sub(a); got != want {
				t.Fatalf("Elapsed(%v, %v) = %v, Sub = %v", b, a, got, want)
			}
		}
	}
}
