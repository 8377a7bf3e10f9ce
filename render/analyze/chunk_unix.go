//go:build unix

package analyze

import (
	"runtime"
	"syscall"
)

// newChunk returns n bytes of memory mapped outside the Go heap, unmapped
// once owner is unreachable. Rows kept there do not count toward the
// garbage collector's heap goal, which would otherwise let the heap grow
// to twice the rows before collecting the decoder's garbage: a million
// rows cost their ~100 MB, not 200.
func newChunk(owner *callStore, n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, 0, n) // the heap will do
	}
	runtime.AddCleanup(owner, func(b []byte) { syscall.Munmap(b) }, b)
	return b[:0]
}
