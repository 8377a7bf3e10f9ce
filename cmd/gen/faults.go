package gen

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Faults are scenarios that break one of the doctor's rules (dissect/diag)
// each, on connections of their own (clients at 10.10.60.x) added to the
// scripted capture: `ctishark gen --fault NAME` writes a capture that
// triggers the rule, the same capture without it does not. Every fault
// names the rule codes it triggers, so tests can check each one.
var faults = map[string]struct {
	codes []string // cti.diag.* codes the fault triggers
	run   func(g *gen, at int64)
}{
	"version":        {[]string{"version_below_min", "open_refused", "open_retry_too_soon"}, (*gen).faultVersion},
	"idle-timeout":   {[]string{"idle_timeout_range"}, (*gen).faultIdleTimeout},
	"mode-fields":    {[]string{"mode_fields"}, (*gen).faultModeFields},
	"services":       {[]string{"services_not_granted"}, (*gen).faultServices},
	"standby":        {[]string{"server_not_master", "failover_reconnect"}, (*gen).faultStandby},
	"storm":          {[]string{"open_storm"}, (*gen).faultStorm},
	"heartbeat-loss": {[]string{"heartbeat_missed"}, (*gen).faultHeartbeatLoss},
	"silence":        {[]string{"session_idle", "heartbeat_late"}, (*gen).faultSilence},
	"agent":          {[]string{"agent_reason", "foreign_logout", "agent_two_sessions", "state_rejected"}, (*gen).faultAgent},
	"calls":          {[]string{"established_without_delivered", "cleared_unknown_call", "callid_reuse", "rtp_mismatch", "consult_not_completed"}, (*gen).faultCalls},
	"requests":       {[]string{"request_unanswered", "slow_response"}, (*gen).faultRequests},
	"request-failed": {[]string{"request_failed"}, (*gen).faultRequestFailed},
}

// FaultNames lists the faults gen can add, sorted.
func FaultNames() []string {
	var out []string
	for n := range faults {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// FaultCodes are the rule codes (without the cti.diag. prefix) a fault
// triggers; nil for an unknown fault.
func FaultCodes(name string) []string { return faults[name].codes }

// checkFaults validates Config.Faults, expanding "all".
func checkFaults(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if n == "all" {
			return FaultNames(), nil
		}
		if _, ok := faults[n]; !ok {
			return nil, fmt.Errorf("unknown fault %q (want all or one of %s)", n, strings.Join(FaultNames(), ", "))
		}
		out = append(out, n)
	}
	return out, nil
}

// Standby is the second node of the cluster, which answers OPEN_REQ with
// E_CTI_SERVER_NOT_MASTER.
var Standby = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 10, 20, 6}), 42027)

// runFaults schedules the configured faults, 20 s apart from 20 s on.
func (g *gen) runFaults() {
	for i, n := range g.cfg.Faults {
		at := 20*sec + int64(i)*20*sec
		g.pushFunc(at, func(at int64) { faults[n].run(g, at) })
	}
}

func (g *gen) faultConn(last byte, clientID string, a *agent) *conn {
	c := g.newConn(netip.AddrFrom4([4]byte{10, 10, 60, last}), clientID, a)
	if a != nil {
		a.c = c
	}
	return c
}

func (g *gen) newFaultAgent(id, ext string, last byte) *agent {
	a := &agent{idx: -1, id: id, ext: ext, state: stLogout, csqs: []uint32{1}}
	g.faultConn(last, "Desktop-"+id, a)
	return a
}

// openClose opens a session on c (bridge mode unless c has an agent) with
// the OPEN_REQ edit asks for, and closes it after hold; it returns when
// the connection is closed.
func (g *gen) openClose(c *conn, at, hold int64, edit func(req *builder), granted uint64) int64 {
	svc := uint64(svcAllEvents)
	if c.ag != nil {
		svc = svcClientEvents | svcCallData | svcClientControl
	}
	if granted == 0 {
		granted = svc
	}
	t := g.connect(c, at) + g.between(2*ms, 6*ms)
	req := g.openReq(c, svc, allCallMsgs, allAgentMsgs, 0)
	if edit != nil {
		edit(req)
	}
	t = g.request(c, t, req, g.lat(), g.openConf(c, t, granted)) + hold
	t = g.request(c, t, g.msg("CLOSE_REQ").u("Status", 0), g.between(800*us, 3*ms), g.msg("CLOSE_CONF"))
	g.disconnect(c, t+g.between(20*ms, 60*ms))
	return t + 100*ms
}

