package analyze

import (
	"math/bits"
	"time"
)

// Histogram is a fixed-size log-linear histogram of durations: values below
// 256 ns get a bucket each, larger ones 128 buckets per power of two, so a
// quantile read from it is within 1/128 (under 0.8%) of the true value
// while memory stays the same however many values are added. Count, sum,
// min and max are kept exactly beside it.
type Histogram struct {
	buckets  [histBuckets]uint32
	n        uint64
	sum      time.Duration
	min, max time.Duration
}

const (
	histSubBits = 7                                                // 128 sub-buckets per power of two
	histLinear  = 2 << histSubBits                                 // values below this are exact
	histBuckets = histLinear + (63-histSubBits-1)*(1<<histSubBits) // up to 2^63 ns
)

// bucketOf maps a non-negative value to its bucket.
func bucketOf(v uint64) int {
	if v < histLinear {
		return int(v)
	}
	e := bits.Len64(v) - 1 // >= histSubBits+1
	shift := e - histSubBits
	m := v >> shift // in [128, 255]
	return histLinear + (e-histSubBits-1)<<histSubBits + int(m) - 1<<histSubBits
}

// bucketMid is the middle of a bucket's value range.
func bucketMid(i int) uint64 {
	if i < histLinear {
		return uint64(i)
	}
	i -= histLinear
	e := i>>histSubBits + histSubBits + 1
	m := uint64(i&(1<<histSubBits-1)) + 1<<histSubBits
	shift := e - histSubBits
	lo := m << shift
	return lo + (uint64(1)<<shift)/2
}

// Add records one value; negative values count as zero.
func (h *Histogram) Add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	if h.n == 0 || d < h.min {
		h.min = d
	}
	if d > h.max {
		h.max = d
	}
	h.n++
	h.sum += d
	b := bucketOf(uint64(d))
	if h.buckets[b] < ^uint32(0) {
		h.buckets[b]++
	}
}

// Count is the number of values added.
func (h *Histogram) Count() uint64 { return h.n }

// Min, Max and Mean are exact.
func (h *Histogram) Min() time.Duration { return h.min }
func (h *Histogram) Max() time.Duration { return h.max }
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// Quantile returns the value below which a fraction q of the values lie
// (nearest rank), to the histogram's precision, clamped to [Min, Max].
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.999999999)
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for i := range h.buckets {
		seen += uint64(h.buckets[i])
		if seen >= rank {
			v := time.Duration(bucketMid(i))
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}
