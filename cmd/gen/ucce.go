package gen

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// The UCCE scenario: a Unified CCE peripheral gateway's CTI Server with a
// CTI OS / Finesse-style server in bridge mode (CTI_SERVICE_ALL_EVENTS)
// and agent-mode desktops (CTI_SERVICE_CLIENT_EVENTS) that log in, take
// routed calls and go home. Every message is built from the UCCE catalog
// at the session's version, so layouts, DepartmentID (version 19 on) and
// the 2+2 floating headers (version 20 on) follow the catalog.

// UCCE values the scenario uses (names as in catalog-ucce.json).
const (
	ucceStLogin     = 0 // AGENT_STATE_LOGIN
	ucceStLogout    = 1 // AGENT_STATE_LOGOUT
	ucceStNotReady  = 2 // AGENT_STATE_NOT_READY
	ucceStAvailable = 3 // AGENT_STATE_AVAILABLE
	ucceStTalking   = 4 // AGENT_STATE_TALKING
	ucceStWorkNR    = 5 // AGENT_STATE_WORK_NOT_READY
	ucceStReserved  = 8 // AGENT_STATE_RESERVED
	ucceStUnknown   = 9 // AGENT_STATE_UNKNOWN

	ucceReasonLogon    = 50002 // a typical configured "logged on" not-ready reason
	ucceReasonEndShift = 999   // a configured logout reason code

	ucceAWMManualIn    = 2  // AgentWorkMode AWM_MANUAL_IN
	uccePTEnterprise   = 17 // PeripheralType PT_ENTERPRISE_AGENT (a CUCM PG)
	ucceCallTypeACD    = 2  // CallType CALLTYPE_PREROUTE_ACD_IN: routed by the router
	ucceConnDynamic    = 1  // ConnectionDeviceIDType CONNECTION_ID_DYNAMIC
	ucceCauseNewCall   = 22 // EventCause CEC_NEW_CALL
	ucceCauseRedirect  = 28 // CEC_REDIRECTED
	ucceDispHandled    = 13 // Disposition DISP_DISCONNECT_DROP_HANDLED_PRIMARY_ROUTE
	ucceSysHalfHour    = 9  // SystemEventID SYS_HALF_HOUR_CHANGE
	uccePeripheralID   = 5000
	ucceMRDVoice       = 1 // the voice media routing domain
	ucceClientEventsNR = 0 // ClientEventReportState NORMAL
	ucceDepartmentID   = 7 // the agents' department (a v19+ field)
)

// UCCE masks: every bit the catalog names.
func (g *gen) ucceAllBits(mask string) uint64 {
	var v uint64
	if t := g.cat.Mask(mask); t != nil {
		for _, b := range t.Values {
			v |= uint64(b.Value)
		}
	}
	return v
}

// ucceSkill is a skill group of the UCCE cast.
type ucceSkill struct {
	number, id uint32
	name       string
	dnis       string
}

// ucceCall is what the messages of one UCCE call share.
type ucceCall struct {
	id      uint32 // ConnectionCallID
	dev     string // ConnectionDeviceID: the agent's extension
	ani     string
	dnis    string
	skill   ucceSkill
	rckDay  uint32 // RouterCallKey: day, call ID, sequence
	rckCall uint32
	res     *Call
}

func (cc *ucceCall) hook(set func(c *Call, t int64)) func(int, int64) {
	if cc.res == nil {
		return nil
	}
	return func(_ int, at int64) { set(cc.res, at) }
}

var ucceSkills = []ucceSkill{
	{number: 101, id: 5101, name: "SG_Sales", dnis: "8005550100"},
	{number: 102, id: 5102, name: "SG_Support", dnis: "8005550101"},
}

