package diag

import (
	"fmt"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Protocol values the rules test (catalog enums and masks).
const (
	minVersion      = 10   // oldest protocol version Unified CCX serves
	maxIdle         = 120  // IdleTimeout must be below this (s)
	minIdle         = 20   // below this OPEN_REQ is refused with E_CTI_INVALID_TIMEOUT (s)
	svcClientEvents = 0x01 // CTI_SERVICE_CLIENT_EVENTS: agent mode
	svcAllEvents    = 0x10 // CTI_SERVICE_ALL_EVENTS: bridge mode
	agentLogout     = 1    // AGENT_STATE_LOGOUT
	statusNotMaster = 92   // E_CTI_SERVER_NOT_MASTER

	retryWait   = 10 * time.Second // wait after a refused OPEN_REQ
	stormWindow = 60 * time.Second
	logoutAsked = 30 * time.Second // a LOGOUT this soon after the session's own request is its own
	slowFloor   = time.Second
	slowFactor  = 10
	slowSamples = 10
)

// The fields the rules read of most messages, resolved once.
var (
	fInvokeID        = dissect.NewFieldName("InvokeID")
	fCallID          = dissect.NewFieldName("CallID")
	fDirection       = dissect.NewFieldName("Direction")
	fEventReasonCode = dissect.NewFieldName("EventReasonCode")
	fAgentState      = dissect.NewFieldName("AgentState")
	fStatus          = dissect.NewFieldName("Status")
)

func evalVersion(_ *Engine, r *record.Record, _ *conn) (string, bool) {
	v, ok := r.Msg.Uint("VersionNumber")
	if !ok || v >= minVersion {
		return "", false
	}
	return fmt.Sprintf("VersionNumber %d", v), true
}

func evalIdleTimeout(_ *Engine, r *record.Record, c *conn) (string, bool) {
	m := r.Msg
	if m.Def.ID == dissect.MsgOpenReq {
		v, ok := m.Uint("IdleTimeout")
		switch {
		case !ok:
			return "", false
		case v >= maxIdle:
			return fmt.Sprintf("IdleTimeout %d s (must be below %d s)", v, maxIdle), true
		case v < minIdle:
			return fmt.Sprintf("IdleTimeout %d s (below %d s is refused)", v, minIdle), true
		}
		return "", false
	}
	// A heartbeat: the first spacing tells the session's interval.
	if c.idleFlagged || c.idle == 0 || c.hbLast.IsZero() || c.hbRef != 0 {
		return "", false
	}
	gap := record.Elapsed(r.Frame.Time, c.hbLast)
	if gap < time.Second || c.idle >= 2*gap {
		return "", false
	}
	c.idleFlagged = true
	return fmt.Sprintf("IdleTimeout %s is less than twice the heartbeat interval (%s)", secs(c.idle), secs(gap)), true
}

func evalModeFields(_ *Engine, r *record.Record, _ *conn) (string, bool) {
	m := r.Msg
	svc, _ := m.Uint("ServicesRequested")
	id, _ := m.String("AgentID")
	ext, _ := m.String("AgentExtension")
	inst, _ := m.String("AgentInstrument")
	switch {
	case svc&svcAllEvents != 0 && (id != "" || ext != "" || inst != ""):
		return fmt.Sprintf("bridge mode (CTI_SERVICE_ALL_EVENTS) with agent fields AgentID %q AgentExtension %q AgentInstrument %q", id, ext, inst), true
	case svc&svcAllEvents == 0 && svc&svcClientEvents != 0 && (id == "" || ext == "" && inst == ""):
		return fmt.Sprintf("agent mode (CTI_SERVICE_CLIENT_EVENTS) with AgentID %q AgentExtension %q AgentInstrument %q", id, ext, inst), true
	}
	return "", false
}

func evalServices(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if !c.opened || !c.openPending {
		return "", false
	}
	f := r.Msg.Get("ServicesGranted")
	if f == nil {
		return "", false
	}
	missing := c.requested &^ f.Value.Num
	if missing == 0 {
		return "", false
	}
	g := *f
	g.Value.Num = missing
	return fmt.Sprintf("not granted: %s (0x%x)", g.Display(), missing), true
}

// answers reports whether a failure answers the connection's OPEN_REQ.
func answersOpen(m *dissect.Message, c *conn) bool {
	v, ok := m.UintField(fInvokeID)
	return ok && c.openPending && uint32(v) == c.openInvoke
}

func evalOpenRefused(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if !answersOpen(r.Msg, c) || statusOf(r.Msg) == statusNotMaster {
		return "", false
	}
	return explainStatus(r.Msg), true
}

func evalRetrySoon(e *Engine, r *record.Record, c *conn) (string, bool) {
	id, _ := r.Msg.String("ClientID")
	cl := e.clients[clientKey(id, r)]
	if cl == nil || cl.refusedAt.IsZero() {
		return "", false
	}
	d := r.Frame.Time.Sub(cl.refusedAt)
	if d < 0 || d >= retryWait {
		return "", false
	}
	return fmt.Sprintf("%s after the refusal in #%d", secs(d), cl.refusedNum), true
}

func clientKey(id string, r *record.Record) string {
	if id != "" {
		return id
	}
	return r.Frame.Client().Addr().String()
}

func evalStorm(e *Engine, r *record.Record, _ *conn) (string, bool) {
	id, _ := r.Msg.String("ClientID")
	cl := e.clients[clientKey(id, r)]
	n := len(client{}.opens)
	if cl == nil || cl.nOpens < n-1 {
		return "", false
	}
	// This OPEN_REQ is the n-th; the oldest of the n is still in the ring.
	t := r.Frame.Time
	oldest := cl.opens[(cl.nOpens-(n-1))%n]
	if t.Sub(oldest) > stormWindow || !cl.stormAt.IsZero() && t.Sub(cl.stormAt) <= stormWindow {
		return "", false
	}
	cl.stormAt = t
	return fmt.Sprintf("%d OPEN_REQs by %q within %s", n, clientKey(id, r), secs(t.Sub(oldest))), true
}

func evalNotMaster(_ *Engine, r *record.Record, _ *conn) (string, bool) {
	if statusOf(r.Msg) != statusNotMaster {
		return "", false
	}
	return "server " + r.Frame.Server().String() + " is the standby node", true
}

func evalFailover(e *Engine, r *record.Record, c *conn) (string, bool) {
	id, _ := r.Msg.String("ClientID")
	cl := e.clients[clientKey(id, r)]
	if cl == nil || !cl.server.IsValid() || cl.server.Addr() == c.server.Addr() {
		return "", false
	}
	return fmt.Sprintf("previous session with %s (#%d), now %s", cl.server, cl.serverNum, c.server), true
}

func evalHeartbeatMissed(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if !r.Unanswered {
		if r.Response != nil {
			c.hbMissRun = 0
		}
		return "", false
	}
	c.hbMissRun++
	inv, _ := r.Msg.UintField(fInvokeID)
	d := fmt.Sprintf("InvokeID %d", inv)
	if c.hbMissRun > 1 {
		d += fmt.Sprintf(", %d in a row", c.hbMissRun)
	}
	return d, true
}

func evalHeartbeatLate(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if c.hbRef == 0 || c.lastClient.IsZero() {
		return "", false
	}
	silent := record.Elapsed(r.Frame.Time, c.lastClient)
	if silent*2 <= c.hbRef*3 {
		return "", false
	}
	return fmt.Sprintf("client silent %s before it, heartbeat interval %s", secs(silent), secs(c.hbRef)), true
}

func evalSessionIdle(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if r.Frame.Dir != record.ClientToServer || c.idle == 0 || c.lastClient.IsZero() {
		return "", false
	}
	silent := record.Elapsed(r.Frame.Time, c.lastClient)
	if silent <= c.idle {
		return "", false
	}
	return fmt.Sprintf("client silent %s, IdleTimeout %s", secs(silent), secs(c.idle)), true
}

func evalReason(_ *Engine, r *record.Record, _ *conn) (string, bool) {
	code, ok := r.Msg.UintField(fEventReasonCode)
	if !ok {
		return "", false
	}
	why, ok := systemReasons[code]
	if !ok {
		return "", false
	}
	return fmt.Sprintf("agent %q %s, %s (%d): %s", agentOf(r), stateOf(r.Msg), reasonName(r.Msg), code, why), true
}

func evalForeignLogout(_ *Engine, r *record.Record, c *conn) (string, bool) {
	m := r.Msg
	s, ok := m.UintField(fAgentState)
	if !ok || s != agentLogout || !c.agentMode || c.agent == "" {
		return "", false
	}
	if id, _ := m.String("AgentID"); id != c.agent {
		return "", false
	}
	if !c.logoutAsked.IsZero() && r.Frame.Time.Sub(c.logoutAsked) <= logoutAsked {
		return "", false
	}
	return fmt.Sprintf("agent %q, reason %s", c.agent, reasonName(m)), true
}

func evalTwoSessions(e *Engine, r *record.Record, c *conn) (string, bool) {
	m := r.Msg
	svc, _ := m.Uint("ServicesRequested")
	id, _ := m.String("AgentID")
	if id == "" || svc&svcAllEvents != 0 || svc&svcClientEvents == 0 {
		return "", false
	}
	s, ok := e.agents[id]
	if !ok || s == r.Frame.Stream {
		return "", false
	}
	o := e.conns[s]
	if o == nil || o.closing || o.agent != id {
		return "", false
	}
	live := o.idle
	if live == 0 {
		live = maxIdle * time.Second
	}
	if record.Elapsed(r.Frame.Time, o.lastAny) > live {
		return "", false // the other session went quiet long ago: it is gone
	}
	return fmt.Sprintf("agent %q already controlled by stream %d (client %q), now also by stream %d", id, s, o.clientID, r.Frame.Stream), true
}

// failedType is the type of the request a failure answers (0 = unknown).
func failedType(m *dissect.Message, c *conn) uint32 {
	v, ok := m.UintField(fInvokeID)
	if !ok {
		return 0
	}
	typ, _ := c.reqType.get(uint32(v))
	return typ
}

func evalStateRejected(_ *Engine, r *record.Record, c *conn) (string, bool) {
	if failedType(r.Msg, c) != dissect.MsgSetAgentStateReq {
		return "", false
	}
	return fmt.Sprintf("agent %q: %s", agentOf(r), explainStatus(r.Msg)), true
}

func evalFailed(_ *Engine, r *record.Record, c *conn) (string, bool) {
	m := r.Msg
	typ := failedType(m, c)
	if typ == dissect.MsgSetAgentStateReq || answersOpen(m, c) || m.Def.ID == dissect.MsgFailureConf && statusOf(m) == statusNotMaster {
		return "", false // a more specific rule says it
	}
	name := "request"
	if d := dissect.Lookup(typ); typ != 0 && d != nil {
		name = d.Name
	}
	if r.Request != nil {
		name += fmt.Sprintf(" #%d", r.Request.Num)
	}
	return name + ": " + explainStatus(m), true
}

func evalUnanswered(_ *Engine, r *record.Record, _ *conn) (string, bool) {
	if !r.Unanswered || r.Msg.Def.ID == dissect.MsgHeartbeatReq {
		return "", false
	}
	inv, _ := r.Msg.UintField(fInvokeID)
	return fmt.Sprintf("%s InvokeID %d", r.Msg.Def.Name, inv), true
}

func evalSlow(e *Engine, r *record.Record, c *conn) (string, bool) {
	if r.Request == nil {
		return "", false
	}
	inv, ok := r.Msg.UintField(fInvokeID)
	if !ok {
		return "", false
	}
	typ, ok := c.reqType.get(uint32(inv))
	mn := e.lat[typ]
	if !ok || mn == nil || mn.n < slowSamples {
		return "", false
	}
	lat, avg := r.Request.Latency, mn.sum/time.Duration(mn.n)
	if lat < slowFloor || lat <= slowFactor*avg {
		return "", false
	}
	name := "request"
	if d := dissect.Lookup(typ); d != nil {
		name = d.Name
	}
	return fmt.Sprintf("%s #%d answered after %s, mean of %d earlier answers %s", name, r.Request.Num, secs(lat), mn.n, secs(avg)), true
}

func evalEstablished(_ *Engine, r *record.Record, c *conn) (string, bool) {
	f, id, ok := callFlags(r, c)
	if !ok || f&callOffered != 0 {
		return "", false
	}
	return fmt.Sprintf("CallID %d", id), true
}

func evalCleared(_ *Engine, r *record.Record, c *conn) (string, bool) {
	f, id, ok := callFlags(r, c)
	if !ok || f&callSeen != 0 {
		return "", false
	}
	return fmt.Sprintf("CallID %d", id), true
}

// callFlags is what an agent-mode session that was opened in the capture
// knows of the message's call; ok is false where the rules cannot judge (a
// bridge sees calls that began before it connected).
func callFlags(r *record.Record, c *conn) (uint8, uint32, bool) {
	if !c.opened || !c.agentMode || c.callsLost {
		return 0, 0, false
	}
	v, ok := r.Msg.UintField(fCallID)
	if !ok {
		return 0, 0, false
	}
	return c.calls[uint32(v)], uint32(v), true
}

func evalReuse(_ *Engine, r *record.Record, c *conn) (string, bool) {
	v, ok := r.Msg.UintField(fCallID)
	if !ok || c.callsLost || c.calls[uint32(v)]&callBegun == 0 {
		return "", false
	}
	return fmt.Sprintf("CallID %d began again with no END_CALL_EVENT", v), true
}

func evalRTP(_ *Engine, r *record.Record, c *conn) (string, bool) {
	v, ok := r.Msg.UintField(fCallID)
	if !ok || c.callsLost {
		return "", false
	}
	on := c.calls[uint32(v)]&rtpBit(r.Msg) != 0
	dir, _ := r.Msg.UintField(fDirection)
	switch {
	case r.Msg.Def.ID == dissect.MsgRtpStartedEvent && on:
		return fmt.Sprintf("second RTP_STARTED for CallID %d direction %d", v, dir), true
	case r.Msg.Def.ID == dissect.MsgRtpStoppedEvent && !on && c.opened:
		return fmt.Sprintf("RTP_STOPPED for CallID %d direction %d without RTP_STARTED", v, dir), true
	}
	return "", false
}

func evalConsult(_ *Engine, r *record.Record, c *conn) (string, bool) {
	v, ok := r.Msg.UintField(fCallID)
	if !ok || c.calls[uint32(v)]&callConsult == 0 {
		return "", false
	}
	return fmt.Sprintf("consult CallID %d", v), true
}

// --- helpers ---

func statusOf(m *dissect.Message) uint64 {
	v, _ := m.UintField(fStatus)
	return v
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func agentOf(r *record.Record) string {
	if a := r.Agent(); a != "" {
		return a
	}
	return "?"
}

func stateOf(m *dissect.Message) string {
	if f := m.Field(fAgentState); f != nil {
		if d := f.Display(); d != "" {
			return d
		}
		return f.Value.Text()
	}
	return "?"
}

func reasonName(m *dissect.Message) string {
	if f := m.Field(fEventReasonCode); f != nil {
		return f.Text()
	}
	return "?"
}
