package analyze

import (
	"sort"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Call is one call as seen by every session of the capture, merged by
// CallID: an agent desktop and the bridge client get the same events.
type Call struct {
	CallID              uint32
	FirstSeen, LastSeen time.Time
	ANI, DNIS, Dialed   string
	CSQID               uint32
	Queue               string // QueueDeviceID of CALL_QUEUED_EVENT
	Extension           string // the answering device, else the last agent it rang
	AgentID             string // the agent logged in on Extension (from AGENT_STATE_EVENT)
	Answered            time.Time
	Ended               time.Time // zero while active
	End                 string    // cleared, abandoned, transferred, conferenced, active
	Cause               string    // EventCause name of the ending event, unless CEC_NONE
	Links               []Link
	Vars                []Var // call variables as last seen
	Sessions            int   // connections that carried events of the call

	streams  map[int]bool
	vars     map[string]string
	varOrder []string
	alerting []string
	endCall  time.Time // last END_CALL_EVENT
}

// Duration is how long the call lasted from answer (else from first sight)
// to its end, or to the capture end while still active.
func (c *Call) Duration(end time.Time) time.Duration {
	from := c.Answered
	if from.IsZero() {
		from = c.FirstSeen
	}
	if !c.Ended.IsZero() {
		end = c.Ended
	}
	return end.Sub(from)
}

// Link ties two calls: a consult call to the call it consulted from, and a
// transfer or conference merging the consult call into the original.
type Link struct {
	CallID uint32
	Kind   string // consult, transfer, conference
	To     bool   // true: this call went into CallID (or consulted from it); false: CallID came into this one
}

// Var is a call variable (CallVariable1..10, a named variable or a named
// array element).
type Var struct {
	Name, Value string
}

// CallEvent is one message of a call's timeline.
type CallEvent struct {
	Num     int
	Time    time.Time
	Stream  int
	Mode    string
	Type    string
	State   string // LocalConnectionState name
	Cause   string // EventCause name
	Parties []Var  // device IDs named by the message
	Changed []Var  // call variables that changed with it
}

// Calls merges call events by CallID. When Timeline is set, the messages
// naming that call are kept in order too.
type Calls struct {
	Timeline   uint32 // CallID whose messages are kept (0 = none)
	calls      map[uint32]*Call
	order      []*Call
	extAgent   map[string]string
	consultReq map[int]uint32    // CONSULT_CALL_REQ number -> the active call
	consultOf  map[uint32]uint32 // consult call -> the call consulted from
	events     []CallEvent
	last       time.Time
}

// maxConsults bounds the CONSULT_CALL_REQs remembered until their confirm.
const maxConsults = 4096

// NewCalls returns an empty call tracker.
func NewCalls() *Calls {
	return &Calls{
		calls:      make(map[uint32]*Call),
		extAgent:   make(map[string]string),
		consultReq: make(map[int]uint32),
		consultOf:  make(map[uint32]uint32),
	}
}

// Add feeds one record.
func (cs *Calls) Add(r *record.Record) {
	if r.Frame.Time.After(cs.last) {
		cs.last = r.Frame.Time
	}
	m := r.Msg
	if m == nil || m.Def == nil {
		return
	}
	ids := callIDs(m)
	switch m.Def.Name {
	case "AGENT_STATE_EVENT":
		if ext, id := str(m, "AgentExtension"), str(m, "AgentID"); ext != "" && id != "" {
			cs.extAgent[ext] = id
		}
	case "CONSULT_CALL_REQ":
		if id, ok := m.Uint("ActiveCallID"); ok && len(cs.consultReq) < maxConsults {
			cs.consultReq[r.Num] = uint32(id)
		}
	case "CONSULT_CALL_CONF":
		if r.Request != nil {
			if from, ok := cs.consultReq[r.Request.Num]; ok {
				delete(cs.consultReq, r.Request.Num)
				if id, ok := m.Uint("NewCallID"); ok && id != 0 {
					cs.consultOf[uint32(id)] = from
				}
			}
		}
	}
	var changed []Var
	if m.Def.Kind == dissect.KindEvent && ids.main != 0 {
		changed = cs.event(r, ids)
	}
	if cs.Timeline != 0 && ids.has(cs.Timeline) {
		cs.events = append(cs.events, CallEvent{
			Num: r.Num, Time: r.Frame.Time, Stream: r.Frame.Stream, Mode: r.Session.Mode.String(),
			Type: m.Def.Name, State: display(m.Get("LocalConnectionState")), Cause: cause(m),
			Parties: parties(m), Changed: changed,
		})
	}
}

// event updates the calls an event names; it returns the variables of the
// timeline call that changed.
func (cs *Calls) event(r *record.Record, ids callRefs) []Var {
	m, t := r.Msg, r.Frame.Time
	c := cs.call(ids.main, t)
	c.LastSeen = t
	c.streams[r.Frame.Stream] = true
	if c.ANI == "" {
		c.ANI = str(m, "ANI")
	}
	if c.DNIS == "" {
		c.DNIS = str(m, "DNIS")
	}
	if c.Dialed == "" {
		c.Dialed = str(m, "DialedNumber")
	}
	if id, ok := m.Uint("CSQID"); ok && id != 0 && c.CSQID == 0 {
		c.CSQID = uint32(id)
	}
	switch m.Def.Name {
	case "CALL_QUEUED_EVENT":
		if q := str(m, "QueueDeviceID"); q != "" && c.Queue == "" {
			c.Queue = q
		}
	case "CALL_DELIVERED_EVENT":
		if a := str(m, "AlertingDeviceID"); a != "" {
			c.alerting = append(c.alerting, a)
		}
	case "CALL_ESTABLISHED_EVENT":
		if c.Answered.IsZero() {
			c.Answered = t
			c.Extension = str(m, "AnsweringDeviceID")
		}
	case "END_CALL_EVENT":
		// Sent to each client as it leaves the call (a transferring
		// agent gets one at the transfer): only an end of last resort.
		c.endCall = t
	case "CALL_CLEARED_EVENT":
		if c.End == "" {
			c.End, c.Ended, c.Cause = "cleared", t, cause(m)
			if c.Answered.IsZero() {
				c.End = "abandoned"
			}
		}
	case "CALL_TRANSFERRED_EVENT", "CALL_CONFERENCED_EVENT":
		kind, end := "transfer", "transferred"
		if m.Def.Name == "CALL_CONFERENCED_EVENT" {
			kind, end = "conference", "conferenced"
		}
		if ids.secondary != 0 && ids.secondary != ids.main {
			sec := cs.call(ids.secondary, t)
			sec.LastSeen = t
			sec.streams[r.Frame.Stream] = true
			if sec.End == "" {
				sec.End, sec.Ended, sec.Cause = end, t, cause(m)
			}
			sec.link(Link{CallID: ids.main, Kind: kind, To: true})
			c.link(Link{CallID: ids.secondary, Kind: kind})
		}
	}
	return c.setVars(m, cs.Timeline == ids.main)
}

func (cs *Calls) call(id uint32, t time.Time) *Call {
	c := cs.calls[id]
	if c == nil {
		c = &Call{CallID: id, FirstSeen: t, LastSeen: t, streams: map[int]bool{}, vars: map[string]string{}}
		cs.calls[id] = c
		cs.order = append(cs.order, c)
	}
	return c
}

func (c *Call) link(l Link) {
	for _, o := range c.Links {
		if o == l {
			return
		}
	}
	c.Links = append(c.Links, l)
}

// setVars records the message's call variables, returning those that
// changed when asked to.
func (c *Call) setVars(m *dissect.Message, report bool) []Var {
	var changed []Var
	for i := range m.Fields {
		name, val, ok := callVar(&m.Fields[i])
		if !ok {
			continue
		}
		old, seen := c.vars[name]
		if seen && old == val {
			continue
		}
		if !seen {
			c.varOrder = append(c.varOrder, name)
		}
		c.vars[name] = val
		if report {
			changed = append(changed, Var{name, val})
		}
	}
	return changed
}

// Result returns the calls in the order they were first seen; those not
// ended are active, measured to the last record.
func (cs *Calls) Result() []*Call {
	for _, c := range cs.order {
		if from, ok := cs.consultOf[c.CallID]; ok {
			c.link(Link{CallID: from, Kind: "consult", To: true})
			if f := cs.calls[from]; f != nil {
				f.link(Link{CallID: c.CallID, Kind: "consult"})
			}
		}
	}
	for _, c := range cs.order {
		switch {
		case c.End != "":
		case !c.endCall.IsZero():
			c.End, c.Ended = "cleared", c.endCall
			if c.Answered.IsZero() {
				c.End = "abandoned"
			}
		default:
			c.End = "active"
		}
		if c.Extension == "" {
			for i := len(c.alerting) - 1; i >= 0; i-- {
				if _, ok := cs.extAgent[c.alerting[i]]; ok {
					c.Extension = c.alerting[i]
					break
				}
			}
		}
		c.AgentID = cs.extAgent[c.Extension]
		c.Sessions = len(c.streams)
		c.Vars = c.Vars[:0]
		for _, n := range c.varOrder {
			c.Vars = append(c.Vars, Var{n, c.vars[n]})
		}
		sort.SliceStable(c.Links, func(i, j int) bool { return c.Links[i].CallID < c.Links[j].CallID })
	}
	return cs.order
}

// End is the time of the last record seen (the capture end for calls
// still active).
func (cs *Calls) End() time.Time { return cs.last }

// Events is the timeline of the Timeline call.
func (cs *Calls) Events() []CallEvent { return cs.events }