// setupUCCE builds the UCCE cast: the bridge-mode CTI OS server and the
// agent desktops, with numeric agent IDs as UCCE peripherals use.
func (g *gen) setupUCCE() {
	g.nextCallID = 1200000 + uint32(g.rng.IntN(5000))
	g.bridge = g.newConn(netip.AddrFrom4([4]byte{10, 10, 40, 31}), "CTIOS-PG1A", nil)
	for i := 0; i < g.cfg.Agents; i++ {
		a := &agent{idx: i, id: strconv.Itoa(6001 + i), ext: strconv.Itoa(3001 + i), state: ucceStLogout,
			first: firstNames[i%len(firstNames)], last: lastNames[i%len(lastNames)]}
		a.csqs = []uint32{uint32(i % len(ucceSkills))}
		a.c = g.newConn(netip.AddrFrom4([4]byte{10, 10, 30, byte(41 + i)}), "Desktop-"+a.id, a)
		g.agents = append(g.agents, a)
	}
}

func (g *gen) runUCCE() {
	g.setupUCCE()
	g.ucceBridgeSession(700*ms + g.between(0, 300*ms))
	for i, a := range g.agents {
		g.ucceLogin(a, 3*sec+int64(i)*6*sec+g.between(0, 3*sec))
	}
	dur := g.cfg.Duration.Microseconds()
	g.pushFunc(dur/2, g.ucceSystemEvent)
	g.spreadCalls(40*sec, 90*sec, dur, g.ucceCall)
	g.closeDay(dur, g.ucceLogout)
}

// --- sessions ------------------------------------------------------------

// ucceOpenReq is UCCE's OPEN_REQ: PeripheralID in the fixed part and the
// three reserved UINTs after ConfigMsgMask that UCCX's lacks.
func (g *gen) ucceOpenReq(c *conn, services uint64) *builder {
	b := g.msg("OPEN_REQ").u("VersionNumber", uint64(g.cfg.Version)).
		u("IdleTimeout", uint64(4*HeartbeatInterval/1e9)).u("PeripheralID", uccePeripheralID).
		u("ServicesRequested", services).u("CallMsgMask", g.ucceAllBits("CallEventMessageMask")).
		u("AgentStateMask", g.ucceAllBits("AgentStateMask")).u("ConfigMsgMask", 0).
		u("Reserved1", 0).u("Reserved2", 0).u("Reserved3", 0).
		s("ClientID", c.clientID).tag(2, 0, bytesVal(nil)).s("ClientSignature", c.clientID)
	if a := c.ag; a != nil {
		b.s("AgentExtension", a.ext).s("AgentID", a.id).s("AgentInstrument", a.ext)
	}
	return b
}

func (g *gen) ucceOpenConf(c *conn, at int64, services uint64) *builder {
	b := g.msg("OPEN_CONF").u("ServicesGranted", services).u("MonitorID", 0).u("PGStatus", 0).
		u("ICMCentralControllerTime", uint64(g.ts(at).Unix())).u("PeripheralOnline", 1).
		u("PeripheralType", uccePTEnterprise).u("DepartmentID", 0)
	if a := c.ag; a != nil {
		b.u("AgentState", uint64(a.state)).u("DepartmentID", ucceDepartmentID).
			s("AgentExtension", a.ext).s("AgentID", a.id).s("AgentInstrument", a.ext)
	} else {
		b.u("AgentState", ucceStUnknown)
	}
	return b.n("FltPeripheralID", uccePeripheralID).n("MultilineAgentControl", 0).n("NumPeripherals", 1)
}

// ucceBridgeSession opens the CTI OS server's all-events session and has
// it report its own state with CLIENT_EVENT_REPORT_REQ, a UCCE-only
// request.
func (g *gen) ucceBridgeSession(at int64) {
	c := g.bridge
	t := g.connect(c, at) + g.between(2*ms, 6*ms)
	svc := uint64(svcAllEvents | svcCallData | svcClientControl)
	t = g.request(c, t, g.ucceOpenReq(c, svc), g.lat(), g.ucceOpenConf(c, t, svc))
	g.startHeartbeats(c, at)
	t += g.between(30*ms, 90*ms)
	g.request(c, t, g.msg("CLIENT_EVENT_REPORT_REQ").u("ClientEventState", ucceClientEventsNR).
		s("Text", "CTI OS server CTIOS-PG1A connected to CTI Server").s("ObjectName", "CTIOS-PG1A"),
		g.lat(), g.msg("CLIENT_EVENT_REPORT_CONF"))
}

