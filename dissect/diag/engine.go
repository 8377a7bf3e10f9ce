package diag

import (
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Bounds on what the engine remembers: past them the oldest state is
// dropped (and the rules that need it stay quiet for what was dropped).
const (
	maxConns     = 1 << 16 // connections, client IDs, agents
	maxCallsConn = 4096    // calls remembered per connection
	maxReqsConn  = 1024    // requests waiting for their answer per connection
	// Calls and requests remembered over all connections together, so
	// memory stays bounded in bytes (about 16 MB) whatever the number of
	// connections; past it the connection adding one forgets its own.
	maxEntries = 1 << 19
)

// Engine evaluates the rule table over the records of one read, in
// capture order. The zero value is not usable: call New.
type Engine struct {
	byType [][]*Rule // rules by message type ID
	every  []*Rule   // rules that look at every message
	conns  map[int]*conn
	// The connection of the previous record, its stream: consecutive
	// records are of one connection half the time (messages sharing a
	// segment), which spares the map lookup.
	lastConn   *conn
	lastStream int
	clients    map[string]*client
	agents     map[string]int // AgentID -> stream of the agent-mode session controlling it
	lat        map[uint32]*mean
	entries    int // calls and requests remembered, all connections
}

// New returns an engine running the rules keep accepts (nil = every rule).
func New(keep func(code string) bool) *Engine {
	e := &Engine{conns: map[int]*conn{}, clients: map[string]*client{}, agents: map[string]int{}, lat: map[uint32]*mean{}}
	for _, ru := range Rules {
		if keep != nil && !keep(ru.Code) {
			continue
		}
		if ru.On == nil {
			e.every = append(e.every, ru)
			continue
		}
		for _, id := range ru.On {
			for int(id) >= len(e.byType) {
				e.byType = append(e.byType, nil)
			}
			e.byType[id] = append(e.byType[id], ru)
		}
	}
	return e
}

// conn is what the engine knows of one connection.
type conn struct {
	server      netip.AddrPort
	opened      bool // OPEN_REQ seen: the capture holds the session's start
	openInvoke  uint32
	openPending bool
	clientID    string
	agent       string // agent-mode sessions: the AgentID of OPEN_REQ
	agentMode   bool
	requested   uint64 // OPEN_REQ.ServicesRequested
	idle        time.Duration
	idleFlagged bool
	lastClient  time.Time
	lastAny     time.Time
	hbLast      time.Time
	hbRef       time.Duration // shortest heartbeat spacing so far: the session's own interval
	hbMissRun   int
	closing     bool      // CLOSE_REQ seen
	logoutAsked time.Time // last SET_AGENT_STATE_REQ LOGOUT sent
	reqType     reqTable
	calls       map[uint32]uint8
	callsLost   bool // calls were forgotten: call rules stay quiet
}

// Call flags.
const (
	callSeen uint8 = 1 << iota
	callOffered
	callBegun
	callEnded
	callRTP0    // RTP started, direction 0
	callRTP1    // RTP started, direction 1
	callConsult // a consult call this session placed, not yet transferred or conferenced
)

// client is what the engine knows of a client across its connections.
type client struct {
	refusedAt  time.Time
	refusedNum int
	opens      [5]time.Time // the last OPEN_REQ times, a ring
	nOpens     int
	stormAt    time.Time
	server     netip.AddrPort
	serverNum  int
}

type mean struct {
	n   int
	sum time.Duration
}

// Observe evaluates the rules on one record, adding an expert item to its
// message for each finding, then learns from it.
func (e *Engine) Observe(r *record.Record) {
	m := r.Msg
	if m == nil || m.Def == nil {
		return
	}
	c := e.conn(r)
	for _, ru := range e.every {
		run(e, ru, r, c)
	}
	if id := int(m.Def.ID); id < len(e.byType) {
		for _, ru := range e.byType[id] {
			run(e, ru, r, c)
		}
	}
	e.track(r, c)
}

func run(e *Engine, ru *Rule, r *record.Record, c *conn) {
	if detail, hit := ru.eval(e, r, c); hit {
		msg := ru.Summary
		if detail != "" {
			msg += ": " + detail
		}
		r.Msg.Expert = append(r.Msg.Expert, dissect.Expert{Severity: ru.Severity, Code: ru.Code, Message: msg})
	}
}

func (e *Engine) conn(r *record.Record) *conn {
	if c := e.lastConn; c != nil && e.lastStream == r.Frame.Stream {
		return c
	}
	c := e.conns[r.Frame.Stream]
	if c == nil {
		if len(e.conns) >= maxConns {
			clear(e.conns)
			e.entries = 0
		}
		c = &conn{server: r.Frame.Server()}
		e.conns[r.Frame.Stream] = c
	}
	e.lastConn, e.lastStream = c, r.Frame.Stream
	return c
}

// clientOf is the client state of a connection: by ClientID, else by the
// client's address.
func (e *Engine) clientOf(r *record.Record, c *conn) *client {
	key := c.clientID
	if key == "" {
		key = r.Frame.Client().Addr().String()
	}
	cl := e.clients[key]
	if cl == nil {
		if len(e.clients) >= maxConns {
			clear(e.clients)
		}
		cl = &client{}
		e.clients[key] = cl
	}
	return cl
}

// track updates the state after the rules saw the record.
func (e *Engine) track(r *record.Record, c *conn) {
	m := r.Msg
	t := r.Frame.Time
	c.lastAny = t
	var invoke uint64
	var hasInvoke bool
	if m.Def.Kind != dissect.KindEvent { // events carry no InvokeID: spare the field scan
		invoke, hasInvoke = m.UintField(fInvokeID)
	}
	switch m.Def.ID {
	case dissect.MsgOpenReq:
		c.opened, c.openInvoke, c.openPending = true, uint32(invoke), true
		c.clientID, _ = m.String("ClientID")
		c.requested, _ = m.Uint("ServicesRequested")
		c.idle = 0
		if v, ok := m.Uint("IdleTimeout"); ok && v > 0 && v < 1<<31 {
			c.idle = time.Duration(v) * time.Second
		}
		c.agentMode = c.requested&svcAllEvents == 0 && c.requested&svcClientEvents != 0
		c.agent = ""
		if c.agentMode {
			c.agent, _ = m.String("AgentID")
			if c.agent != "" {
				if len(e.agents) >= maxConns {
					clear(e.agents)
				}
				e.agents[c.agent] = r.Frame.Stream
			}
		}
		cl := e.clientOf(r, c)
		cl.opens[cl.nOpens%len(cl.opens)] = t
		cl.nOpens++
		cl.server, cl.serverNum = c.server, r.Num
	case dissect.MsgOpenConf:
		c.openPending = false
	case dissect.MsgFailureConf:
		if c.openPending && hasInvoke && uint32(invoke) == c.openInvoke {
			c.openPending = false
			cl := e.clientOf(r, c)
			cl.refusedAt, cl.refusedNum = t, r.Num
		}
	case dissect.MsgHeartbeatReq:
		if !c.hbLast.IsZero() {
			if d := record.Elapsed(t, c.hbLast); d >= time.Second && (c.hbRef == 0 || d < c.hbRef) {
				c.hbRef = d
			}
		}
		c.hbLast = t
	case dissect.MsgCloseReq:
		c.closing = true
	case dissect.MsgSetAgentStateReq:
		if s, ok := m.UintField(fAgentState); ok && s == agentLogout {
			c.logoutAsked = t
		}
	}
	if r.Frame.Dir == record.ClientToServer {
		c.lastClient = t
	}
	e.trackRequest(r, c, invoke, hasInvoke)
	e.trackCall(r, c)
}

// trackRequest remembers each request's type by InvokeID until answered,
// so failures can name what failed, and learns response times per type.
func (e *Engine) trackRequest(r *record.Record, c *conn, invoke uint64, ok bool) {
	if !ok {
		return
	}
	id := uint32(invoke)
	if record.IsRequest(r.Msg) {
		if c.reqType.len() >= maxReqsConn || e.entries >= maxEntries {
			if _, ok := c.reqType.get(id); !ok { // no room for a new one
				e.entries -= c.reqType.len()
				c.reqType.clear()
			}
		}
		if c.reqType.set(id, r.Msg.Def.ID) {
			e.entries++
		}
		return
	}
	typ, known := c.reqType.get(id)
	if known {
		c.reqType.remove(id)
		e.entries--
	}
	if known && r.Request != nil && !r.Msg.IsFailure() {
		mn := e.lat[typ]
		if mn == nil {
			mn = &mean{}
			e.lat[typ] = mn
		}
		mn.n++
		mn.sum += r.Request.Latency
	}
}

func (e *Engine) trackCall(r *record.Record, c *conn) {
	m := r.Msg
	if l := r.Link; l != nil {
		// CONSULT_CALL_CONF names the consult call; a transfer or
		// conference completes it.
		f := e.callFlags(c, l.From.CallID) | callSeen
		if l.Kind == record.LinkConsult {
			f |= callConsult | callOffered
		} else {
			f &^= callConsult
		}
		c.calls[l.From.CallID] = f
	}
	if m.Def.Kind != dissect.KindEvent {
		return
	}
	// A transfer or conference hands its calls to the session: from
	// here on they are known and connected.
	merged := m.Def.ID == dissect.MsgCallTransferredEvent || m.Def.ID == dissect.MsgCallConferencedEvent
	for i, ref := range r.Calls {
		f := e.callFlags(c, ref.CallID) | callSeen
		if merged {
			f |= callOffered
		}
		if i == 0 {
			f = callEvent(m, f)
		}
		c.calls[ref.CallID] = f
	}
}

// callFlags returns what the connection knows of a call, making room for
// it when it is new (ended calls go first; when all are live, or the
// engine holds too many calls and requests, the connection's calls are
// forgotten and its call rules stay quiet).
func (e *Engine) callFlags(c *conn, id uint32) uint8 {
	if c.calls == nil {
		c.calls = map[uint32]uint8{}
	}
	f, known := c.calls[id]
	if known {
		return f
	}
	if len(c.calls) >= maxCallsConn || e.entries >= maxEntries {
		for k, fl := range c.calls {
			if fl&callEnded != 0 {
				delete(c.calls, k)
				e.entries--
			}
		}
		if len(c.calls) >= maxCallsConn || e.entries >= maxEntries {
			e.entries -= len(c.calls)
			clear(c.calls)
			c.callsLost = true
		}
	}
	e.entries++
	return f
}

// callEvent is what an event says about the call its CallID names.
func callEvent(m *dissect.Message, f uint8) uint8 {
	switch m.Def.ID {
	case dissect.MsgCallDeliveredEvent, dissect.MsgCallOriginatedEvent, dissect.MsgCallServiceInitiatedEvent, dissect.MsgCallEstablishedEvent:
		f |= callOffered
	case dissect.MsgBeginCallEvent:
		f = (f | callBegun) &^ callEnded
	case dissect.MsgEndCallEvent:
		f = (f | callEnded) &^ (callBegun | callRTP0 | callRTP1 | callConsult)
	case dissect.MsgRtpStartedEvent:
		f |= rtpBit(m)
	case dissect.MsgRtpStoppedEvent:
		f &^= rtpBit(m)
	}
	return f
}

func rtpBit(m *dissect.Message) uint8 {
	if d, _ := m.UintField(fDirection); d != 0 {
		return callRTP1
	}
	return callRTP0
}
