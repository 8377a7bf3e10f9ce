package analyze

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// testRow is row i of a table whose cells vary in width, in script and
// in what escaping does to them; every seventh row is missing.
func testRow(i int) ([]string, bool) {
	if i%7 == 3 {
		return nil, false
	}
	return []string{
		fmt.Sprint(i * i),
		strings.Repeat("é", i%13),
		"tab\there\x1b[31m"[:i%14],
		"last cell " + strings.Repeat("x", i%5),
	}, true
}

// The rows spread over the cores print exactly what writeAligned prints
// of the same rows in one goroutine, with any number of goroutines and
// blocks, a partial last block and missing rows included.
func TestWriteAlignedRowsMatchesWriteAligned(t *testing.T) {
	head := []string{"N", "WIDE", "ESCAPED", "LAST"}
	for _, procs := range []int{1, 2, 4} {
		for _, n := range []int{0, 1, rowBlock - 1, rowBlock, 3*rowBlock + 17, 9 * rowBlock} {
			prev := runtime.GOMAXPROCS(procs)
			var want, got bytes.Buffer
			err := writeAligned(&want, func(emit func(...string)) error {
				emit(head...)
				for i := range n {
					if cells, ok := testRow(i); ok {
						emit(cells...)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = writeAlignedRows(&got, head, n, func() rower {
				return func(i int, emit func(...string)) bool {
					cells, ok := testRow(i)
					if ok {
						emit(cells...)
					}
					return ok
				}
			})
			runtime.GOMAXPROCS(prev)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want.Bytes(), got.Bytes()) {
				t.Fatalf("GOMAXPROCS %d, %d rows: the tables differ (%d bytes vs %d)", procs, n, want.Len(), got.Len())
			}
			if lines := strings.Count(got.String(), "\n"); lines != 1+n-(n+3)/7 {
				t.Fatalf("GOMAXPROCS %d, %d rows: %d lines", procs, n, lines)
			}
		}
	}
}

// failAfter fails every write past its first n bytes.
type failAfter struct{ n int }

var errFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// A writer that fails stops the table with its error, and the rendering
// goroutines with it: none is left running.
func TestWriteAlignedRowsStopsOnWriteError(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	before := runtime.NumGoroutine()
	err := writeAlignedRows(&failAfter{n: 200 << 10}, []string{"N", "CELL"}, 40*rowBlock, func() rower {
		return func(i int, emit func(...string)) bool {
			emit(fmt.Sprint(i), strings.Repeat("y", 40))
			return true
		}
	})
	if !errors.Is(err, errFull) {
		t.Fatalf("error %v, want %v", err, errFull)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines left running", n-before)
	}
}