// ucceLogin opens an agent desktop's session, logs the agent in and makes
// the agent available.
func (g *gen) ucceLogin(a *agent, at int64) {
	c := a.c
	t := g.connect(c, at) + g.between(3*ms, 12*ms)
	svc := uint64(svcClientEvents | svcCallData | svcClientControl)
	t = g.request(c, t, g.ucceOpenReq(c, svc), g.lat(), g.ucceOpenConf(c, t, svc))
	g.startHeartbeats(c, at)

	t += g.between(40*ms, 150*ms)
	t = g.request(c, t, g.msg("QUERY_AGENT_STATE_REQ").u("PeripheralID", uccePeripheralID).u("MRDID", ucceMRDVoice).
		s("AgentExtension", a.ext).s("AgentID", a.id).s("AgentInstrument", a.ext),
		g.lat(), g.msg("QUERY_AGENT_STATE_CONF").u("AgentState", ucceStLogout).u("NumSkillGroups", 0).
			u("MRDID", ucceMRDVoice).u("ICMAgentID", uint64(g.skillTarget(a))).u("DepartmentID", ucceDepartmentID).
			s("AgentExtension", a.ext).s("AgentID", a.id).s("AgentInstrument", a.ext))

	t += g.between(1500*ms, 4*sec) // the agent types the password
	t = g.request(c, t, g.ucceSetState(a, ucceStLogin, 0).s("AgentPassword", "********"), g.lat(), g.msg("SET_AGENT_STATE_CONF"))
	t += g.between(5*ms, 25*ms)
	g.burst(func() {
		g.ucceAgentState(a, t, ucceStLogin, 0)
		g.ucceAgentState(a, t, ucceStNotReady, ucceReasonLogon)
	})
	t += g.between(4*sec, 12*sec)
	a.busyUntil = g.ucceAvailable(a, t)
}

func (g *gen) ucceAvailable(a *agent, t int64) int64 {
	t = g.request(a.c, t, g.ucceSetState(a, ucceStAvailable, 0), g.lat(), g.msg("SET_AGENT_STATE_CONF"))
	t += g.between(3*ms, 15*ms)
	g.ucceAgentState(a, t, ucceStAvailable, 0)
	return t
}

// skillTarget is the agent's ICM SkillTargetID.
func (g *gen) skillTarget(a *agent) uint32 { return 5300 + uint32(a.idx) }

func (g *gen) ucceSetState(a *agent, state, reason uint64) *builder {
	return g.msg("SET_AGENT_STATE_REQ").u("PeripheralID", uccePeripheralID).u("AgentState", state).
		u("AgentWorkMode", ucceAWMManualIn).u("NumSkillGroups", 0).u("EventReasonCode", reason).
		s("AgentID", a.id).s("AgentInstrument", a.ext)
}

// ucceAgentState sends an AGENT_STATE_EVENT to the agent's desktop and the
// bridge; from version 19 it carries the agent's DepartmentID.
func (g *gen) ucceAgentState(a *agent, at int64, state, reason uint16) {
	dur := uint64(0)
	if a.since > 0 && at > a.since {
		dur = uint64((at - a.since) / sec)
	}
	a.state, a.since = state, at
	sk := ucceSkills[a.csqs[0]]
	b := g.msg("AGENT_STATE_EVENT").u("MonitorID", 0).u("PeripheralID", uccePeripheralID).
		u("SessionID", uint64(a.c.index+1)).u("PeripheralType", uccePTEnterprise).u("SkillGroupState", uint64(state)).
		u("StateDuration", dur).u("SkillGroupNumber", uint64(sk.number)).u("SkillGroupID", uint64(sk.id)).
		u("AgentState", uint64(state)).u("EventReasonCode", uint64(reason)).u("MRDID", ucceMRDVoice).
		u("AgentMode", 1).u("MaxTaskLimit", 1).u("ICMAgentID", uint64(g.skillTarget(a))).
		u("DepartmentID", ucceDepartmentID).
		s("ClientSignature", a.c.clientID).s("AgentExtension", a.ext).s("AgentID", a.id).s("AgentInstrument", a.ext).
		n("Duration", dur)
	if state != ucceStLogout {
		b.u("NumFltSkillGroups", 1).n("SkillGroupNumber", uint64(sk.number)).n("SkillGroupID", uint64(sk.id)).
			n("SkillGroupPriority", 0).n("SkillGroupState", uint64(state))
	}
	g.sendAgentState(a, at, b, state, reason)
}

