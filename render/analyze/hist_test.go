package analyze

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestBucketsAreMonotonicAndPrecise(t *testing.T) {
	prev := -1
	for _, v := range []uint64{0, 1, 255, 256, 257, 511, 512, 1000, 1 << 20, 1<<20 + 12345, 1 << 40, 1<<62 + 5, 1<<63 - 1} {
		b := bucketOf(v)
		if b < prev || b >= histBuckets {
			t.Fatalf("bucket of %d = %d (previous %d, %d buckets)", v, b, prev, histBuckets)
		}
		prev = b
		mid := bucketMid(b)
		if diff := float64(mid) - float64(v); diff/float64(max(v, 1)) > 1.0/128 || -diff/float64(max(v, 1)) > 1.0/128 {
			t.Errorf("value %d: bucket middle %d is more than 1/128 away", v, mid)
		}
	}
}

func TestQuantilesWithinPrecision(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Histogram
	var all []time.Duration
	for range 100000 {
		d := time.Duration(r.ExpFloat64() * float64(5*time.Millisecond))
		h.Add(d)
		all = append(all, d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.95, 0.99} {
		want := all[int(q*float64(len(all)))-1]
		got := h.Quantile(q)
		if rel := float64(got-want) / float64(want); rel > 0.01 || rel < -0.01 {
			t.Errorf("p%v = %v, exact %v (%.3f%% off)", q*100, got, want, rel*100)
		}
	}
	if h.Min() != all[0] || h.Max() != all[len(all)-1] || h.Count() != uint64(len(all)) {
		t.Errorf("min/max/count %v %v %d, want %v %v %d", h.Min(), h.Max(), h.Count(), all[0], all[len(all)-1], len(all))
	}
}
