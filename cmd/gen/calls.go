package gen

import (
	"fmt"
	"strconv"
)

// Call kinds.
const (
	kindInbound    = "inbound"
	kindSetData    = "setdata"
	kindHold       = "hold"
	kindTransfer   = "transfer"
	kindConference = "conference"
	kindAbandoned  = "abandoned"
	kindLateAnswer = "lateanswer"
	kindLateData   = "latedata"
	kindConsult    = "consult"
)

// scriptedKinds is the order of the first calls of a scripted capture, so
// even a short one covers every flow. None of them has a request fail, so
// the default capture (testdata/sample.pcap) gives doctor nothing to
// report; the failing flows (kindLateAnswer, kindLateData) are drawn at
// random or added by the request-failed fault.
var scriptedKinds = []string{kindSetData, kindHold, kindTransfer, kindAbandoned, kindConference, kindInbound}

// randomKind draws the kind of a further call.
func (g *gen) randomKind() string {
	switch r := g.rng.IntN(100); {
	case r < 50:
		return kindInbound
	case r < 62:
		return kindSetData
	case r < 77:
		return kindHold
	case r < 85:
		return kindTransfer
	case r < 90:
		return kindConference
	case r < 95:
		return kindLateAnswer
	}
	return kindLateData
}

// callCtx is what the event builders of one call share.
type callCtx struct {
	id   uint32
	ani  string
	dnis string
	q    csq
	port string
	vars []namedVar
	cv   []string // CallVariable2.. as set by the IVR script
	ced  string
	res  *Call
}

func (g *gen) newCallID() uint32 {
	g.nextCallID += 1 + uint32(g.rng.IntN(3))
	return g.nextCallID
}

func (g *gen) ani() string {
	return areaCodes[g.rng.IntN(len(areaCodes))] + strconv.Itoa(200+g.rng.IntN(800)) + fmt.Sprintf("%04d", g.rng.IntN(10000))
}

func (g *gen) newCall(kind string, q csq, ani string, related uint32) *callCtx {
	cc := &callCtx{id: g.newCallID(), ani: ani, dnis: q.dnis, q: q}
	if g.detail {
		cc.res = &Call{CallID: cc.id, Kind: kind, ANI: ani, DNIS: q.dnis, CSQID: q.id, RelatedCallID: related}
		g.calls = append(g.calls, cc.res)
	}
	return cc
}

func (cc *callCtx) hook(set func(c *Call, t int64)) func(int, int64) {
	if cc.res == nil {
		return nil
	}
	return func(_ int, at int64) { set(cc.res, at) }
}

// pickAgent chooses the longest-available agent of the CSQ: the one whose
// busyUntil is earliest.
func (g *gen) pickAgent(q csq) *agent {
	var best *agent
	for _, a := range g.agents {
		if a.c.closeAt != 0 || !hasCSQ(a, q.id) {
			continue
		}
		if best == nil || a.busyUntil < best.busyUntil {
			best = a
		}
	}
	return best
}

// consultTarget chooses the agent other than a who is free soonest.
func (g *gen) consultTarget(a *agent) *agent {
	var best *agent
	for _, b := range g.agents {
		if b == a || b.c.closeAt != 0 {
			continue
		}
		if best == nil || b.busyUntil < best.busyUntil {
			best = b
		}
	}
	return best
}

func hasCSQ(a *agent, id uint32) bool {
	for _, q := range a.csqs {
		if q == id {
			return true
		}
	}
	return false
}

// planCall schedules every message of one call arriving at time a, for
// the longest-available agent of a CSQ drawn at random.
func (g *gen) planCall(a int64, kind string) {
	q := g.csqs[g.rng.IntN(len(g.csqs))]
	A := g.pickAgent(q)
	if A == nil {
		return
	}
	g.callTo(a, kind, q, A)
}