func (g *gen) ucceLogout(a *agent, t int64) {
	g.closeAgentSession(a, t, g.ucceSetState(a, ucceStLogout, ucceReasonEndShift), func(t int64) {
		g.ucceAgentState(a, t, ucceStLogout, ucceReasonEndShift)
	})
}

// ucceSystemEvent: the half-hour boundary every open session hears of.
func (g *gen) ucceSystemEvent(at int64) {
	for _, c := range g.conns {
		if !c.open || c.closeAt != 0 && at >= c.closeAt {
			continue
		}
		b := g.msg("SYSTEM_EVENT").u("PGStatus", 0).u("ICMCentralControllerTime", uint64(g.ts(at).Unix())).
			u("SystemEventID", ucceSysHalfHour).u("EventDeviceType", devNone)
		g.sendTo(c, at+g.between(0, 400*us), b, nil)
	}
}

// --- calls ---------------------------------------------------------------

// ucceCall routes one call to the longest-available agent: the router's
// pre-call, the call's arrival and ringing at the agent, the answer, wrap-up
// data set by the desktop on every other call, the hang-up and the end of
// the call, then wrap-up and back to available.
func (g *gen) ucceCall(at int64, k int) {
	var a *agent
	for _, b := range g.agents {
		if b.c.closeAt == 0 && (a == nil || b.busyUntil < a.busyUntil) {
			a = b
		}
	}
	if a == nil {
		return
	}
	cc := &ucceCall{id: g.newCallID(), dev: a.ext, ani: g.ani(), skill: ucceSkills[a.csqs[0]],
		rckDay: 150000 + uint32(g.cfg.Start.YearDay()), rckCall: 4000 + uint32(k)}
	cc.dnis = cc.skill.dnis
	if g.detail {
		cc.res = &Call{CallID: cc.id, Kind: kindInbound, ANI: cc.ani, DNIS: cc.dnis, CSQID: cc.skill.number, AgentID: a.id}
		if k%2 == 1 {
			cc.res.Kind = kindSetData
		}
		g.calls = append(g.calls, cc.res)
	}
	t := max(at, a.busyUntil+g.between(300*ms, 1200*ms))
	g.ucceAgentState(a, t, ucceStReserved, 0)
	t += g.between(2*ms, 6*ms)
	g.toAgent(a, t, g.uccePreCall(cc, a), true, nil)
	t += g.between(30*ms, 80*ms)
	g.burst(func() {
		g.toAgent(a, t, g.ucceBeginCall(cc, a), true, cc.hook(func(c *Call, at int64) { c.Offered = g.ts(at) }))
		g.toAgent(a, t, g.ucceDelivered(cc, a), true, nil)
	})

	t += g.between(2500*ms, 6*sec) // ringing
	t = g.request(a.c, t, g.msg("ANSWER_CALL_REQ").u("PeripheralID", uccePeripheralID).u("ConnectionCallID", uint64(cc.id)).
		u("ConnectionDeviceIDType", ucceConnDynamic).s("AgentInstrument", a.ext).s("ConnectionDeviceID", cc.dev),
		g.lat(), g.msg("ANSWER_CALL_CONF"))
	t += g.between(15*ms, 40*ms)
	g.burst(func() {
		g.toAgent(a, t, g.ucceEstablished(cc, a), true, cc.hook(func(c *Call, at int64) { c.Answered = g.ts(at) }))
	})
	t += g.between(3*ms, 8*ms)
	g.ucceAgentState(a, t, ucceStTalking, 0)

	talk := g.between(40*sec, 100*sec)
	if k%2 == 1 {
		// The desktop records the caller's account number part-way through.
		at := t + talk/3
		req := g.msg("SET_CALL_DATA_REQ").u("PeripheralID", uccePeripheralID).u("ConnectionDeviceIDType", ucceConnDynamic).
			u("ConnectionCallID", uint64(cc.id)).u("CallType", ucceCallTypeACD).u("CalledPartyDisposition", ucceDispHandled).
			s("ConnectionDeviceID", cc.dev).s("CallVariable3", fmt.Sprintf("AC%07d", g.rng.IntN(10000000))).
			s("CustomerAccountNumber", fmt.Sprintf("%09d", g.rng.IntN(1000000000)))
		done := g.request(a.c, at, req, g.lat(), g.msg("SET_CALL_DATA_CONF"))
		g.toAgent(a, done+g.between(1*ms, 4*ms), g.ucceDataUpdate(cc, a), true, nil)
	}
	t += talk
	byAgent := g.rng.IntN(2) == 0
	if byAgent {
		t = g.request(a.c, t, g.msg("CLEAR_CONNECTION_REQ").u("PeripheralID", uccePeripheralID).
			u("ConnectionCallID", uint64(cc.id)).u("ConnectionDeviceIDType", ucceConnDynamic).
			s("AgentInstrument", a.ext).s("ConnectionDeviceID", cc.dev), g.lat(), g.msg("CLEAR_CONNECTION_CONF"))
		t += g.between(5*ms, 20*ms)
	}
	releasing := cc.ani
	if byAgent {
		releasing = a.ext
	}
	g.burst(func() {
		g.toAgent(a, t, g.ucceCallEvent("CALL_CONNECTION_CLEARED_EVENT", cc).u("ReleasingDeviceType", devIdentifier).
			u("LocalConnectionState", lcsNull).u("EventCause", causeNone).s("ReleasingDeviceID", releasing), true, nil)
		g.toAgent(a, t, g.ucceCallEvent("CALL_CLEARED_EVENT", cc).u("LocalConnectionState", lcsNull).u("EventCause", causeNone),
			true, cc.hook(func(c *Call, at int64) { c.Cleared = g.ts(at) }))
		g.toAgent(a, t, g.ucceCallEvent("END_CALL_EVENT", cc), true, nil)
	})
	t += g.between(5*ms, 15*ms)
	g.ucceAgentState(a, t, ucceStWorkNR, 0)
	t += g.between(8*sec, 20*sec)
	a.busyUntil = g.ucceAvailable(a, t)
}

