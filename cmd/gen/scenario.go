package gen

import (
	"fmt"

	"net/netip"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// Enum values used by the scenario (names as in the catalog).
const (
	stLogin    = 0
	stLogout   = 1
	stNotReady = 2
	stReady    = 3
	stTalking  = 4
	stWork     = 5
	stReserved = 8
	stUnknown  = 9

	reasonNone         = 0
	reasonCallEnded    = 32755 // AGT_CALL_ENDED
	reasonWorkTimerExp = 32758 // AGT_WORK_TIMER_EXP
	reasonLogon        = 32760 // AGT_LOGON
	reasonCloseDesktop = 32766 // CLOSE_FINESSE_DESKTOP

	devIdentifier = 0  // DEVID_DEVICE_IDENTIFIER
	devCTIPort    = 73 // DEVID_CTI_PORT
	devRoutePoint = 74 // DEVID_ROUTE_POINT
	devAgent      = 76 // DEVID_AGENT_DEVICE
	devQueue      = 77 // DEVID_QUEUE
	devNone       = 65535

	connStatic = 0 // CONNECTION_ID_STATIC

	lcsNull     = 0
	lcsInitiate = 1
	lcsAlerting = 2
	lcsConnect  = 3
	lcsHold     = 4
	lcsQueued   = 5

	causeNewCall    = 22
	causeRedirected = 28
	causeTransfer   = 32
	causeNone       = 65535

	callTypeCCXIn   = 1
	callTypeConsult = 12

	dispRedirected = 15
	dispTransfer   = 29
	dispConference = 30

	svcClientEvents  = 0x01
	svcCallData      = 0x02
	svcClientControl = 0x04
	svcAllEvents     = 0x10
	svcConfigEvents  = 0x40000

	allConfigMsgs = 0x0f // agent, CSQ, application and device configuration
)

// allBits is every bit a catalog mask names.
func allBits(mask string) uint64 {
	var v uint64
	if t := dissect.Mask(mask); t != nil {
		for _, b := range t.Values {
			v |= uint64(b.Value)
		}
	}
	return v
}

var (
	allCallMsgs  = allBits("CallMsgMask")
	allAgentMsgs = allBits("AgentStateMask")
)

type agent struct {
	idx         int
	id          string
	first, last string
	ext         string
	c           *conn
	csqs        []uint32
	supervisor  bool
	state       uint16
	since       int64
	busyUntil   int64
}

type csq struct {
	id       uint32
	name     string
	app      uint32
	appName  string
	dnis     string
	autoWork bool
}

type scenario struct {
	agents     []*agent
	csqs       []csq
	nextCallID uint32
	nextPort   int
	calls      []*Call
}

var (
	firstNames = []string{"Maria", "James", "Aisha", "Tomas", "Priya", "Lukas", "Sofia", "Daniel", "Keiko", "Omar", "Elena", "Samuel"}
	lastNames  = []string{"Lopez", "Carter", "Bello", "Novak", "Raman", "Weber", "Rossi", "Kim", "Tanaka", "Haddad", "Petrov", "Okafor"}
	areaCodes  = []string{"212", "312", "415", "469", "512", "617", "702", "801", "919", "971"}
	tiers      = []string{"Gold", "Silver", "Bronze", "Platinum"}
	languages  = []string{"en_US", "en_US", "en_US", "es_US", "fr_CA"}
	numPorts   = 30
)

func (g *gen) between(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + g.rng.Int64N(hi-lo+1)
}

func (g *gen) lat() int64       { return g.between(1500*us, 9*ms) } // a confirm's latency
func (g *gen) bridgeLag() int64 { return g.between(120*us, 600*us) }

// csqTable is the contact center's queues (read only). Agents wrap up in
// WORK after a call of a CSQ with autoWork, and go straight to READY
// otherwise.
var csqTable = []csq{
	{id: 1, name: "CSQ_Sales", app: 1, appName: "Sales_Main", dnis: "5000", autoWork: true},
	{id: 2, name: "CSQ_Support", app: 2, appName: "Support_Main", dnis: "5001", autoWork: true},
	{id: 3, name: "CSQ_Billing", app: 3, appName: "Billing_IVR", dnis: "5002", autoWork: false},
}

// setup builds the cast: CSQs, agents, connections.
func (g *gen) setup() {
	g.csqs = csqTable
	g.nextCallID = 16777300 + uint32(g.rng.IntN(400))
	g.nextPort = g.rng.IntN(numPorts)

	g.bridge = g.newConn(netip.AddrFrom4([4]byte{10, 10, 40, 21}), "CCX-Wallboard-01", nil)
	for i := 0; i < g.cfg.Agents; i++ {
		a := &agent{idx: i, ext: strconv.Itoa(1001 + i), state: stLogout}
		if i < len(firstNames) {
			a.first, a.last = firstNames[i], lastNames[i]
			a.id = strings.ToLower(a.first[:1] + a.last)
		} else {
			a.first, a.last = firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
			a.id = fmt.Sprintf("agent%05d", i)
		}
		a.csqs = []uint32{uint32(1 + i%3), uint32(1 + (i+1)%3)}
		a.supervisor = i == 0
		ip := netip.AddrFrom4([4]byte{10, 10, 30, byte(11 + i)})
		if i >= 200 {
			ip = netip.AddrFrom4([4]byte{10, 11, byte(i / 250), byte(1 + i%250)})
		}
		a.c = g.newConn(ip, "Desktop-"+a.id, a)
		g.agents = append(g.agents, a)
	}
}

func (g *gen) newConn(ip netip.Addr, clientID string, a *agent) *conn {
	c := &conn{index: len(g.conns), clientID: clientID, ag: a,
		client: netip.AddrPortFrom(ip, uint16(49152+g.rng.IntN(16000)))}
	c.seq[c2s], c.seq[s2c] = g.rng.Uint32(), g.rng.Uint32()
	c.ipID[c2s], c.ipID[s2c] = uint16(g.rng.Uint32()), uint16(g.rng.Uint32())
	if g.detail {
		r := Connection{Index: c.index, Mode: "bridge", ClientID: clientID, Client: c.client, Server: c.srv()}
		if a != nil {
			r.Mode, r.AgentID, r.Extension = "agent", a.id, a.ext
		}
		g.res.Connections = append(g.res.Connections, r)
	}
	g.conns = append(g.conns, c)
	return c
}

// --- sending ---------------------------------------------------------------

func (g *gen) sendTo(c *conn, at int64, b *builder, hook func(int, int64)) *packed {
	p := g.pack(b)
	if p != nil {
		g.push(&item{at: at, kind: kData, c: c, d: s2c, p: p, hook: hook})
	}
	return p
}

// toAgent sends a server event to an agent's desktop and, when bridge is
// set, a copy to the bridge client a moment later.
func (g *gen) toAgent(a *agent, at int64, b *builder, bridge bool, hook func(int, int64)) {
	p := g.sendTo(a.c, at, b, hook)
	if p != nil && bridge {
		lag := g.lag
		if lag == 0 {
			lag = g.bridgeLag()
		}
		g.push(&item{at: at + lag, kind: kData, c: g.bridge, d: s2c, p: p})
	}
}

// burst runs fn with one bridge lag for every event it sends: events the
// server emits together reach the bridge together (and may share a segment).
func (g *gen) burst(fn func()) {
	g.lag = g.bridgeLag()
	fn()
	g.lag = 0
}

func (g *gen) toBridge(at int64, b *builder, hook func(int, int64)) { g.sendTo(g.bridge, at, b, hook) }

// request sends a client request and its answer lat later; it returns the
// answer's time.
func (g *gen) request(c *conn, at int64, req *builder, lat int64, resp *builder) int64 {
	s := &slot{}
	if p := g.pack(req); p != nil {
		s.noInvoke = !p.invoke
		g.push(&item{at: at, kind: kData, c: c, d: c2s, p: p, slot: s})
	}
	if p := g.pack(resp); p != nil {
		g.push(&item{at: at + lat, kind: kData, c: c, d: s2c, p: p, slot: s})
	}
	return at + lat
}

// connect queues the three-way handshake; it returns when the client may send.
func (g *gen) connect(c *conn, at int64) int64 {
	rtt := g.between(250*us, 900*us)
	g.push(&item{at: at, kind: kSyn, c: c})
	g.push(&item{at: at + g.between(40*us, 90*us), kind: kSynAck, c: c})
	g.push(&item{at: at + rtt, kind: kEstablish, c: c})
	return at + rtt
}

func (g *gen) disconnect(c *conn, at int64) {
	g.push(&item{at: at, kind: kFin, c: c})
	g.push(&item{at: at + g.between(60*us, 200*us), kind: kFinAck, c: c})
	g.push(&item{at: at + g.between(400*us, 1200*us), kind: kLastAck, c: c})
}

func (g *gen) startHeartbeats(c *conn, at int64) {
	var beat func(at int64)
	beat = func(at int64) {
		if c.closed || at > g.end || c.closeAt != 0 && at >= c.closeAt {
			return
		}
		g.request(c, at, g.msg("HEARTBEAT_REQ"), g.between(350*us, 2500*us), g.msg("HEARTBEAT_CONF"))
		g.pushFunc(at+int64(HeartbeatInterval/1000)+g.between(-4*ms, 4*ms), beat)
	}
	g.pushFunc(at+int64(HeartbeatInterval/1000)+g.between(-4*ms, 4*ms), beat)
}

// --- sessions ------------------------------------------------------------------

func (g *gen) openReq(c *conn, services, callMask, agentMask, configMask uint64) *builder {
	b := g.msg("OPEN_REQ").u("VersionNumber", uint64(g.cfg.Version)).
		u("IdleTimeout", uint64(4*HeartbeatInterval/1e9)).
		u("ServicesRequested", services).u("CallMsgMask", callMask).
		u("AgentStateMask", agentMask).u("ConfigMsgMask", configMask).
		s("ClientID", c.clientID).tag(2, 0, bytesVal(nil))
	if a := c.ag; a != nil {
		b.s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id)
	}
	return b
}

