package filter

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// benchFilters are typical filters, from a metadata test to a scan of
// every field and a regular expression.
var benchFilters = []struct{ name, expr string }{
	{"msg_type", "cti.msg_type == AGENT_STATE_EVENT"},
	{"enum", "cti.AgentState == AGENT_STATE_READY"},
	{"string", `cti.AgentID == "1001" && cti.AgentExtension contains "50"`},
	{"repeated", "cti.CSQID in {6..8}"},
	{"absent", "cti.CallID == 5"},
	{"mask", "cti.EventReasonCode > 100 || cti.ServicesRequested & CTI_SERVICE_SUPERVISOR"},
	{"regexp", `cti.AgentID matches "^10[0-9]+$"`},
	{"expert", "!cti.expert && cti.dir == c2s"},
}

// BenchmarkMatch measures Match on a decoded AGENT_STATE_EVENT, next to
// Decode of the same frame (Decode sub-benchmark) so ratios can be read
// off one run.
func BenchmarkMatch(b *testing.B) {
	m := agentState(b)
	frame := m.Frame
	ctx := dissect.Context{Version: 13, Layout: dissect.Layout11}
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			dissect.Decode(frame, ctx)
		}
	})
	tg := &Target{Msg: m, Num: 1, Frame: record.Frame{Dir: record.ClientToServer}}
	for _, bf := range benchFilters {
		f := mustCompile(b, bf.expr)
		b.Run(bf.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Match(tg)
			}
		})
	}
}

func BenchmarkCompile(b *testing.B) {
	Fields() // registry built once, outside the loop
	b.ReportAllocs()
	for b.Loop() {
		for _, bf := range benchFilters {
			if _, err := Compile(bf.expr); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestMatchDoesNotAllocate keeps Match allocation-free for the benchmark
// filters (testing.AllocsPerRun counts, it does not time).
func TestMatchDoesNotAllocate(t *testing.T) {
	tg := &Target{Msg: agentState(t), Num: 1, Frame: record.Frame{Dir: record.ClientToServer}}
	for _, bf := range benchFilters {
		f := mustCompile(t, bf.expr)
		if n := testing.AllocsPerRun(100, func() { f.Match(tg) }); n != 0 {
			t.Errorf("%s: %v allocations per Match", bf.expr, n)
		}
	}
}