// callTo schedules every message of one call arriving at time a in queue q
// and delivered to agent A once A is free.
func (g *gen) callTo(a int64, kind string, q csq, A *agent) {
	cc := g.newCall(kind, q, g.ani(), 0)
	g.nextPort = (g.nextPort + 1 + g.rng.IntN(3)) % numPorts
	cc.port = strconv.Itoa(7001 + g.nextPort)
	cc.ced = strconv.Itoa(1 + g.rng.IntN(3))
	cc.cv = []string{fmt.Sprintf("AC%07d", g.rng.IntN(10000000)), languages[g.rng.IntN(len(languages))], cc.q.appName}
	cc.vars = []namedVar{{"user.CustomerTier", tiers[g.rng.IntN(len(tiers))]}, {"user.Language", cc.cv[1]}}

	// Route point, IVR port, queue: the bridge sees it all.
	g.toBridge(a, g.beginCall(cc, q.dnis, callTypeCCXIn, false), cc.hook(func(c *Call, t int64) { c.Offered = g.ts(t) }))
	t := a + g.between(40*ms, 120*ms)
	g.toBridge(t, g.delivered(cc, cc.port, devCTIPort, q.dnis, devRoutePoint, q.dnis, devRoutePoint, causeNewCall, false), nil)
	queued := t + g.between(6*sec, 20*sec)
	g.toBridge(queued, g.queued(cc), nil)

	// Longest available agent; the call waits in queue until there is one.
	s := max(queued+g.between(400*ms, 2*sec), A.busyUntil+g.between(300*ms, 1200*ms))
	if cc.res != nil {
		cc.res.AgentID = A.id
	}
	g.agentState(A, s, stReserved, reasonNone)
	g.toBridge(s+g.between(3*ms, 8*ms), g.dequeued(cc), nil)
	t = s + g.between(25*ms, 60*ms)
	g.toAgent(A, t, g.beginCall(cc, A.ext, callTypeCCXIn, true), false, nil)
	t += g.between(1*ms, 4*ms)
	g.toAgent(A, t, g.delivered(cc, A.ext, devAgent, q.dnis, devRoutePoint, cc.port, devCTIPort, causeRedirected, true), true, nil)

	ring := g.between(2500*ms, 7*sec)
	t += ring
	if kind == kindAbandoned || kind == kindLateAnswer {
		A.busyUntil = g.abandon(cc, A, t, kind == kindLateAnswer)
		return
	}
	t = g.answer(cc, A, t)

	talk := g.between(40*sec, 100*sec)
	if g.cfg.LoadMode() {
		talk = g.between(60*sec, 240*sec)
	}
	end := t + talk
	if kind == kindTransfer || kind == kindConference {
		// The agent consults a colleague a while into the call, or once one
		// is free ("let me find someone who can help").
		b := g.consultTarget(A)
		if b != nil {
			at := max(t+talk/3, b.busyUntil+g.between(1*sec, 3*sec))
			if at-t < 4*60*sec || !g.cfg.LoadMode() {
				A.busyUntil = g.consult(cc, A, b, at, kind == kindConference)
				return
			}
		}
		kind = kindHold // nobody to consult: the agent puts the caller on hold instead
		if cc.res != nil {
			cc.res.Kind = kind
		}
	}
	switch kind {
	case kindSetData:
		g.setCallData(cc, A, t+talk/3)
	case kindHold:
		g.holdRetrieve(cc, A, t+talk/4, g.between(15*sec, 35*sec))
		end += 25 * sec
	}
	t = g.hangUp(cc, A, end, g.rng.IntN(2) == 0)
	if kind == kindLateData {
		// The desktop posts wrap-up data after the call is gone.
		g.request(A.c, t+g.between(2*sec, 5*sec), g.setCallDataReq(cc, A.ext, "Wrap-up: billing question"), g.lat(),
			g.msg("FAILURE_CONF").u("Status", 13).s("Text", fmt.Sprintf("Invalid CallID %d", cc.id)))
	}
	A.busyUntil = g.wrapUp(cc, A, t)
}

