//go:build !unix

package analyze

// newChunk returns n bytes for rows (on the heap where mapping memory
// outside it is not portable).
func newChunk(_ *callStore, n int) []byte { return make([]byte, 0, n) }