func (g *gen) openConf(c *conn, at int64, services uint64) *builder {
	b := g.msg("OPEN_CONF").u("ServicesGranted", services).u("Unified CCX Online", 1).
		at(4, uint64(g.ts(at).Unix())) // the reserved TIME: the server's clock
	if a := c.ag; a != nil {
		b.u("AgentState", uint64(a.state)).s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id)
	} else {
		b.u("AgentState", stUnknown)
	}
	b.n("NumPeripherals", 1).n("FltPeripheralID", 5000).n("MultilineAgentControl", 0)
	if c.ag == nil {
		b.n("ConfigMsgMaskGranted", allConfigMsgs)
	}
	return b
}

// login opens an agent's session and brings the agent to READY.
func (g *gen) login(a *agent, at int64) {
	c := a.c
	t := g.connect(c, at) + g.between(3*ms, 12*ms)
	svc := uint64(svcClientEvents | svcCallData | svcClientControl)
	t = g.request(c, t, g.openReq(c, svc, allCallMsgs, allAgentMsgs, 0), g.lat(), g.openConf(c, t, svc))
	g.startHeartbeats(c, at)

	t += g.between(40*ms, 150*ms)
	t = g.request(c, t, g.msg("QUERY_AGENT_STATE_REQ").s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id),
		g.lat(), g.msg("QUERY_AGENT_STATE_CONF").u("AgentState", stLogout).u("numCSQs", 0).
			s("AgentExtension", a.ext).s("AgentInstrument", a.ext).s("AgentID", a.id))

	t += g.between(1500*ms, 4*sec) // the agent types the password
	t = g.request(c, t, g.setState(a, stLogin, reasonNone).s("AgentPassword", "********"), g.lat(), g.msg("SET_AGENT_STATE_CONF"))
	t += g.between(5*ms, 25*ms)
	g.burst(func() {
		g.agentState(a, t, stLogin, reasonNone)
		g.agentState(a, t, stNotReady, reasonLogon)
	})

	t += g.between(4*sec, 12*sec)
	a.busyUntil = g.goReady(a, t)
}

