package diag

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

var (
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clientAP = netip.MustParseAddrPort("10.0.0.50:50123")
	serverAP = netip.MustParseAddrPort("10.0.0.5:42027")
)

type fixed = map[string]dissect.Value

// feed is a connection's messages for an engine: each call builds one
// record at t0+at, decodes it, and runs the engine on it.
type feed struct {
	t      *testing.T
	e      *Engine
	stream int
	num    int
}

func newFeed(t *testing.T) *feed { return &feed{t: t, e: New(nil)} }

func (f *feed) rec(at time.Duration, c2s bool, name string, fx fixed, floating ...any) *record.Record {
	f.t.Helper()
	f.num++
	r := &record.Record{Num: f.num, Msg: recordtest.Build(f.t, name, fx, floating...),
		Frame: record.Frame{Time: t0.Add(at), Start: t0, Stream: f.stream, Src: serverAP, Dst: clientAP, Dir: record.ServerToClient}}
	if c2s {
		r.Frame.Src, r.Frame.Dst, r.Frame.Dir = clientAP, serverAP, record.ClientToServer
	}
	return r
}

// send runs the engine on a record and returns the diag codes it got.
func (f *feed) send(r *record.Record) []string {
	f.e.Observe(r)
	var out []string
	for _, x := range r.Msg.Expert {
		if strings.HasPrefix(x.Code, Prefix) {
			out = append(out, strings.TrimPrefix(x.Code, Prefix))
		}
	}
	return out
}

func (f *feed) open(at time.Duration, idle uint64, svc uint64, floating ...any) []string {
	f.t.Helper()
	fl := append([]any{"ClientID", recordtest.S("desk")}, floating...)
	return f.send(f.rec(at, true, "OPEN_REQ", fixed{"InvokeID": recordtest.U(1), "VersionNumber": recordtest.U(13), "IdleTimeout": recordtest.U(idle), "ServicesRequested": recordtest.U(svc)}, fl...))
}

func only(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s: findings %v, want %v", what, got, want)
	}
}

func TestIdleTimeoutBounds(t *testing.T) {
	for _, c := range []struct {
		idle uint64
		hit  bool
	}{{19, true}, {20, false}, {119, false}, {120, true}, {0xFFFFFFFF, true}} {
		f := newFeed(t)
		got := f.open(0, c.idle, svcAllEvents)
		if hit := len(got) == 1 && got[0] == "idle_timeout_range"; hit != c.hit || len(got) > 1 {
			t.Errorf("IdleTimeout %d: %v", c.idle, got)
		}
	}
	// 60 s is in range, but not twice a 40 s heartbeat; 80 s is.
	for _, c := range []struct {
		idle uint64
		hit  bool
	}{{60, true}, {80, false}} {
		f := newFeed(t)
		f.open(0, c.idle, svcAllEvents)
		only(t, "first heartbeat", f.send(f.rec(40*time.Second, true, "HEARTBEAT_REQ", fixed{"InvokeID": recordtest.U(2)})))
		got := f.send(f.rec(80*time.Second, true, "HEARTBEAT_REQ", fixed{"InvokeID": recordtest.U(3)}))
		if c.hit {
			only(t, "heartbeat 40 s, idle 60 s", got, "idle_timeout_range")
		} else {
			only(t, "heartbeat 40 s, idle 80 s", got)
		}
	}
}

func TestVersionBound(t *testing.T) {
	for v, want := range map[uint64]bool{9: true, 10: false, 18: false} {
		f := newFeed(t)
		got := f.send(f.rec(0, true, "OPEN_REQ", fixed{"InvokeID": recordtest.U(1), "VersionNumber": recordtest.U(v), "IdleTimeout": recordtest.U(80), "ServicesRequested": recordtest.U(svcAllEvents)}))
		if (len(got) == 1 && got[0] == "version_below_min") != want {
			t.Errorf("version %d: %v", v, got)
		}
	}
}

// Heartbeats every 20 s; silences of 30 s are not late, 31 s is; the
// session is idle past 80 s of client silence, not at 80 s.
func TestHeartbeatLateAndIdle(t *testing.T) {
	f := newFeed(t)
	f.open(0, 80, svcAllEvents)
	at := time.Duration(0)
	hb := func(gap time.Duration) []string {
		at += gap
		return f.send(f.rec(at, true, "HEARTBEAT_REQ", fixed{"InvokeID": recordtest.U(uint64(at))}))
	}
	only(t, "20 s", hb(20*time.Second))
	only(t, "20 s", hb(20*time.Second))
	only(t, "30 s", hb(30*time.Second))
	only(t, "31 s", hb(31*time.Second), "heartbeat_late")
	only(t, "80 s", hb(80*time.Second), "heartbeat_late")
	only(t, "81 s", hb(81*time.Second), "session_idle", "heartbeat_late")
	// Server messages do not count as client activity, nor trigger idleness.
	only(t, "server event", f.send(f.rec(at+200*time.Second, false, "SYSTEM_EVENT", nil)))
}

