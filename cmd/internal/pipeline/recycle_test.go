package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly"
)

// fingerprint is what a view could print of a record, taken inside the
// callback (a recycling pipeline reuses the message afterwards).
func fingerprint(r *Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d %v %+v %+v %v|", r.Num, r.Frame.Pkt, r.Frame.Pkts, r.Request, r.Response, r.Unanswered)
	if m := r.Msg; m != nil {
		fmt.Fprintf(&b, "%s %x %d %v|", m.Name(), m.Frame, m.FixedSize, m.Expert)
		var walk func(fs []dissect.Field)
		walk = func(fs []dissect.Field) {
			for i := range fs {
				f := &fs[i]
				fmt.Fprintf(&b, "%s=%s@%d%v;", f.Filter, f.Text(), f.Offset, f.Expert)
				walk(f.Children)
			}
		}
		walk(m.Header)
		walk(m.Fields)
	}
	return b.String()
}

// With Recycle, every record reads exactly as without it, with and
// without a filter, while later messages really are decoded into the
// memory of those handed out.
func TestRecycleHandsOutTheSameRecords(t *testing.T) {
	var buf bytes.Buffer
	cfg := gen.DefaultConfig()
	cfg.TargetBytes = 1 << 20 // thousands of records: batches of asynchronous reads come back for reuse
	if _, err := gen.Generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	agentEvents := func(r *Record) bool {
		return r.Msg != nil && r.Msg.Def != nil && r.Msg.Def.ID == dissect.MsgAgentStateEvent
	}
	for _, filter := range []func(*Record) bool{nil, agentEvents} {
		run := func(recycle, async, parallel bool) (prints []string, distinct int) {
			src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[*dissect.Message]bool{}
			opts := Options{Lookahead: true, Recycle: recycle, Async: async, Parallel: parallel, Filter: filter}
			if err := New(opts).Read(src, func(r *Record) error {
				prints = append(prints, fingerprint(r))
				seen[r.Msg] = true
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return prints, len(seen)
		}
		want, fresh := run(false, false, false)
		for _, async := range []bool{false, true} {
			got, reused := run(true, async, false)
			if len(got) != len(want) {
				t.Fatalf("async %v: %d records with Recycle, %d without", async, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("async %v: record %d differs with Recycle:\n got %s\nwant %s", async, i, got[i], want[i])
				}
			}
			// (Few records pass the filter: asynchronously they all fit in
			// the batches in flight.)
			if (filter == nil || !async) && reused*2 > fresh {
				t.Errorf("async %v: Recycle handed out %d distinct messages for %d records: not reused", async, reused, fresh)
			}
		}
	}
}

// With Parallel, records come in the same order with the same contents as
// when one goroutine does everything, whether one or several goroutines
// decode (connections sharded over them), with and without recycling and
// a filter.
func TestParallelHandsOutTheSameRecords(t *testing.T) {
	var buf bytes.Buffer
	cfg := gen.DefaultConfig()
	cfg.TargetBytes = 1 << 20
	if _, err := gen.Generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	agentEvents := func(r *Record) bool {
		return r.Msg != nil && r.Msg.Def != nil && r.Msg.Def.ID == dissect.MsgAgentStateEvent
	}
	run := func(opts Options) []string {
		src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var prints []string
		if err := New(opts).Read(src, func(r *Record) error {
			prints = append(prints, fingerprint(r))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return prints
	}
	defer func(n int) { decoderCount = n }(decoderCount)
	for _, filter := range []func(*Record) bool{nil, agentEvents} {
		want := run(Options{Lookahead: true, Filter: filter})
		if filter == nil && len(want) < 1000 {
			t.Fatalf("only %d records: too few to fill chunks", len(want))
		}
		for _, n := range []int{1, 3} {
			decoderCount = n
			for _, recycle := range []bool{false, true} {
				got := run(Options{Lookahead: true, Parallel: true, Async: recycle, Recycle: recycle, Filter: filter})
				if len(got) != len(want) {
					t.Fatalf("%d decoders, recycle %v: %d records, want %d", n, recycle, len(got), len(want))
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%d decoders, recycle %v: record %d differs:\n got %s\nwant %s", n, recycle, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// With Async, the callback's first error ends the read and is what Read
// returns; no record reaches the callback after it, and Count still stops
// at its number of records.
func TestAsyncStopsAtCallbackError(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	read := func(opts Options, fn func(*Record) error) error {
		src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return New(opts).Read(src, fn)
	}
	boom := errors.New("disk full")
	calls := 0
	for _, parallel := range []bool{false, true} {
		calls = 0
		err := read(Options{Lookahead: true, Recycle: true, Async: true, Parallel: parallel}, func(*Record) error {
			calls++
			if calls == 300 {
				return boom
			}
			return nil
		})
		if !errors.Is(err, boom) || calls != 300 {
			t.Fatalf("parallel %v: Read = %v after %d callbacks, want %v after 300", parallel, err, calls, boom)
		}
	}
	calls = 0
	if err := read(Options{Async: true, Count: 200}, func(*Record) error { calls++; return nil }); err != nil || calls != 200 {
		t.Fatalf("Count 200: %d callbacks, err %v", calls, err)
	}
}