// goReady has the agent click Ready; it returns when the agent is READY.
func (g *gen) goReady(a *agent, t int64) int64 {
	t = g.request(a.c, t, g.setState(a, stReady, reasonNone), g.lat(), g.msg("SET_AGENT_STATE_CONF"))
	t += g.between(3*ms, 15*ms)
	g.agentState(a, t, stReady, reasonNone)
	return t
}

func (g *gen) setState(a *agent, state, reason uint64) *builder {
	return g.msg("SET_AGENT_STATE_REQ").u("AgentState", state).u("EventReasonCode", reason).
		u("AgentCapacity", 0).s("AgentInstrument", a.ext).s("AgentID", a.id).s("ActiveTerminal", a.ext)
}

// agentState sends an AGENT_STATE_EVENT to the agent's desktop and the bridge.
func (g *gen) agentState(a *agent, at int64, state, reason uint16) {
	dur := uint64(0)
	if a.since > 0 && at > a.since {
		dur = uint64((at - a.since) / sec)
	}
	a.state, a.since = state, at
	csqState := state
	csqs := a.csqs
	if state == stLogout {
		csqs = nil
	}
	b := g.msg("AGENT_STATE_EVENT").u("CSQState", uint64(csqState)).u("StateDuration", dur).
		u("AgentState", uint64(state)).u("EventReasonCode", uint64(reason)).u("numCSQs", uint64(len(csqs))).
		s("CTIClientSignature", a.c.clientID).s("AgentExtension", a.ext).s("AgentID", a.id).s("ActiveTerminal", a.ext).
		n("Duration", dur)
	if len(csqs) > 0 {
		b.u("CSQID", uint64(csqs[0]))
	}
	for _, id := range csqs {
		b.n("CSQID", uint64(id)).n("CSQState", uint64(csqState))
	}
	g.sendAgentState(a, at, b, state, reason)
}

