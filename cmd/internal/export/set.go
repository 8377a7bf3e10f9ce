package export

import "math/bits"

// Set is a set of capture packet numbers of one file, as a bitmap: one bit
// per packet up to the highest number added, so a filter keeping most of a
// large capture costs an eighth of a byte per packet, not a map entry.
type Set struct {
	words []uint64
	n     int
}

// maxPacketNum bounds the numbers a Set accepts (a billion packets: 128
// MiB of bits), so a corrupt record cannot make it allocate without limit.
const maxPacketNum = 1 << 30

// Add puts packet numbers in the set; numbers < 1 or beyond maxPacketNum
// are ignored.
func (s *Set) Add(nums ...int) {
	for _, n := range nums {
		if n < 1 || n > maxPacketNum {
			continue
		}
		w := n >> 6
		if w >= len(s.words) {
			s.words = append(s.words, make([]uint64, w+1-len(s.words))...)
		}
		if s.words[w]&(1<<(n&63)) == 0 {
			s.words[w] |= 1 << (n & 63)
			s.n++
		}
	}
}

// Has reports whether packet n is in the set.
func (s *Set) Has(n int) bool {
	w := n >> 6
	return n >= 1 && w < len(s.words) && s.words[w]&(1<<(n&63)) != 0
}

// Len is the number of packets in the set.
func (s *Set) Len() int { return s.n }

// Max is the highest packet number in the set (0 when empty).
func (s *Set) Max() int {
	for i := len(s.words) - 1; i >= 0; i-- {
		if w := s.words[i]; w != 0 {
			return i<<6 + 63 - bits.LeadingZeros64(w)
		}
	}
	return 0
}
