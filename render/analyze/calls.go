package analyze

import (
	"sort"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Call is one call as seen by every session of the capture that carried
// it, merged: an agent desktop and the bridge client get the same events.
// A call is what the pipeline numbers as one (record.CallRef): a CallID
// within one capture file's server session and time span, so a CallID
// reused later or in another file is another Call.
type Call struct {
	N                   int    // call number (record.CallRef.N), in order of first sight
	CallID              uint32 // CallID on the wire
	File                string // capture file it was seen in
	FirstSeen, LastSeen time.Time
	ANI, DNIS, Dialed   string
	CSQID               uint32 // UCCE calls: the SkillGroupNumber
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
	// UCCE is set when UCCE sessions carried the call, at Version:
	// views name the dialect only then, UCCX being the default.
	UCCE    bool
	Version int

	shown    bool     // a message of the call passed Calls.Select
	seq      int      // creation index: the row's place in the table
	streams  []int    // connections that carried events of the call
	alerting []string // devices it rang (CALL_DELIVERED_EVENT), until it is summarised
	endCall  time.Time
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
	N      int    // the other call's number
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
	CallID  uint32 // the call of the timeline the message names (the asked one or a linked leg)
	Time    time.Time
	Stream  int
	Mode    string
	Type    string
	State   string // LocalConnectionState name
	Cause   string // EventCause name
	Parties []Var  // device IDs named by the message
	Changed []Var  // call variables that changed with it
}

// Calls merges call events into calls (as the pipeline numbers them).
// When Timeline is set, the messages naming a call with that CallID, and
// unless NoLinked those of its linked consult, transfer and conference
// legs, are kept in order too.
//
// Every record of the capture builds the calls (analysis first); Select
// says which are shown: those with a message it keeps, and in a timeline,
// the messages it keeps.
//
// Memory: a call that ended is summarised callDone of capture time later
// and packed into a row of about a hundred bytes (callStore); the working
// set of calls not summarised is bounded by MaxWorking (the calls quiet
// longest are summarised early past it), and rows by Max: calls past it
// are counted (Unlisted), not itemised.
type Calls struct {
	Timeline uint32 // CallID whose messages are kept (0 = none)
	NoLinked bool   // the timeline leaves out linked legs
	// Select says which records are shown; nil shows all.
	Select func(*record.Record) bool
	// NoVars drops the call variables from the rows (the views without
	// them: table and CSV).
	NoVars bool
	// Max bounds the calls itemised, in order of first sight (0:
	// MaxCalls); those past it are counted in Unlisted.
	Max int

	calls     map[int]*Call // by call number, until summarised
	created   int           // calls made, the next one's seq
	rows      *callStore    // summarised calls shown, packed
	unlisted  int           // shown calls past Max
	early     int           // calls summarised early (working set full)
	dropped   int           // call variables and links past a call's bound
	noExt     int           // agent logins past MaxExtensions, not kept
	final     bool          // every call is summarised
	extAgent  map[string]string
	consultOf map[int]record.CallRef // consult call number -> the call consulted from, until the consult call is seen
	tl        map[int]bool           // call numbers of the timeline
	events    []CallEvent
	files     map[string]bool
	done      bitset // call numbers summarised: stragglers naming them are ignored
	last      time.Time
	nextSweep time.Time // a sweep callDone after the last (Before costs less than Sub on every record)
}

// callDone is how long after its end a call still takes stragglers (the
// END_CALL_EVENT of other sessions) before it is summarised.
const callDone = time.Minute

// maxConsults bounds the consult links waiting for their consult call.
const maxConsults = 4096

// MaxCalls is the default bound on the calls itemised: a row costs about
// a hundred bytes, so a million calls stay within a few tens of MB.
const MaxCalls = 1_000_000

// MaxWorking bounds the calls not yet summarised (a few KB each with
// their scratch state): a contact center has at most a few thousand
// calls at once, a crafted capture could begin a million and end none.
const MaxWorking = 50_000

// MaxExtensions bounds the extensions whose logged-in agent is kept (an
// AGENT_STATE_EVENT of a million agents made a map of a million).
const MaxExtensions = 100_000

// Per-call bounds on what the wire can grow: distinct call variables and
// links.
const (
	MaxCallVars  = 512
	MaxCallLinks = 64
)

// NewCalls returns an empty call tracker.
func NewCalls() *Calls {
	return &Calls{
		calls:     make(map[int]*Call),
		extAgent:  make(map[string]string),
		consultOf: make(map[int]record.CallRef),
		tl:        make(map[int]bool),
		files:     make(map[string]bool),
		rows:      &callStore{},
		nextSweep: time.Time{}.Add(callDone), // as a last sweep at the zero time
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
	sel := cs.Select == nil || cs.Select(r)
	if m.Def.ID == dissect.MsgAgentStateEvent {
		if ext, id := str(m, fAgentExtension), str(m, fAgentID); ext != "" && id != "" {
			// Agents repeat their state: a login already known costs one
			// lookup, not a lookup and a store.
			if old, ok := cs.extAgent[ext]; !ok || old != id {
				if ok || len(cs.extAgent) < MaxExtensions {
					cs.extAgent[ext] = id
				} else {
					cs.noExt++
				}
			}
		}
	}
	if l := r.Link; l != nil {
		cs.link(r, l)
	}
	var changed []Var
	var main *Call
	// The call references are read only of an event that names a call
	// (the rest do not update one).
	if m.Def.Kind == dissect.KindEvent && len(r.Calls) > 0 && record.CallIDsOf(m).Main != 0 {
		main = cs.call(r, r.Calls[0])
		changed = cs.event(r, main)
	}
	if sel {
		for _, ref := range r.Calls {
			if c := cs.calls[ref.N]; c != nil {
				c.shown = true
			}
		}
	}
	if cs.Timeline != 0 {
		cs.timeline(r, changed, main, sel)
	}
	cs.sweep(r.Frame.Time)
}

// timeline keeps a message naming a call of the timeline.
func (cs *Calls) timeline(r *record.Record, changed []Var, main *Call, sel bool) {
	var in record.CallRef
	for _, ref := range r.Calls {
		if ref.CallID == cs.Timeline {
			cs.tl[ref.N] = true
		}
		if in.N == 0 && cs.tl[ref.N] {
			in = ref
		}
	}
	if in.N == 0 || !sel {
		return
	}
	if main == nil || main.N != in.N {
		changed = nil // variables are reported for the call the event is about
	}
	m := r.Msg
	cs.events = append(cs.events, CallEvent{
		Num: r.Num, CallID: in.CallID, Time: r.Frame.Time, Stream: r.Frame.Stream, Mode: r.Session.Mode.String(),
		Type: m.Def.Name, State: display(m.Field(fLocalConnectionState)), Cause: cause(m),
		Parties: parties(m), Changed: changed,
	})
}

// link ties two calls a message reports; a timeline takes in the other
// leg unless NoLinked.
func (cs *Calls) link(r *record.Record, l *record.CallLink) {
	if cs.Timeline != 0 && !cs.NoLinked && (cs.tl[l.From.N] || cs.tl[l.To.N] || l.From.CallID == cs.Timeline || l.To.CallID == cs.Timeline) {
		cs.tl[l.From.N], cs.tl[l.To.N] = true, true
	}
	kind := l.Kind.String()
	if l.Kind == record.LinkConsult {
		// The consult call has no event yet: link it when it has.
		if c := cs.calls[l.From.N]; c != nil {
			cs.consult(c, l.To)
		} else if len(cs.consultOf) < maxConsults {
			cs.consultOf[l.From.N] = l.To
		}
		return
	}
	t := r.Frame.Time
	sec, main := cs.call(r, l.From), cs.call(r, l.To)
	sec.LastSeen = t
	sec.addStream(r.Frame.Stream)
	if sec.End == "" {
		end := "transferred"
		if l.Kind == record.LinkConference {
			end = "conferenced"
		}
		sec.End, sec.Ended, sec.Cause = end, t, cause(r.Msg)
	}
	sec.link(Link{CallID: l.To.CallID, N: l.To.N, Kind: kind, To: true}, &cs.dropped)
	main.link(Link{CallID: l.From.CallID, N: l.From.N, Kind: kind}, &cs.dropped)
}

// consult links consult call c to the call it was placed from.
func (cs *Calls) consult(c *Call, from record.CallRef) {
	c.link(Link{CallID: from.CallID, N: from.N, Kind: "consult", To: true}, &cs.dropped)
	if f := cs.calls[from.N]; f != nil {
		f.link(Link{CallID: c.CallID, N: c.N, Kind: "consult"}, &cs.dropped)
	}
}

// event updates the call an event is about; with a timeline, it returns
// the variables that changed.
func (cs *Calls) event(r *record.Record, c *Call) []Var {
	m, t := r.Msg, r.Frame.Time
	c.LastSeen = t
	c.addStream(r.Frame.Stream)
	if r.Session.Dialect == dissect.DialectUCCE {
		c.UCCE, c.Version = true, r.Session.Version
	}
	if c.ANI == "" {
		c.ANI = str(m, fANI)
	}
	if c.DNIS == "" {
		c.DNIS = str(m, fDNIS)
	}
	if c.Dialed == "" {
		c.Dialed = str(m, fDialedNumber)
	}
	if c.CSQID == 0 { // the first one stays: no look-up once it is known
		csq := fCSQID
		if m.Def.Dialect == dissect.DialectUCCE {
			csq = fSkillGroupNumber // UCCE queues calls to skill groups
		}
		if id, ok := m.UintField(csq); ok && id != 0 {
			c.CSQID = uint32(id)
		}
	}
	switch m.Def.ID {
	case dissect.MsgCallQueuedEvent:
		if c.Queue == "" {
			c.Queue = str(m, fQueueDeviceID)
		}
	case dissect.MsgCallDeliveredEvent:
		if a := str(m, fAlertingDeviceID); a != "" && len(c.alerting) < 64 {
			c.alerting = append(c.alerting, a)
		}
	case dissect.MsgCallEstablishedEvent:
		if c.Answered.IsZero() {
			c.Answered = t
			c.Extension = str(m, fAnsweringDeviceID)
		}
	case dissect.MsgEndCallEvent:
		// Sent to each client as it leaves the call (a transferring
		// agent gets one at the transfer): only an end of last resort.
		c.endCall = t
	case dissect.MsgCallClearedEvent:
		if c.End == "" {
			c.End, c.Ended, c.Cause = "cleared", t, cause(m)
			if c.Answered.IsZero() {
				c.End = "abandoned"
			}
		}
	}
	return c.setVars(m, cs.Timeline != 0, &cs.dropped)
}

// call is the Call of a reference, made at its first sight.
func (cs *Calls) call(r *record.Record, ref record.CallRef) *Call {
	c := cs.calls[ref.N]
	if c == nil && cs.done.has(ref.N) {
		return &Call{N: ref.N, CallID: ref.CallID} // a straggler of a summarised call: counts nowhere
	}
	if c == nil {
		t := r.Frame.Time
		c = &Call{N: ref.N, CallID: ref.CallID, File: r.Frame.File, FirstSeen: t, LastSeen: t, seq: cs.created}
		cs.created++
		cs.calls[ref.N] = c
		if len(cs.calls) > MaxWorking {
			cs.summariseEarly()
		}
		cs.files[r.Frame.File] = true
		if from, ok := cs.consultOf[ref.N]; ok {
			delete(cs.consultOf, ref.N)
			cs.consult(c, from)
		}
	}
	return c
}

func (c *Call) addStream(s int) {
	for _, x := range c.streams {
		if x == s {
			return
		}
	}
	c.streams = append(c.streams, s)
}

func (c *Call) link(l Link, dropped *int) {
	for _, o := range c.Links {
		if o == l {
			return
		}
	}
	if len(c.Links) >= MaxCallLinks {
		*dropped++
		return
	}
	c.Links = append(c.Links, l)
}

// setVars records the message's call variables, returning those that
// changed when asked to (for a timeline). Calls carry a handful, so a list
// does better than a map.
func (c *Call) setVars(m *dissect.Message, report bool, dropped *int) []Var {
	var changed []Var
	for i := varsFrom(m); i < len(m.Fields); i++ {
		name, val, ok := callVar(&m.Fields[i])
		if !ok {
			continue
		}
		j := 0
		for j < len(c.Vars) && c.Vars[j].Name != name {
			j++
		}
		switch {
		case j == len(c.Vars) && j >= MaxCallVars:
			*dropped++
			continue
		case j == len(c.Vars):
			c.Vars = append(c.Vars, Var{name, val})
		case c.Vars[j].Value == val:
			continue
		default:
			c.Vars[j].Value = val
		}
		if report {
			changed = append(changed, Var{name, val})
		}
	}
	return changed
}

// sweep summarises, once a minute of capture time, the calls that ended
// callDone ago: they leave the working set (only their row stays).
func (cs *Calls) sweep(t time.Time) {
	if t.Before(cs.nextSweep) {
		return
	}
	cs.nextSweep = t.Add(callDone)
	for n, c := range cs.calls {
		// END_CALL_EVENT alone ends only the session that got it: a
		// call with no other end waits longer.
		quiet := record.Elapsed(t, c.LastSeen)
		if (c.End != "" && quiet > callDone || !c.endCall.IsZero() && quiet > 10*callDone) && !cs.tl[n] {
			cs.retire(c)
		}
	}
}

// summariseEarly makes room in a full working set: the quarter of its
// calls quiet longest are summarised now (an active one as active), and
// later messages naming them are stragglers.
func (cs *Calls) summariseEarly() {
	quiet := make([]*Call, 0, len(cs.calls))
	for n, c := range cs.calls {
		if !cs.tl[n] {
			quiet = append(quiet, c)
		}
	}
	sort.Slice(quiet, func(i, j int) bool { return quiet[i].LastSeen.Before(quiet[j].LastSeen) })
	for _, c := range quiet[:len(quiet)/4] {
		cs.early++
		cs.retire(c)
	}
}

// retire summarises a call and moves it from the working set to the rows.
func (cs *Calls) retire(c *Call) {
	cs.summarise(c)
	delete(cs.calls, c.N)
	cs.done.set(c.N)
	cs.store(c)
}

// store packs a summarised call's row, if shown and within Max.
func (cs *Calls) store(c *Call) {
	if !c.shown {
		return
	}
	if c.seq >= cs.limit() && !cs.tl[c.N] {
		cs.unlisted++
		return
	}
	cs.rows.put(c.seq, c, !cs.NoVars)
}

// summarise settles a call's row and drops its scratch state.
func (cs *Calls) summarise(c *Call) {
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
	c.Sessions = len(c.streams)
	c.streams, c.alerting = nil, nil
	// By CallID; for one pair, the transfer or conference before the
	// consult that led to it (as the calls table always listed them).
	sort.SliceStable(c.Links, func(i, j int) bool {
		a, b := c.Links[i], c.Links[j]
		if a.CallID != b.CallID {
			return a.CallID < b.CallID
		}
		return a.Kind != "consult" && b.Kind == "consult"
	})
}

// finish summarises the calls still in the working set (those not ended
// are active, measured to the last record), once.
func (cs *Calls) finish() {
	if cs.final {
		return
	}
	cs.final = true
	for _, c := range cs.calls {
		cs.summarise(c)
		cs.store(c)
	}
	clear(cs.calls)
}

// Each calls f with each call shown, in the order they were first seen,
// decoded from its row into a Call reused from one call to the next
// (copy what must outlive f); it stops at f's first error.
func (cs *Calls) Each(f func(*Call) error) error {
	var c Call
	for seq := range cs.rowSlots() {
		if !cs.row(seq, &c) {
			continue
		}
		if err := f(&c); err != nil {
			return err
		}
	}
	return nil
}

// rowSlots ends the tally and returns the creation indexes Each walks;
// row reads one of them, from any number of goroutines at once.
func (cs *Calls) rowSlots() int {
	cs.finish()
	return len(cs.rows.at)
}

// row decodes the call of creation index seq into c, false when it is
// not shown (see Each).
func (cs *Calls) row(seq int, c *Call) bool {
	if !cs.rows.get(seq, c) {
		return false
	}
	c.AgentID = cs.extAgent[c.Extension]
	return true
}

// Result returns the calls shown, in the order they were first seen;
// those not ended are active, measured to the last record. It holds every
// call at once: views print through Each.
func (cs *Calls) Result() []*Call {
	var out []*Call
	cs.Each(func(c *Call) error {
		cp := *c
		out = append(out, &cp)
		return nil
	})
	return out
}

func (cs *Calls) limit() int {
	if cs.Max <= 0 {
		return MaxCalls
	}
	return cs.Max
}

// Unlisted is the number of calls shown but not itemised (past Max).
func (cs *Calls) Unlisted() int { cs.finish(); return cs.unlisted }

// Early is the number of calls summarised before their end because the
// working set was full (their later messages were not counted).
func (cs *Calls) Early() int { return cs.early }

// ExtensionsNotKept is the number of agent state events whose extension
// was not kept (past MaxExtensions): calls on those extensions show no
// AgentID.
func (cs *Calls) ExtensionsNotKept() int { return cs.noExt }

// Dropped is the number of call variables and links past a call's bound.
func (cs *Calls) Dropped() int { return cs.dropped }

// MultiFile reports whether the calls come from more than one capture
// file (views then show each call's file).
func (cs *Calls) MultiFile() bool { return len(cs.files) > 1 }

// End is the time of the last record seen (the capture end for calls
// still active).
func (cs *Calls) End() time.Time { return cs.last }

// Events is the timeline of the Timeline call and its linked legs.
func (cs *Calls) Events() []CallEvent { return cs.events }

// TimelineCalls are the calls of the timeline (the asked CallID's and its
// linked legs), in order of first sight, among the calls shown.
func (cs *Calls) TimelineCalls() []*Call {
	var out []*Call
	cs.Each(func(c *Call) error {
		if cs.tl[c.N] {
			cp := *c
			out = append(out, &cp)
		}
		return nil
	})
	return out
}

// bitset is a set of small positive integers, one bit each.
type bitset []uint64

func (b *bitset) set(n int) {
	for len(*b) <= n/64 {
		*b = append(*b, 0)
	}
	(*b)[n/64] |= 1 << (n % 64)
}

func (b bitset) has(n int) bool { return n/64 < len(b) && b[n/64]&(1<<(n%64)) != 0 }