// sendAgentState sends an agent's AGENT_STATE_EVENT b to its own session
// and the bridges, and records the change when the run keeps details.
func (g *gen) sendAgentState(a *agent, at int64, b *builder, state, reason uint16) {
	var hook func(int, int64)
	if g.detail {
		hook = func(frame int, at int64) {
			name := "AGENT_STATE_" + strconv.Itoa(int(state))
			if n, ok := g.agentStateName(state); ok {
				name = n
			}
			g.res.AgentStates = append(g.res.AgentStates, AgentStateChange{Frame: frame, Time: g.ts(at), Conn: a.c.index,
				AgentID: a.id, Extension: a.ext, State: name, StateValue: state, ReasonCode: reason})
		}
	}
	g.toAgent(a, at, b, true, hook)
}

// logout logs the agent out and closes its session.
func (g *gen) logout(a *agent, t int64) {
	g.closeAgentSession(a, t, g.setState(a, stLogout, reasonCloseDesktop), func(t int64) {
		g.agentState(a, t, stLogout, reasonCloseDesktop)
	})
}

// closeAgentSession asks for the logout (logoutReq), lets the server
// announce it (loggedOut), then closes the session and the connection.
func (g *gen) closeAgentSession(a *agent, t int64, logoutReq *builder, loggedOut func(at int64)) {
	c := a.c
	c.closeAt = t
	t = g.request(c, t, logoutReq, g.lat(), g.msg("SET_AGENT_STATE_CONF"))
	t += g.between(4*ms, 15*ms)
	loggedOut(t)
	t += g.between(150*ms, 400*ms)
	t = g.request(c, t, g.msg("CLOSE_REQ").u("Status", 0), g.between(800*us, 3*ms), g.msg("CLOSE_CONF"))
	g.disconnect(c, t+g.between(20*ms, 60*ms))
}