// refused sends an OPEN_REQ that the server refuses with status, then
// resets the connection.
func (g *gen) refused(c *conn, at int64, edit func(req *builder), status uint64, text string) int64 {
	t := g.connect(c, at) + g.between(2*ms, 6*ms)
	req := g.openReq(c, svcAllEvents, allCallMsgs, allAgentMsgs, 0)
	if edit != nil {
		edit(req)
	}
	t = g.request(c, t, req, g.lat(), g.msg("FAILURE_CONF").u("Status", status).s("Text", text))
	g.disconnect(c, t+g.between(5*ms, 20*ms))
	return t + 50*ms
}

// A recorder asks for protocol version 9, is refused, and retries 3 s later.
func (g *gen) faultVersion(at int64) {
	old := func(req *builder) { req.u("VersionNumber", 9) }
	t := g.refused(g.faultConn(1, "Legacy-Recorder", nil), at, old, 1, "Unsupported protocol version")
	g.refused(g.faultConn(1, "Legacy-Recorder", nil), t+3*sec, old, 1, "Unsupported protocol version")
}

// A reporting client keeps the old 240 s IdleTimeout.
func (g *gen) faultIdleTimeout(at int64) {
	g.openClose(g.faultConn(2, "Report-Server", nil), at, 2*sec, func(req *builder) { req.u("IdleTimeout", 240) }, 0)
}

// A supervisor tool opens a bridge-mode session and names an agent.
func (g *gen) faultModeFields(at int64) {
	g.openClose(g.faultConn(3, "Supervisor-Tool", nil), at, 2*sec, func(req *builder) {
		req.s("AgentExtension", "1002").s("AgentID", "jcarter")
	}, 0)
}

// A recorder asks for call control too and is granted only the events.
func (g *gen) faultServices(at int64) {
	c := g.faultConn(4, "Recorder-01", nil)
	g.openClose(c, at, 2*sec, func(req *builder) { req.u("ServicesRequested", svcAllEvents|svcClientControl) }, svcAllEvents)
}

// A wallboard reaches the standby node first, then the master.
func (g *gen) faultStandby(at int64) {
	c := g.faultConn(5, "CCX-Wallboard-02", nil)
	c.server = Standby
	if g.detail {
		g.res.Connections[c.index].Server = Standby
	}
	t := g.refused(c, at, nil, statusNotMasterGen, "Server is not master")
	g.openClose(g.faultConn(5, "CCX-Wallboard-02", nil), t+12*sec, 2*sec, nil, 0)
}

const statusNotMasterGen = 92 // E_CTI_SERVER_NOT_MASTER

// A desktop reopens its session five times within a minute.
func (g *gen) faultStorm(at int64) {
	t := at
	for range 5 {
		t = g.openClose(g.faultConn(6, "Flaky-Desktop", nil), t, sec, nil, 0) + 9*sec
	}
}

// A wallboard's heartbeats go unanswered three times; it then resets.
func (g *gen) faultHeartbeatLoss(at int64) {
	c := g.faultConn(7, "Wallboard-HB", nil)
	t := g.connect(c, at) + 3*ms
	g.request(c, t, g.openReq(c, svcAllEvents, allCallMsgs, allAgentMsgs, 0), g.lat(), g.openConf(c, t, svcAllEvents))
	for i := int64(1); i <= 3; i++ {
		g.push(&item{at: t + i*int64(HeartbeatInterval/1000), kind: kData, c: c, d: c2s, p: g.pack(g.msg("HEARTBEAT_REQ")), slot: &slot{}})
	}
	g.disconnect(c, t+3*int64(HeartbeatInterval/1000)+15*sec)
}

// A wallboard stops sending for 130 s (IdleTimeout 100 s), then sends a
// heartbeat again.
func (g *gen) faultSilence(at int64) {
	c := g.faultConn(8, "Wallboard-Silent", nil)
	t := g.connect(c, at) + 3*ms
	g.request(c, t, g.openReq(c, svcAllEvents, allCallMsgs, allAgentMsgs, 0), g.lat(), g.openConf(c, t, svcAllEvents))
	hb := int64(HeartbeatInterval / 1000)
	for _, d := range []int64{hb, 2 * hb, 2*hb + 130*sec} {
		g.request(c, t+d, g.msg("HEARTBEAT_REQ"), g.between(350*us, 2500*us), g.msg("HEARTBEAT_CONF"))
	}
	g.disconnect(c, t+2*hb+131*sec)
}