// A logout the session asked for is its own; one nobody on the session
// asked for is foreign.
func TestForeignLogout(t *testing.T) {
	f := newFeed(t)
	f.open(0, 80, svcClientEvents, "AgentExtension", recordtest.S("1001"), "AgentID", recordtest.S("a1"))
	logout := func(at time.Duration) []string {
		return f.send(f.rec(at, false, "AGENT_STATE_EVENT", fixed{"AgentState": dissect.Uint(dissect.TypeUSHORT, agentLogout)}, "AgentID", recordtest.S("a1")))
	}
	only(t, "unrequested", logout(10*time.Second), "foreign_logout")
	f.send(f.rec(20*time.Second, true, "SET_AGENT_STATE_REQ", fixed{"InvokeID": recordtest.U(5), "AgentState": dissect.Uint(dissect.TypeUSHORT, agentLogout)}, "AgentInstrument", recordtest.S("1001"), "AgentID", recordtest.S("a1")))
	only(t, "requested", logout(21*time.Second))
	only(t, "long after the request", logout(60*time.Second), "foreign_logout")
}

// Call rules judge agent-mode sessions opened in the capture only, and
// stop judging a session whose calls had to be forgotten.
func TestCallModelScope(t *testing.T) {
	est := func(f *feed, at time.Duration, id uint64) []string {
		r := f.rec(at, false, "CALL_ESTABLISHED_EVENT", fixed{"CallID": recordtest.U(id)})
		r.Calls = []record.CallRef{{N: 1, CallID: uint32(id)}}
		return f.send(r)
	}
	bridge := newFeed(t)
	bridge.open(0, 80, svcAllEvents)
	only(t, "bridge", est(bridge, time.Second, 7))
	agent := newFeed(t)
	agent.open(0, 80, svcClientEvents, "AgentExtension", recordtest.S("1001"), "AgentID", recordtest.S("a1"))
	only(t, "agent, unseen call", est(agent, time.Second, 7), "established_without_delivered")
	only(t, "agent, now known", est(agent, 2*time.Second, 7))
	// Fill the call table with live calls: the next new call is judged
	// (nothing was forgotten yet), then the table is cleared and the
	// session's calls are no longer judged.
	for id := uint64(100); len(agent.e.conns[0].calls) < maxCallsConn; id++ {
		agent.e.conns[0].calls[uint32(id)] = callSeen | callOffered
		agent.e.entries++
	}
	only(t, "table full", est(agent, 3*time.Second, 8), "established_without_delivered")
	only(t, "after overflow", est(agent, 4*time.Second, 9))
	if c := agent.e.conns[0]; !c.callsLost || len(c.calls) > 2 || agent.e.entries != len(c.calls)+c.reqType.len() {
		t.Errorf("overflow: lost %v, %d calls, %d entries", c.callsLost, len(c.calls), agent.e.entries)
	}
	// The bound over all connections: another session, with the engine
	// full, forgets its own calls rather than grow.
	other := &feed{t: t, e: agent.e, stream: 1}
	other.open(0, 80, svcClientEvents, "AgentExtension", recordtest.S("1002"), "AgentID", recordtest.S("a2"))
	agent.e.entries = maxEntries
	est(other, time.Second, 5)
	if c := agent.e.conns[1]; !c.callsLost || len(c.calls) != 1 {
		t.Errorf("total bound: lost %v, %d calls", c.callsLost, len(c.calls))
	}
}

// The rule table is well formed: codes unique and prefixed, every rule
// with a summary, an explanation, a source and an evaluator.
func TestRuleTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if !strings.HasPrefix(r.Code, Prefix) || seen[r.Code] || r.Summary == "" || r.Explain == "" ||
			!strings.HasPrefix(r.Source, "https://") || r.eval == nil || r.Severity == 0 || r.Area == "" {
			t.Errorf("rule %+v", r)
		}
		seen[r.Code] = true
		if Lookup(r.Code) != r {
			t.Errorf("Lookup(%s)", r.Code)
		}
	}
	e := New(func(code string) bool { return code == CodeSessionIdle })
	if len(e.every) != 1 || e.every[0].Code != CodeSessionIdle {
		t.Errorf("selection: %d rules on every message", len(e.every))
	}
	for _, rs := range e.byType {
		if len(rs) != 0 {
			t.Errorf("selection kept %s", rs[0].Code)
		}
	}
}