// answer: the agent clicks Answer; it returns when the agent is TALKING.
func (g *gen) answer(cc *callCtx, a *agent, t int64) int64 {
	t = g.request(a.c, t, g.msg("ANSWER_CALL_REQ").u("CallID", uint64(cc.id)).u("ConnectionDeviceType", connStatic).
		s("ConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(), g.msg("ANSWER_CALL_CONF"))
	t += g.between(15*ms, 40*ms)
	g.toAgent(a, t, g.established(cc, a.ext, cc.ani, cc.dnis), true, cc.hook(func(c *Call, at int64) {
		if c.Answered.IsZero() {
			c.Answered = g.ts(at)
		}
	}))
	t += g.between(3*ms, 8*ms)
	g.agentState(a, t, stTalking, reasonNone)
	return t
}

// abandon: the caller hangs up while the agent's phone rings. With
// lateClick the agent's Answer click arrives after the caller is gone and
// fails; without it the phone just stops ringing.
func (g *gen) abandon(cc *callCtx, a *agent, t int64, lateClick bool) int64 {
	g.toAgent(a, t-g.between(20*ms, 60*ms), g.connCleared(cc, cc.ani, devIdentifier, 10), true, nil)
	if lateClick {
		t = g.request(a.c, t, g.msg("ANSWER_CALL_REQ").u("CallID", uint64(cc.id)).u("ConnectionDeviceType", connStatic).
			s("ConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(),
			g.msg("CONTROL_FAILURE_CONF").u("FailureCode", 13).u("Unified CCX ErrorCode", 88017).
				s("Text", "Answer failed: the call has no terminal connection"))
	}
	t += g.between(5*ms, 20*ms)
	g.burst(func() {
		g.toAgent(a, t, g.connCleared(cc, a.ext, devAgent, causeNone), true, nil)
		g.toAgent(a, t, g.cleared(cc, a.ext), true, cc.hook(func(c *Call, at int64) { c.Cleared = g.ts(at) }))
		g.toAgent(a, t, g.endCall(cc, a.ext), true, nil)
		g.agentState(a, t, stReady, reasonNone)
	})
	return t
}

// hangUp ends the call: the caller hangs up, or the agent clicks Drop.
func (g *gen) hangUp(cc *callCtx, a *agent, t int64, byAgent bool) int64 {
	if byAgent {
		t = g.request(a.c, t, g.msg("CLEAR_CONNECTION_REQ").u("CallID", uint64(cc.id)).u("ConnectionDeviceType", connStatic).
			s("ConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(), g.msg("CLEAR_CONNECTION_CONF"))
		t += g.between(10*ms, 30*ms)
	} else {
		g.toAgent(a, t, g.connCleared(cc, cc.ani, devIdentifier, causeNone), true, nil)
		t += g.between(5*ms, 20*ms)
	}
	g.burst(func() {
		g.toAgent(a, t, g.connCleared(cc, a.ext, devAgent, causeNone), true, nil)
		g.toAgent(a, t, g.cleared(cc, a.ext), true, cc.hook(func(c *Call, at int64) { c.Cleared = g.ts(at) }))
		g.toAgent(a, t, g.endCall(cc, a.ext), true, nil)
	})
	return t
}

// wrapUp puts the agent in WORK (when the CSQ says so) and back to READY,
// by a click or by the wrap-up timer; it returns when the agent is READY.
func (g *gen) wrapUp(cc *callCtx, a *agent, t int64) int64 {
	t += g.between(5*ms, 15*ms)
	if !cc.q.autoWork {
		g.agentState(a, t, stReady, reasonCallEnded)
		return t
	}
	g.agentState(a, t, stWork, reasonNone)
	t += g.between(8*sec, 25*sec)
	if g.rng.IntN(3) == 0 {
		g.agentState(a, t, stReady, reasonWorkTimerExp)
		return t
	}
	return g.goReady(a, t)
}

func (g *gen) setCallDataReq(cc *callCtx, ext, wrap string) *builder {
	return g.msg("SET_CALL_DATA_REQ").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("CallType", callTypeCCXIn).u("CalledPartyDisposition", dispRedirected).
		s("ConnectionDeviceID", ext).s("CallVariable1", wrap).nv([]namedVar{{"user.Outcome", "resolved"}})
}

// setCallData: the agent tags the call; everyone watching sees the update.
func (g *gen) setCallData(cc *callCtx, a *agent, t int64) {
	t = g.request(a.c, t, g.setCallDataReq(cc, a.ext, "Upgrade offered"), g.lat(), g.msg("SET_CALL_DATA_CONF"))
	cc.vars = append(cc.vars, namedVar{"user.Outcome", "resolved"})
	t += g.between(2*ms, 10*ms)
	b := g.dataUpdate(cc, a.ext, cc.id, a.ext).s("CallVariable2", cc.cv[0])
	g.toAgent(a, t, b, true, nil)
}

func (g *gen) holdRetrieve(cc *callCtx, a *agent, t, held int64) {
	t = g.request(a.c, t, g.msg("HOLD_CALL_REQ").u("CallID", uint64(cc.id)).u("ConnectionDeviceType", connStatic).
		s("ConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(), g.msg("HOLD_CALL_CONF"))
	g.toAgent(a, t+g.between(5*ms, 20*ms), g.held(cc, a.ext), true, nil)
	t += held
	t = g.request(a.c, t, g.msg("RETRIEVE_CALL_REQ").u("HeldCallID", uint64(cc.id)).u("HeldConnectionDeviceType", connStatic).
		s("HeldConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(), g.msg("RETRIEVE_CALL_CONF"))
	g.toAgent(a, t+g.between(5*ms, 20*ms), g.retrieved(cc, a.ext), true, nil)
}

// consult: agent a consults agent b about the call, then transfers it to b
// or conferences b in and leaves. It returns when a is READY again; b's
// busyUntil is set when b is done with the customer.
func (g *gen) consult(cc *callCtx, a, b *agent, t int64, conference bool) int64 {
	ctype := uint64(1)
	if conference {
		ctype = 2
	}
	cons := g.newCall(kindConsult, cc.q, a.ext, cc.id)
	if cc.res != nil {
		cc.res.RelatedCallID = cons.id
		cons.res.AgentID = b.id
		cons.res.DNIS = b.ext
	}
	cons.dnis = b.ext
	cons.port = cc.port

	// The server holds the customer and dials b.
	req := g.msg("CONSULT_CALL_REQ").u("ActiveCallID", uint64(cc.id)).u("ActiveConnectionDeviceType", connStatic).
		u("ConsultType", ctype).s("ActiveConnectionDeviceID", a.ext).s("DialedNumber", b.ext).s("AgentInstrument", a.ext)
	lat := g.lat()
	g.toAgent(a, t+lat-g.between(300*us, 1*ms), g.held(cc, a.ext), true, nil)
	t = g.request(a.c, t, req, lat, g.msg("CONSULT_CALL_CONF").u("NewCallID", uint64(cons.id)).
		u("NewConnectionDeviceType", connStatic).s("NewConnectionDeviceID", a.ext))
	t += g.between(5*ms, 20*ms)
	g.toAgent(a, t, g.originated(cons, a.ext, b.ext), true, nil)
	t += g.between(20*ms, 60*ms)
	g.toAgent(b, t, g.beginCall(cons, b.ext, callTypeConsult, false), false, cons.hook(func(c *Call, at int64) { c.Offered = g.ts(at) }))
	t += g.between(1*ms, 4*ms)
	g.toAgent(b, t, g.delivered(cons, b.ext, devAgent, b.ext, devAgent, "", devNone, causeNewCall, false), true, nil)
	t = g.answer(cons, b, t+g.between(2*sec, 5*sec))

	// They talk, then a completes.
	t += g.between(10*sec, 25*sec)
	var done int64
	if !conference {
		t = g.request(a.c, t, g.msg("TRANSFER_CALL_REQ").u("ActiveCallID", uint64(cons.id)).u("HeldCallID", uint64(cc.id)).
			u("ActiveConnectionDeviceType", connStatic).u("HeldConnectionDeviceType", connStatic).
			s("ActiveConnectionDeviceID", a.ext).s("HeldConnectionDeviceID", a.ext), g.lat(),
			g.msg("TRANSFER_CALL_CONF").u("NewCallID", uint64(cc.id)).u("NewConnectionDeviceType", connStatic).
				u("NumParties", 2).s("NewConnectionDeviceID", b.ext))
		t += g.between(5*ms, 20*ms)
		ev := g.transferred(cc, cons, a.ext, b.ext)
		p := g.pack(ev)
		if p != nil {
			g.push(&item{at: t, kind: kData, c: a.c, d: s2c, p: p, hook: cons.hook(func(c *Call, at int64) { c.Cleared = g.ts(at) })})
			g.push(&item{at: t + g.between(1*ms, 3*ms), kind: kData, c: b.c, d: s2c, p: p})
			g.push(&item{at: t + g.bridgeLag(), kind: kData, c: g.bridge, d: s2c, p: p})
		}
		t += g.between(3*ms, 8*ms)
		g.toAgent(a, t, g.endCall(cons, a.ext), true, nil)
		g.toAgent(a, t+g.between(1*ms, 2*ms), g.endCall(cc, a.ext), false, nil)
		// b's consult call becomes the customer's call.
		g.toAgent(b, t+g.between(2*ms, 6*ms), g.dataUpdate(cons, b.ext, cc.id, b.ext).u("CalledPartyDisposition", dispTransfer), true, nil)
		done = g.wrapUp(cc, a, t+g.between(5*ms, 10*ms))
	} else {
		t = g.request(a.c, t, g.msg("CONFERENCE_CALL_REQ").u("HeldCallID", uint64(cc.id)).u("ActiveCallID", uint64(cons.id)).
			u("HeldConnectionDeviceType", connStatic).u("ActiveConnectionDeviceType", connStatic).u("NumNamedVariables", 0).
			s("ActiveConnectionDeviceID", a.ext).s("HeldConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(),
			g.parties(g.msg("CONFERENCE_CALL_CONF").u("NewCallID", uint64(cc.id)).u("NewConnectionDeviceType", connStatic).
				u("NumParties", 3).s("NewConnectionDeviceID", a.ext), cc.id, cc.ani, a.ext, b.ext))
		t += g.between(5*ms, 20*ms)
		ev := g.conferenced(cc, cons, a.ext, b.ext)
		p := g.pack(ev)
		if p != nil {
			g.push(&item{at: t, kind: kData, c: a.c, d: s2c, p: p, hook: cons.hook(func(c *Call, at int64) { c.Cleared = g.ts(at) })})
			g.push(&item{at: t + g.between(1*ms, 3*ms), kind: kData, c: b.c, d: s2c, p: p})
			g.push(&item{at: t + g.bridgeLag(), kind: kData, c: g.bridge, d: s2c, p: p})
		}
		g.toAgent(b, t+g.between(4*ms, 9*ms), g.dataUpdate(cons, b.ext, cc.id, b.ext).u("CalledPartyDisposition", dispConference), true, nil)
		// Three-way talk, then a drops out.
		t += g.between(15*sec, 30*sec)
		t = g.request(a.c, t, g.msg("CLEAR_CONNECTION_REQ").u("CallID", uint64(cc.id)).u("ConnectionDeviceType", connStatic).
			s("ConnectionDeviceID", a.ext).s("AgentInstrument", a.ext), g.lat(), g.msg("CLEAR_CONNECTION_CONF"))
		t += g.between(10*ms, 30*ms)
		cl := g.pack(g.connCleared(cc, a.ext, devAgent, causeNone))
		if cl != nil {
			g.push(&item{at: t, kind: kData, c: a.c, d: s2c, p: cl})
			g.push(&item{at: t + g.between(1*ms, 3*ms), kind: kData, c: b.c, d: s2c, p: cl})
			g.push(&item{at: t + g.bridgeLag(), kind: kData, c: g.bridge, d: s2c, p: cl})
		}
		t += g.between(2*ms, 5*ms)
		g.toAgent(a, t, g.endCall(cc, a.ext), false, nil)
		done = g.wrapUp(cc, a, t)
	}
	// b finishes with the customer.
	t2 := g.hangUp(cc, b, t+g.between(30*sec, 80*sec), false)
	b.busyUntil = g.wrapUp(cc, b, t2)
	return done
}

// --- call event builders ---------------------------------------------------------

func (g *gen) beginCall(cc *callCtx, dev string, callType uint64, withData bool) *builder {
	b := g.msg("BEGIN_CALL_EVENT").u("NumCTIClients", 1).u("NumNamedArrays", 0).u("CallType", callType).
		u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).u("CalledPartyDisposition", dispRedirected).
		s("ConnectionDeviceID", dev).s("ANI", cc.ani).s("DNIS", cc.dnis).s("DialedNumber", cc.dnis)
	if callType == callTypeConsult {
		b.u("CalledPartyDisposition", dispTransfer)
	}
	if withData {
		b.s("CallerEnteredDigits", cc.ced)
		for i, v := range cc.cv {
			b.s("CallVariable"+strconv.Itoa(i+2), v)
		}
		b.nv(cc.vars)
	} else {
		b.nv(nil)
	}
	return b
}

func (g *gen) delivered(cc *callCtx, dev string, devType uint64, called string, calledType uint64,
	redirect string, redirectType uint64, cause uint64, withData bool) *builder {
	b := g.msg("CALL_DELIVERED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("ApplicationID", uint64(cc.q.app)).u("CSQID", uint64(cc.q.id)).
		u("AlertingDeviceType", devType).u("CallingDeviceType", devIdentifier).u("CalledDeviceType", calledType).
		u("LastRedirectDeviceType", redirectType).u("LocalConnectionState", lcsAlerting).u("EventCause", cause).
		s("ConnectionDeviceID", dev).s("AlertingDeviceID", dev).s("CallingDeviceID", cc.ani).s("CalledDeviceID", called).
		s("LastRedirectDeviceID", redirect).s("ANI", cc.ani).s("DNIS", cc.dnis)
	if withData {
		b.s("CallerEnteredDigits", cc.ced)
		for i, v := range cc.cv {
			b.s("CallVariable"+strconv.Itoa(i+2), v)
		}
		b.nv(cc.vars)
	}
	return b
}

func (g *gen) established(cc *callCtx, dev, calling, called string) *builder {
	return g.msg("CALL_ESTABLISHED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("ApplicationID", uint64(cc.q.app)).u("CSQID", uint64(cc.q.id)).
		u("AnsweringDeviceType", devAgent).u("CallingDeviceType", devIdentifier).u("CalledDeviceType", devRoutePoint).
		u("LastRedirectDeviceType", devCTIPort).u("LocalConnectionState", lcsConnect).u("EventCause", causeNone).
		s("ConnectionDeviceID", dev).s("AnsweringDeviceID", dev).s("CallingDeviceID", calling).s("CalledDeviceID", called).
		s("LastRedirectDeviceID", cc.port)
}

func (g *gen) queued(cc *callCtx) *builder {
	return g.msg("CALL_QUEUED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("ApplicationID", uint64(cc.q.app)).u("QueueDeviceType", devQueue).u("CallingDeviceType", devIdentifier).
		u("CalledDeviceType", devRoutePoint).u("LastRedirectDeviceType", devRoutePoint).u("NumCSQs", 1).
		u("LocalConnectionState", lcsQueued).u("EventCause", causeNone).
		s("ConnectionDeviceID", cc.port).s("QueueDeviceID", cc.q.name).s("CallingDeviceID", cc.ani).
		s("CalledDeviceID", cc.q.dnis).s("LastRedirectDeviceID", cc.q.dnis)
}

func (g *gen) dequeued(cc *callCtx) *builder {
	return g.msg("CALL_DEQUEUED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("ApplicationID", uint64(cc.q.app)).u("QueueDeviceType", devQueue).u("NumQueued", 0).u("NumCSQs", 1).
		u("LocalConnectionState", lcsConnect).u("EventCause", causeRedirected).
		s("ConnectionDeviceID", cc.port).s("QueueDeviceID", cc.q.name)
}

func (g *gen) held(cc *callCtx, dev string) *builder {
	return g.msg("CALL_HELD_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("HoldingDeviceType", devAgent).u("LocalConnectionState", lcsHold).u("EventCause", causeNone).
		s("ConnectionDeviceID", dev).s("HoldingDeviceID", dev)
}

func (g *gen) retrieved(cc *callCtx, dev string) *builder {
	return g.msg("CALL_RETRIEVED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("RetrievingDeviceType", devAgent).u("LocalConnectionState", lcsConnect).u("EventCause", causeNone).
		s("ConnectionDeviceID", dev).s("RetrievingDeviceID", dev)
}

func (g *gen) connCleared(cc *callCtx, dev string, devType, cause uint64) *builder {
	return g.msg("CALL_CONNECTION_CLEARED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).
		u("ReleasingDeviceType", devType).u("LocalConnectionState", lcsNull).u("EventCause", cause).
		s("ConnectionDeviceID", dev).s("ReleasingDeviceID", dev)
}

func (g *gen) cleared(cc *callCtx, dev string) *builder {
	return g.msg("CALL_CLEARED_EVENT").u("CallID", uint64(cc.id)).u("LocalConnectionState", lcsNull).
		u("EventCause", causeNone).s("ConnectionDeviceID", dev)
}

func (g *gen) endCall(cc *callCtx, dev string) *builder {
	return g.msg("END_CALL_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).s("ConnectionDeviceID", dev)
}

func (g *gen) originated(cons *callCtx, from, to string) *builder {
	return g.msg("CALL_ORIGINATED_EVENT").u("ConnectionDeviceType", connStatic).u("CallID", uint64(cons.id)).
		u("CallingDeviceType", devAgent).u("CalledDeviceType", devAgent).u("LocalConnectionState", lcsInitiate).
		u("EventCause", causeNone).s("ConnectionDeviceID", from).s("CallingDeviceID", from).s("CalledDeviceID", to)
}

func (g *gen) dataUpdate(cc *callCtx, dev string, newID uint32, newDev string) *builder {
	return g.msg("CALL_DATA_UPDATE_EVENT").u("NumCTIClients", 1).u("CallType", callTypeCCXIn).
		u("ConnectionDeviceType", connStatic).u("CallID", uint64(cc.id)).u("NewConnectionDeviceType", connStatic).
		u("NewCallID", uint64(newID)).u("CalledPartyDisposition", dispRedirected).
		s("ConnectionDeviceID", dev).s("NewConnectionDeviceID", newDev).s("ANI", cc.ani).s("CallerEnteredDigits", cc.ced).
		nv(cc.vars)
}

// parties adds the ConnectedParty records of a call: the customer and agents.
func (g *gen) parties(b *builder, callID uint32, ani string, exts ...string) *builder {
	b.tag(39, 0, uintVal(uint64(callID))).tag(40, 0, uintVal(connStatic)).tag(41, 0, strVal(ani))
	for _, e := range exts {
		b.tag(39, 0, uintVal(uint64(callID))).tag(40, 0, uintVal(connStatic)).tag(41, 0, strVal(e))
	}
	return b
}

func (g *gen) transferred(cc, cons *callCtx, from, to string) *builder {
	b := g.msg("CALL_TRANSFERRED_EVENT").u("PrimaryDeviceType", connStatic).u("PrimaryCallID", uint64(cc.id)).
		u("NumParties", 2).u("SecondaryDeviceType", connStatic).u("SecondaryCallID", uint64(cons.id)).
		u("TransferringDeviceType", devAgent).u("TransferredDeviceType", devAgent).
		u("LocalConnectionState", lcsConnect).u("EventCause", causeTransfer).
		s("PrimaryDeviceID", from).s("SecondaryDeviceID", from).s("TransferringDeviceID", from).s("TransferredDeviceID", to)
	return g.parties(b, cc.id, cc.ani, to)
}

func (g *gen) conferenced(cc, cons *callCtx, controller, added string) *builder {
	b := g.msg("CALL_CONFERENCED_EVENT").u("PrimaryDeviceType", connStatic).u("PrimaryCallID", uint64(cc.id)).
		u("NumParties", 3).u("SecondaryDeviceType", connStatic).u("SecondaryCallID", uint64(cons.id)).
		u("ControllerDeviceType", devAgent).u("AddedPartyDeviceType", devAgent).
		u("LocalConnectionState", lcsConnect).u("EventCause", causeNone).
		s("PrimaryDeviceID", controller).s("SecondaryDeviceID", controller).
		s("ControllerDeviceID", controller).s("AddedPartyDeviceID", added)
	return g.parties(b, cc.id, cc.ani, controller, added)
}
