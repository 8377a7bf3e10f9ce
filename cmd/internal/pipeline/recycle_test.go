package pipeline

import (
	"bytes"
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
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	agentEvents := func(r *Record) bool {
		return r.Msg != nil && r.Msg.Def != nil && r.Msg.Def.ID == dissect.MsgAgentStateEvent
	}
	for _, filter := range []func(*Record) bool{nil, agentEvents} {
		run := func(recycle bool) (prints []string, distinct int) {
			src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			seen := map[*dissect.Message]bool{}
			opts := Options{Lookahead: true, Recycle: recycle, Filter: filter}
			if err := New(opts).Read(src, func(r *Record) error {
				prints = append(prints, fingerprint(r))
				seen[r.Msg] = true
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return prints, len(seen)
		}
		want, fresh := run(false)
		got, reused := run(true)
		if len(got) != len(want) {
			t.Fatalf("%d records with Recycle, %d without", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("record %d differs with Recycle:\n got %s\nwant %s", i, got[i], want[i])
			}
		}
		if reused*4 > fresh {
			t.Errorf("Recycle handed out %d distinct messages for %d records: not reused", reused, fresh)
		}
	}
}
