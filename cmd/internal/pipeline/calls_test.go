package pipeline

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

var (
	server  = netip.MustParseAddrPort("10.0.0.5:42027")
	server2 = netip.MustParseAddrPort("10.0.0.6:42027")
	client  = netip.MustParseAddrPort("10.0.0.21:50000")
)

// callEvent is a server event about callID on stream, in file, at t.
func callEvent(t *testing.T, name string, callID uint64, file, stream int, srv netip.AddrPort, at time.Time) *record.Record {
	t.Helper()
	m := recordtest.Build(t, name, map[string]dissect.Value{"CallID": recordtest.U(callID)})
	return &record.Record{Msg: m, Frame: record.Frame{FileIndex: file, Stream: stream, Time: at, Src: srv, Dst: client, Dir: record.ServerToClient}}
}

// n assigns r's calls and returns the number of its first.
func (cs *calls) n(r *record.Record) int {
	cs.assignRecord(r)
	if len(r.Calls) == 0 {
		return 0
	}
	return r.Calls[0].N
}

func TestCallNumbers(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var cs calls
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	first := cs.n(callEvent(t, "BEGIN_CALL_EVENT", 7, 0, 0, server, at(0)))
	if first != 1 {
		t.Fatalf("first call is %d", first)
	}
	// The same call on a second session (agent desktop and bridge).
	if n := cs.n(callEvent(t, "CALL_DELIVERED_EVENT", 7, 0, 1, server, at(1))); n != first {
		t.Errorf("second session's event: call %d, want %d", n, first)
	}
	// One session leaves; the call goes on for the other.
	cs.n(callEvent(t, "END_CALL_EVENT", 7, 0, 0, server, at(2)))
	if n := cs.n(callEvent(t, "CALL_DELIVERED_EVENT", 7, 0, 1, server, at(3))); n != first {
		t.Errorf("after one session's END_CALL_EVENT: call %d, want %d", n, first)
	}
	// Every session left: an event that starts a call starts a new one;
	// a straggler of the old one does not.
	cs.n(callEvent(t, "END_CALL_EVENT", 7, 0, 1, server, at(4)))
	if n := cs.n(callEvent(t, "CALL_CONNECTION_CLEARED_EVENT", 7, 0, 1, server, at(5))); n != first {
		t.Errorf("straggler: call %d, want %d", n, first)
	}
	second := cs.n(callEvent(t, "BEGIN_CALL_EVENT", 7, 0, 1, server, at(6)))
	if second == first || second == 0 {
		t.Errorf("CallID 7 reused after its end: call %d", second)
	}
	// CALL_CLEARED_EVENT ends a call at once.
	cs.n(callEvent(t, "CALL_CLEARED_EVENT", 7, 0, 1, server, at(7)))
	third := cs.n(callEvent(t, "CALL_DELIVERED_EVENT", 7, 0, 1, server, at(8)))
	if third == second {
		t.Errorf("CallID 7 delivered after CALL_CLEARED_EVENT: still call %d", third)
	}
	// Another file, another server, a long silence: other calls.
	other := map[string]*record.Record{
		"another file":   callEvent(t, "CALL_DELIVERED_EVENT", 7, 1, 1, server, at(9)),
		"another server": callEvent(t, "CALL_DELIVERED_EVENT", 7, 0, 2, server2, at(9)),
	}
	seen := map[int]bool{first: true, second: true, third: true}
	for what, r := range other {
		n := cs.n(r)
		if seen[n] {
			t.Errorf("%s: call %d again", what, n)
		}
		seen[n] = true
	}
	if n := cs.n(callEvent(t, "CALL_HELD_EVENT", 7, 0, 1, server, at(9).Add(callIdle+time.Second))); seen[n] {
		t.Errorf("after %s of silence: call %d again", callIdle, n)
	}
}

// However many calls a capture holds, the tracker remembers at most
// maxCalls, and ended ones leave a minute after their end.
func TestCallNumbersBounded(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var cs calls
	begin := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(1)})
	r := &record.Record{Frame: record.Frame{Src: server, Dst: client, Dir: record.ServerToClient}}
	for i := 0; i < maxCalls+100; i++ {
		m := *begin
		m.Fields = append([]dissect.Field(nil), begin.Fields...)
		for j := range m.Fields {
			if m.Fields[j].Name == "CallID" {
				m.Fields[j].Value.Num = uint64(i + 1)
			}
		}
		r.Msg, r.Calls, r.Frame.Time = &m, nil, t0
		cs.assignRecord(r)
	}
	if n := cs.count(); cs.nLive > maxCalls || n != cs.nLive {
		t.Errorf("%d calls remembered (counted %d), bound %d", n, cs.nLive, maxCalls)
	}
	if cs.next != maxCalls+100 {
		t.Errorf("%d calls numbered", cs.next)
	}
	// Ended calls leave once callLinger has passed.
	var ended calls
	for i := 0; i < 100; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		ended.assignRecord(callEvent(t, "BEGIN_CALL_EVENT", uint64(i+1), 0, 0, server, at))
		ended.assignRecord(callEvent(t, "CALL_CLEARED_EVENT", uint64(i+1), 0, 0, server, at))
	}
	ended.assignRecord(callEvent(t, "BEGIN_CALL_EVENT", 1000, 0, 0, server, t0.Add(100*time.Second+2*callLinger)))
	if n := ended.count(); ended.nLive != 1 || n != 1 || len(ended.servers) != 1 {
		t.Errorf("%d calls remembered (counted %d, %d tables) after the others ended", n, ended.nLive, len(ended.servers))
	}
}

// count is how many calls the tables hold (nLive keeps it).
func (cs *calls) count() int {
	n := 0
	for _, tb := range cs.servers {
		n += len(tb.live)
	}
	return n
}
