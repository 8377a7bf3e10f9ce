package analyze

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// liveHeap is the heap's live objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakWriter discards what is written, sampling the live heap every
// 16th write (the views write in 64 KiB pieces).
type peakWriter struct {
	n    int
	peak uint64
}

func (p *peakWriter) Write(b []byte) (int, error) {
	if p.n++; p.n%16 == 1 {
		p.peak = max(p.peak, liveHeap())
	}
	return len(b), nil
}

// setStr sets a message's STRING field in place (one template message
// stands for many: decoding 200k messages would make the test slow).
func setStr(t *testing.T, m *dissect.Message, name, v string) {
	t.Helper()
	f := m.Get(name)
	if f == nil {
		t.Fatalf("%s has no %s", m.Name(), name)
	}
	f.Value.Str = v
}

// A call that ended is packed into a row of about a hundred bytes, and
// the views print rows one at a time: 200,000 calls (a call every 10 ms
// for half an hour) keep a few MB of heap, where each used to hold close
// to a kilobyte (138 MB for the 150k calls of a 1 GB capture) and the
// table then built every cell again.
func TestCallsMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 200k calls")
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	begin := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777216)},
		"ConnectionDeviceID", recordtest.S("4001"), "ANI", recordtest.S("6125550000"), "DNIS", recordtest.S("4001"),
		"CallVariable2", recordtest.S("case-0"))
	cleared := recordtest.Build(t, "CALL_CLEARED_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777216)}, "ConnectionDeviceID", recordtest.S("4001"))
	const n = 200_000
	for _, format := range []string{"table", "json"} {
		cs := NewCalls()
		cs.NoVars = format != "json"
		base := liveHeap()
		var peak uint64
		for i := range n {
			ref := []record.CallRef{{N: i + 1, CallID: uint32(16777216 + i)}}
			at := t0.Add(time.Duration(i) * 10 * time.Millisecond)
			setStr(t, begin, "ANI", fmt.Sprintf("61255%05d", i))
			setStr(t, begin, "CallVariable2", fmt.Sprintf("case-%d", i))
			cs.Add(&record.Record{Msg: begin, Calls: ref, Frame: record.Frame{Time: at, Dir: record.ServerToClient}})
			cs.Add(&record.Record{Msg: cleared, Calls: ref, Frame: record.Frame{Time: at.Add(time.Second), Dir: record.ServerToClient}})
			if i%20000 == 0 {
				peak = max(peak, liveHeap())
			}
		}
		w := &peakWriter{}
		var err error
		if format == "json" {
			err = WriteCallsJSON(w, cs)
		} else {
			err = WriteCallsTable(w, cs)
		}
		if err != nil {
			t.Fatal(err)
		}
		peak = max(peak, w.peak) - min(base, peak, w.peak)
		rows := 0
		for _, c := range cs.rows.chunks {
			rows += len(c)
		}
		t.Logf("%s: live heap peak %d KiB, rows %d bytes per call", format, peak>>10, rows/n)
		if peak > 16<<20 {
			t.Errorf("%s: %d calls peaked at %d MiB of live heap, want at most 16 MiB", format, n, peak>>20)
		}
		if rows > 128*n {
			t.Errorf("%s: rows take %d bytes per call, want at most 128", format, rows/n)
		}
		if got := len(cs.Result()); got != n {
			t.Errorf("%s: %d rows, want %d", format, got, n)
		}
	}
}

// Calls past Max are counted, not itemised, and the table says so.
func TestCallsPastMaxCounted(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777216)}, "ConnectionDeviceID", recordtest.S("4001"))
	cs := NewCalls()
	cs.Max = 10
	for i := range 25 {
		cs.Add(&record.Record{Msg: m, Calls: []record.CallRef{{N: i + 1, CallID: uint32(16777216 + i)}},
			Frame: record.Frame{Time: t0.Add(time.Duration(i) * time.Second), Dir: record.ServerToClient}})
	}
	var b strings.Builder
	if err := WriteCallsTable(&b, cs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 12 || cs.Unlisted() != 15 || !strings.Contains(lines[11], "15 more calls not listed (at most 10") {
		t.Errorf("unlisted %d; table:\n%s", cs.Unlisted(), b.String())
	}
}