// An agent is made Not Ready for ring-no-answer, has a state change
// refused, and is logged out by a second (Finesse) session for the same
// agent.
func (g *gen) faultAgent(at int64) {
	a := g.newFaultAgent("rnowak", "1009", 9)
	g.login(a, at)
	t := a.busyUntil + 5*sec
	g.agentState(a, t, stNotReady, reasonRNA)
	t += 3 * sec
	g.request(a.c, t, g.setState(a, stWork, 0), g.lat(), g.msg("FAILURE_CONF").u("Status", 17).s("Text", "Invalid state transition"))
	// Finesse opens an agent-mode session for the same agent and logs it out.
	f := g.faultConn(10, "Finesse-rnowak", nil)
	t += 5 * sec
	t2 := g.connect(f, t) + 3*ms
	svc := uint64(svcClientEvents | svcCallData | svcClientControl)
	req := g.openReq(f, svc, allCallMsgs, allAgentMsgs, 0).s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id)
	t2 = g.request(f, t2, req, g.lat(), g.openConf(f, t2, svc)) + 2*sec
	out := &agent{id: a.id, ext: a.ext, c: f}
	t2 = g.request(f, t2, g.setState(out, stLogout, reasonForcedFinesse), g.lat(), g.msg("SET_AGENT_STATE_CONF")) + 5*ms
	g.sendTo(f, t2, g.msg("AGENT_STATE_EVENT").u("AgentState", stLogout).u("EventReasonCode", reasonForcedFinesse).
		s("AgentExtension", a.ext).s("AgentID", a.id), nil)
	g.agentState(a, t2+200*us, stLogout, reasonForcedFinesse)
	a.c.closeAt = t2 + sec
	g.disconnect(a.c, t2+sec)
	g.disconnect(f, t2+2*sec)
}

const (
	reasonRNA           = 32763 // AGT_RNA
	reasonForcedFinesse = 255   // forced logout after a Finesse connection failure
)

// An agent's desktop receives events that break the call model.
func (g *gen) faultCalls(at int64) {
	a := g.newFaultAgent("kweber", "1010", 11)
	g.login(a, at)
	t := a.busyUntil + 2*sec
	ev := func(name string, id uint32) *builder {
		b := g.msg(name).u("CallID", uint64(id)).s("ConnectionDeviceID", a.ext)
		if b.hasFixed("ConnectionDeviceType") {
			b.u("ConnectionDeviceType", 0)
		}
		return b
	}
	g.sendTo(a.c, t, ev("CALL_ESTABLISHED_EVENT", 99000001).s("AnsweringDeviceID", a.ext).s("CallingDeviceID", "5551000").s("CalledDeviceID", a.ext), nil)
	g.sendTo(a.c, t+sec, ev("CALL_CLEARED_EVENT", 99000002), nil)
	g.sendTo(a.c, t+2*sec, ev("BEGIN_CALL_EVENT", 99000003), nil)
	g.sendTo(a.c, t+3*sec, ev("BEGIN_CALL_EVENT", 99000003), nil)
	g.sendTo(a.c, t+4*sec, ev("RTP_STOPPED_EVENT", 99000003), nil)
	// A consult call that ends without a transfer or conference.
	g.request(a.c, t+4500*ms, g.msg("CONSULT_CALL_REQ").u("ActiveCallID", 99000003).u("ConsultType", 1).
		s("ActiveConnectionDeviceID", a.ext).s("DialedNumber", "1002").s("AgentInstrument", a.ext), g.lat(),
		g.msg("CONSULT_CALL_CONF").u("NewCallID", 99000011).s("NewConnectionDeviceID", a.ext))
	g.sendTo(a.c, t+4800*ms, ev("END_CALL_EVENT", 99000011), nil)
	g.sendTo(a.c, t+5*sec, ev("END_CALL_EVENT", 99000003), nil)
	g.logout(a, t+8*sec)
}

// An agent's desktop sends a query the server never answers, and one the
// server answers only after 2.5 s, well past its usual few milliseconds.
func (g *gen) faultRequests(at int64) {
	a := g.newFaultAgent("tkim", "1011", 12)
	g.login(a, at)
	t := a.busyUntil + sec
	query := func() *builder {
		return g.msg("QUERY_AGENT_STATE_REQ").s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id)
	}
	conf := func() *builder {
		return g.msg("QUERY_AGENT_STATE_CONF").u("AgentState", uint64(a.state)).u("numCSQs", 0).
			s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id)
	}
	for range 12 {
		t = g.request(a.c, t, query(), g.lat(), conf()) + 200*ms
	}
	g.request(a.c, t, query(), 2500*ms, conf())
	t += 3 * sec
	g.push(&item{at: t, kind: kData, c: a.c, d: c2s, p: g.pack(query()), slot: &slot{}})
	g.logout(a, t+15*sec)
}

// An agent's desktop acts on two calls that are already gone: the Answer
// click on a call whose caller hung up while it rang (CONTROL_FAILURE_CONF),
// and wrap-up data posted after a call cleared (FAILURE_CONF).
func (g *gen) faultRequestFailed(at int64) {
	a := g.newFaultAgent("lmoreau", "1012", 13)
	g.login(a, at)
	q := g.csqs[0] // CSQ_Sales, the fault agent's only CSQ
	g.callTo(a.busyUntil+sec, kindLateAnswer, q, a)
	g.callTo(a.busyUntil+sec, kindLateData, q, a)
	g.logout(a, a.busyUntil+5*sec)
}