// ucceCallEvent starts a call event with the fields every UCCE call event
// opens with.
func (g *gen) ucceCallEvent(name string, cc *ucceCall) *builder {
	return g.msg(name).u("MonitorID", 0).u("PeripheralID", uccePeripheralID).u("PeripheralType", uccePTEnterprise).
		u("ConnectionDeviceIDType", ucceConnDynamic).u("ConnectionCallID", uint64(cc.id)).s("ConnectionDeviceID", cc.dev)
}

// routerKey adds the call's RouterCallKey.
func (cc *ucceCall) routerKey(b *builder) *builder {
	return b.n("RouterCallKeyDay", uint64(cc.rckDay)).n("RouterCallKeyCallID", uint64(cc.rckCall)).n("RouterCallKeySequenceNumber", 0)
}

func (cc *ucceCall) vars() []namedVar {
	return []namedVar{{"user.CustomerTier", tiers[int(cc.id)%len(tiers)]}, {"user.Language", languages[int(cc.id)%len(languages)]}}
}

// uccePreCall is the router's AGENT_PRE_CALL_EVENT: the call's data,
// before the call reaches the agent's phone.
func (g *gen) uccePreCall(cc *ucceCall, a *agent) *builder {
	b := g.msg("AGENT_PRE_CALL_EVENT").u("MonitorID", 0).u("ServiceNumber", 0).u("ServiceID", 0).
		u("SkillGroupNumber", uint64(cc.skill.number)).u("SkillGroupID", uint64(cc.skill.id)).u("MRDID", ucceMRDVoice).
		u("AgentSkillTargetID", uint64(g.skillTarget(a))).
		s("AgentID", a.id).s("AgentInstrument", a.ext).s("ANI", cc.ani).s("DialedNumber", cc.dnis).
		s("CallVariable1", strings.TrimPrefix(cc.skill.name, "SG_"))
	cc.routerKey(b)
	return b.nv(cc.vars())
}