// More calls open at once than MaxWorking: the quiet ones are summarised
// early (counted), so a capture of calls that never end keeps a bounded
// working set.
func TestCallsWorkingSetBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("begins 60k calls")
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777216)}, "ConnectionDeviceID", recordtest.S("4001"))
	cs := NewCalls()
	const n = MaxWorking + 10_000
	most := 0
	for i := range n {
		cs.Add(&record.Record{Msg: m, Calls: []record.CallRef{{N: i + 1, CallID: uint32(16777216 + i)}},
			Frame: record.Frame{Time: t0.Add(time.Duration(i) * time.Microsecond), Dir: record.ServerToClient}})
		most = max(most, len(cs.calls))
	}
	if most > MaxWorking || cs.Early() == 0 {
		t.Errorf("working set up to %d calls (bound %d), %d summarised early", most, MaxWorking, cs.Early())
	}
	rows := cs.Result()
	if len(rows) != n || rows[0].End != "active" || rows[0].N != 1 || rows[n-1].N != n {
		t.Errorf("%d rows, first %+v", len(rows), rows[0])
	}
}

// Agents keep 16 bytes per state change and a small record per agent, at
// most MaxAgents of them, and print one agent at a time: 250,000 agents
// of two changes each (757 MB for a million before) stay within a few
// tens of MB, and the 50,000 past the bound are counted.
func TestAgentsMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("feeds 250k agents")
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3)},
		"AgentExtension", recordtest.S("100000"), "AgentID", recordtest.S("agent0000000"))
	const n = MaxAgents + 50_000
	a := NewAgents()
	base := liveHeap()
	var peak uint64
	for i := range n {
		setStr(t, m, "AgentID", fmt.Sprintf("agent%07d", i))
		setStr(t, m, "AgentExtension", fmt.Sprintf("%d", 100000+i))
		for k := range 2 {
			a.Add(&record.Record{Msg: m, Frame: record.Frame{Time: t0.Add(time.Duration(2*i+k) * time.Millisecond), Dir: record.ServerToClient}})
		}
		if i%25000 == 0 {
			peak = max(peak, liveHeap())
		}
	}
	for _, json := range []bool{false, true} {
		w := &peakWriter{}
		var err error
		if json {
			err = WriteAgentsJSON(w, a.Each)
		} else {
			err = WriteAgentsTable(w, a.Each)
		}
		if err != nil {
			t.Fatal(err)
		}
		peak = max(peak, w.peak)
	}
	peak -= min(base, peak)
	t.Logf("live heap peak %d KiB (%d bytes per agent listed)", peak>>10, peak/MaxAgents)
	if peak > 200*MaxAgents {
		t.Errorf("%d agents peaked at %d MiB of live heap, want at most %d MiB (200 bytes per agent)", n, peak>>20, 200*MaxAgents>>20)
	}
	if a.Unlisted() != 2*(n-MaxAgents) {
		t.Errorf("%d changes unlisted, want %d", a.Unlisted(), 2*(n-MaxAgents))
	}
	if got := len(a.Result()); got != MaxAgents {
		t.Errorf("%d agents listed, want %d", got, MaxAgents)
	}
}

// The extension-to-agent map of calls keeps at most MaxExtensions
// extensions (a capture of a million agents made it a million entries);
// the events past it are counted, and a kept extension still follows its
// latest agent.
func TestCallsExtensionsBounded(t *testing.T) {
	m := recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3)},
		"AgentExtension", recordtest.S("100000"), "AgentID", recordtest.S("agent0000000"))
	cs := NewCalls()
	for i := range MaxExtensions + 10 {
		setStr(t, m, "AgentExtension", fmt.Sprintf("%d", 100000+i))
		setStr(t, m, "AgentID", fmt.Sprintf("agent%07d", i))
		cs.Add(&record.Record{Msg: m, Frame: record.Frame{Dir: record.ServerToClient}})
	}
	setStr(t, m, "AgentExtension", "100000")
	setStr(t, m, "AgentID", "relief")
	cs.Add(&record.Record{Msg: m, Frame: record.Frame{Dir: record.ServerToClient}})
	if len(cs.extAgent) != MaxExtensions || cs.ExtensionsNotKept() != 10 || cs.extAgent["100000"] != "relief" {
		t.Errorf("%d extensions kept, %d events not kept, 100000 -> %q", len(cs.extAgent), cs.ExtensionsNotKept(), cs.extAgent["100000"])
	}
}
