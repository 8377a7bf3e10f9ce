package reassembly

import "slices"

// insertUncovered adds to *pieces (sorted by offset, disjoint) a piece for
// each part of [from, to) that none of them covers, so the bytes seen
// first win wherever data overlaps: TCP segments behind a hole and IP
// fragments are buffered alike. span gives a piece's [start, end); mk
// makes the piece for [a, b), or returns false to stop (a bound reached).
func insertUncovered[P any](pieces *[]P, span func(*P) (int64, int64), from, to int64, mk func(a, b int64) (P, bool)) {
	pos, i := from, 0
	for pos < to {
		for i < len(*pieces) {
			if _, e := span(&(*pieces)[i]); e > pos {
				break
			}
			i++
		}
		stop := to
		if i < len(*pieces) {
			s, e := span(&(*pieces)[i])
			if s <= pos {
				pos = e // covered
				continue
			}
			stop = min(stop, s)
		}
		p, ok := mk(pos, stop)
		if !ok {
			return
		}
		*pieces = slices.Insert(*pieces, i, p)
		i++
		pos = stop
	}
}