func (g *gen) ucceBeginCall(cc *ucceCall, a *agent) *builder {
	b := g.ucceCallEvent("BEGIN_CALL_EVENT", cc).u("NumCTIClients", 1).u("CallType", ucceCallTypeACD).
		u("CalledPartyDisposition", ucceDispHandled).
		s("ANI", cc.ani).s("DNIS", cc.dnis).s("DialedNumber", cc.dnis).
		s("CallVariable1", strings.TrimPrefix(cc.skill.name, "SG_")).s("CTIClientSignature", a.c.clientID)
	cc.routerKey(b)
	return b.nv(cc.vars())
}

func (g *gen) ucceDelivered(cc *ucceCall, a *agent) *builder {
	return g.ucceCallEvent("CALL_DELIVERED_EVENT", cc).u("LineHandle", 0).u("LineType", 0).
		u("SkillGroupNumber", uint64(cc.skill.number)).u("SkillGroupID", uint64(cc.skill.id)).
		u("AlertingDeviceType", devIdentifier).u("CallingDeviceType", devIdentifier).u("CalledDeviceType", devIdentifier).
		u("LastRedirectDeviceType", devIdentifier).u("LocalConnectionState", lcsAlerting).u("EventCause", ucceCauseRedirect).
		s("ANI", cc.ani).s("DNIS", cc.dnis).s("DialedNumber", cc.dnis).
		s("AlertingDeviceID", a.ext).s("CallingDeviceID", cc.ani).s("CalledDeviceID", a.ext).s("LastRedirectDeviceID", cc.dnis)
}

func (g *gen) ucceEstablished(cc *ucceCall, a *agent) *builder {
	return g.ucceCallEvent("CALL_ESTABLISHED_EVENT", cc).u("LineHandle", 0).u("LineType", 0).
		u("SkillGroupNumber", uint64(cc.skill.number)).u("SkillGroupID", uint64(cc.skill.id)).
		u("AnsweringDeviceType", devIdentifier).u("CallingDeviceType", devIdentifier).u("CalledDeviceType", devIdentifier).
		u("LastRedirectDeviceType", devIdentifier).u("LocalConnectionState", lcsConnect).u("EventCause", ucceCauseNewCall).
		s("CallingDeviceID", cc.ani).s("CalledDeviceID", a.ext).s("LastRedirectDeviceID", cc.dnis).s("AnsweringDeviceID", a.ext)
}

// ucceDataUpdate is the CALL_DATA_UPDATE_EVENT after SET_CALL_DATA_REQ,
// with UCCE's CampaignID and QueryRuleID (zero: not an outbound call).
func (g *gen) ucceDataUpdate(cc *ucceCall, a *agent) *builder {
	b := g.ucceCallEvent("CALL_DATA_UPDATE_EVENT", cc).u("NumCTIClients", 1).u("CallType", ucceCallTypeACD).
		u("NewConnectionDeviceIDType", ucceConnDynamic).u("NewConnectionCallID", uint64(cc.id)).
		u("CalledPartyDisposition", ucceDispHandled).u("CampaignID", 0).u("QueryRuleID", 0).
		s("ANI", cc.ani).s("DNIS", cc.dnis).s("CTIClientSignature", a.c.clientID).s("NewConnectionDeviceID", cc.dev)
	return cc.routerKey(b)
}