// bridgeSession opens the wallboard's session and uploads the configuration.
func (g *gen) bridgeSession(at int64) {
	c := g.bridge
	t := g.connect(c, at) + g.between(2*ms, 6*ms)
	svc := uint64(svcAllEvents | svcConfigEvents)
	t = g.request(c, t, g.openReq(c, svc, allCallMsgs, allAgentMsgs, allConfigMsgs), g.lat(), g.openConf(c, t, svc))
	g.startHeartbeats(c, at)

	keys := func(b *builder) *builder {
		return b.tag(177, 0, keyVal(0x2026030100000011)).tag(178, 0, keyVal(0x2026030100000007)).
			tag(179, 0, keyVal(0x2026030100000000+uint64(len(g.agents)))).tag(180, 0, keyVal(0x2026021500000042))
	}
	t += g.between(20*ms, 60*ms)
	t = g.request(c, t, g.msg("CONFIG_REQUEST_KEY_EVENT").u("reserved", 0), g.between(2*ms, 6*ms),
		keys(g.msg("CONFIG_KEY_EVENT").u("Status", 0)))
	t += g.between(10*ms, 30*ms)
	s := &slot{noInvoke: true}
	g.push(&item{at: t, kind: kData, c: c, d: c2s, slot: s,
		p: g.pack(g.msg("CONFIG_REQUEST_EVENT").u("ConfigurationMask", 0x0f).u("reserved", 0).tag(131, 0, uintVal(0)))})
	t += g.lat()
	g.toBridge(t, keys(g.msg("CONFIG_BEGIN_EVENT").u("ConfigType", 1).u("ConfigurationMask", 0x0f)), nil)
	for _, b := range g.configApplications() {
		t += g.between(300*us, 2*ms)
		g.toBridge(t, b, nil)
	}
	for _, b := range g.configCSQs() {
		t += g.between(300*us, 2*ms)
		g.toBridge(t, b, nil)
	}
	for _, b := range g.configAgents() {
		t += g.between(300*us, 2*ms)
		g.toBridge(t, b, nil)
	}
	for _, b := range g.configDevices() {
		t += g.between(300*us, 2*ms)
		g.toBridge(t, b, nil)
	}
	t += g.between(300*us, 2*ms)
	g.toBridge(t, g.msg("CONFIG_END_EVENT").u("Status", 0), nil)

	// Teams: the supervisor's team with every agent, and the CSQs it watches.
	t += g.between(30*ms, 80*ms)
	s = &slot{}
	g.push(&item{at: t, kind: kData, c: c, d: c2s, slot: s,
		p: g.pack(g.msg("TEAM_CONFIG_REQ").u("ConfigParam", 1))})
	for _, team := range g.teams() {
		t += g.between(800*us, 3*ms)
		g.toBridge(t, team, nil)
	}
	t += g.between(500*us, 2*ms)
	g.push(&item{at: t, kind: kData, c: c, d: s2c, slot: s, p: g.pack(g.msg("TEAM_CONFIG_CONF").u("Status", 0))})
}

// chunk splits n records into messages of at most per records.
func chunk(n, per int, fn func(lo, hi int)) {
	for lo := 0; lo < n; lo += per {
		fn(lo, min(lo+per, n))
	}
}

func (g *gen) configApplications() []*builder {
	b := g.msg("CONFIG_APPLICATION_EVENT").u("NumRecords", uint64(len(g.csqs)))
	for _, q := range g.csqs {
		b.tag(183, 0, uintVal(0)).tag(184, 0, uintVal(uint64(q.app))).tag(129, 0, uintVal(25)).
			tag(133, 0, strVal(q.appName)).tag(134, 0, strVal("Inbound "+strings.TrimPrefix(q.name, "CSQ_")+" ("+q.dnis+")"))
	}
	return []*builder{b}
}

func (g *gen) configCSQs() []*builder {
	b := g.msg("CONFIG_CSQ_EVENT").u("NumRecords", uint64(len(g.csqs)))
	for _, q := range g.csqs {
		aw := uint64(0)
		if q.autoWork {
			aw = 1
		}
		b.tag(183, 0, uintVal(0))
		if g.cfg.Version >= 11 {
			b.tag(184, 0, uintVal(uint64(q.id)))
		}
		b.tag(184, 1, uintVal(uint64(q.id))).tag(185, 0, uintVal(aw)).tag(133, 0, strVal(q.name)).
			tag(134, 0, strVal(strings.TrimPrefix(q.name, "CSQ_")+" queue")).tag(216, 0, uintVal(0))
	}
	return []*builder{b}
}

