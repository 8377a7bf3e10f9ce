package pipeline

import (
	"bytes"
	"sync/atomic"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/reassembly"
)

// With Options.Render, every record reaches the callback in capture order
// with the bytes its rendering goroutine made of it, the same bytes the
// callback would make itself, and the rendering ran on goroutines of its
// own (one function each).
func TestRenderAheadHandsEachRecordItsBytes(t *testing.T) {
	var buf bytes.Buffer
	cfg := gen.DefaultConfig()
	cfg.TargetBytes = 1 << 20
	if _, err := gen.Generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	read := func(opts Options, fn func(*Record) error) {
		src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := New(opts).Read(src, fn); err != nil {
			t.Fatal(err)
		}
	}
	var want []string
	read(Options{Lookahead: true}, func(r *Record) error {
		want = append(want, fingerprint(r))
		return nil
	})
	var made atomic.Int32
	opts := Options{Lookahead: true, Parallel: true, Async: true, Recycle: true,
		Render: func() func([]byte, *Record) []byte {
			made.Add(1)
			return func(dst []byte, r *Record) []byte { return append(dst, fingerprint(r)...) }
		}}
	n := 0
	read(opts, func(r *Record) error {
		if n >= len(want) {
			t.Fatalf("more records than the %d of a plain read", len(want))
		}
		if got := string(r.Rendered); got != want[n] || got != fingerprint(r) {
			t.Fatalf("record %d rendered ahead as\n%s\nwant\n%s", n, got, want[n])
		}
		n++
		return nil
	})
	if n != len(want) {
		t.Fatalf("%d records rendered ahead, %d in a plain read", n, len(want))
	}
	if int(made.Load()) != renderers() {
		t.Fatalf("%d rendering functions made, want one per goroutine (%d)", made.Load(), renderers())
	}
}