func (g *gen) configAgents() []*builder {
	var out []*builder
	chunk(len(g.agents), 12, func(lo, hi int) {
		b := g.msg("CONFIG_AGENT_EVENT").u("NumRecords", uint64(hi-lo))
		for _, a := range g.agents[lo:hi] {
			typ := uint64(1)
			if a.supervisor {
				typ = 2
			}
			b.tag(183, 0, uintVal(0)).tag(189, 0, uintVal(typ)).tag(190, 0, strVal(a.id)).
				tag(138, 0, strVal(a.last)).tag(137, 0, strVal(a.first)).tag(173, 0, strVal(a.ext)).
				tag(191, 0, uintVal(uint64(len(a.csqs))))
			for _, q := range a.csqs {
				b.tag(62, 0, uintVal(uint64(q)))
			}
		}
		out = append(out, b)
	})
	return out
}

type device struct {
	typ   uint64 // ConfigDeviceType
	id    uint64
	group uint64
	dn    string
	label string
	desc  string
}

func (g *gen) devices() []device {
	var ds []device
	for _, q := range g.csqs {
		ds = append(ds, device{typ: 5, id: uint64(q.app), group: 1, dn: q.dnis, label: "RP_" + q.dnis, desc: q.appName + " trigger"})
	}
	ds = append(ds, device{typ: 7, id: 1, group: 1, dn: "7001", label: "CCG_Main", desc: "Call control group 1"})
	for i := 0; i < numPorts; i++ {
		dn := strconv.Itoa(7001 + i)
		ds = append(ds, device{typ: 6, id: uint64(100 + i), group: 1, dn: dn, label: "CTIP_" + dn, desc: "CTI port " + dn})
	}
	for _, a := range g.agents {
		ds = append(ds, device{typ: 3, id: uint64(1001 + a.idx), group: 0, dn: a.ext, label: "SEP" + strings.ToUpper(fmt.Sprintf("00263E%06X", 0x4a1000+a.idx)), desc: a.first + " " + a.last})
	}
	return ds
}

func (g *gen) configDevices() []*builder {
	ds := g.devices()
	var out []*builder
	// 40 records make a message of about 2 KB: more than one TCP segment.
	chunk(len(ds), 40, func(lo, hi int) {
		b := g.msg("CONFIG_DEVICE_EVENT").u("NumRecords", uint64(hi-lo))
		for _, d := range ds[lo:hi] {
			b.tag(183, 0, uintVal(0)).tag(184, 0, uintVal(d.id)).tag(195, 0, uintVal(d.typ)).
				tag(193, 0, uintVal(d.group)).tag(11, 0, strVal(d.dn)).tag(173, 0, strVal(d.label)).tag(134, 0, strVal(d.desc))
		}
		out = append(out, b)
	})
	return out
}

func (g *gen) teams() []*builder {
	var out []*builder
	chunk(len(g.agents), 40, func(lo, hi int) {
		team := lo/40 + 1
		b := g.msg("TEAM_CONFIG_EVENT").u("TeamID", uint64(team)).u("NumRecords", uint64(hi-lo)).u("Operation", 1).
			tag(204, 0, strVal(fmt.Sprintf("Team_%02d", team)))
		for _, a := range g.agents[lo:hi] {
			flags := uint64(0)
			if a.supervisor {
				flags = 1 | 4
			}
			b.tag(194, 0, strVal(a.id)).tag(87, 0, uintVal(flags)).tag(183, 0, uintVal(0)).tag(205, 0, uintVal(1))
		}
		out = append(out, b)
	})
	return out
}

// systemEvent tells every open session that a CTI port went out of service
// and came back.
func (g *gen) systemEvent(at int64) {
	port := strconv.Itoa(7001 + numPorts - 2)
	send := func(at int64, id uint64, text string) {
		for _, c := range g.conns {
			if !c.open || c.closeAt != 0 && at >= c.closeAt {
				continue
			}
			b := g.msg("SYSTEM_EVENT").u("CCXStatus", 1024).u("CCXTime", uint64(g.ts(at).Unix())).
				u("SystemEventID", id).u("SystemEventArg1", 100+uint64(numPorts-2)).u("EventDeviceType", devCTIPort).
				s("Text", text).s("EventDeviceID", port)
			g.sendTo(c, at+g.between(0, 400*us), b, nil)
		}
	}
	send(at, 10, "CTI port "+port+" is out of service")
	g.pushFunc(at+g.between(15*sec, 25*sec), func(at int64) { send(at, 11, "CTI port "+port+" is back in service") })
}
