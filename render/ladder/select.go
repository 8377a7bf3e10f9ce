package ladder

import (
	"strings"

	"github.com/ctishark/ctishark/dissect/record"
)

// Selector narrows a ladder to some streams, one call or one agent. A
// request/confirm pair is kept or dropped together: a confirm is kept when
// its request was, and a request is kept when its confirm is (a
// CONSULT_CALL_REQ names the call consulted from; its confirm names the new
// call). Deciding a request by its confirm needs the pipeline's look-ahead
// (Record.Response): such a request is held, with everything after it so
// the order stays, until its confirm goes by. At most maxHeld records are
// held; beyond that the oldest undecided request is dropped.
type Selector struct {
	Streams map[int]bool // nil = every stream
	CallID  uint64
	HasCall bool
	// NoLinked leaves out the call's linked consult, transfer and
	// conference legs (record.CallLink), which --call shows by default.
	NoLinked bool
	AgentID  string

	calls map[int]bool // call numbers in scope: the asked CallID's and their linked legs

	activeStream map[int]bool // streams with a selected message (their gaps are shown)
	kept         map[int]bool // selected requests still waiting for their confirm
	held         []*held
	waiting      map[int]*held // confirm number -> its undecided request
}

type held struct {
	r       *record.Record
	decided bool
	keep    bool
}

// maxHeld bounds the records held while a request waits for its confirm.
const maxHeld = 1 << 14

// maxKept bounds the remembered selected requests (a server that never
// answers must not make memory grow).
const maxKept = 1 << 14

// Narrowing reports whether the selector drops anything at all.
func (s *Selector) Narrowing() bool { return s.Streams != nil || s.HasCall || s.AgentID != "" }

// Holds reports whether Push may keep records back to decide them later
// (narrowing by call or agent); otherwise each record is emitted or
// dropped before Push returns.
func (s *Selector) Holds() bool { return s.HasCall || s.AgentID != "" }

// Push offers a record; emit is called, in capture order, for each record
// that is selected, as soon as it can be decided.
func (s *Selector) Push(r *record.Record, emit func(*record.Record) error) error {
	if !s.Narrowing() {
		return emit(r)
	}
	if s.Streams != nil && !s.Streams[r.Frame.Stream] {
		return nil
	}
	if !s.Holds() {
		return emit(r) // --stream only: nothing to hold
	}
	h := &held{r: r}
	switch {
	case r.Event != nil:
		h.decided, h.keep = true, s.activeStream[r.Frame.Stream]
	case s.matches(r):
		h.decided, h.keep = true, true
	case r.Request != nil && s.kept[r.Request.Num]:
		h.decided, h.keep = true, true
	case r.Response != nil:
		// Undecided: its confirm may name the call or agent.
	default:
		h.decided = true
	}
	if r.Request != nil {
		delete(s.kept, r.Request.Num)
		if q, ok := s.waiting[r.Num]; ok {
			delete(s.waiting, r.Num)
			q.decided, q.keep = true, h.keep
		}
	}
	if h.keep && r.Response != nil {
		if s.kept == nil {
			s.kept = map[int]bool{}
		}
		if len(s.kept) >= maxKept {
			clear(s.kept)
		}
		s.kept[r.Num] = true
	}
	if len(s.held) == 0 && h.decided {
		return s.out(h, emit)
	}
	if !h.decided {
		if s.waiting == nil {
			s.waiting = map[int]*held{}
		}
		s.waiting[r.Response.Num] = h
	}
	s.held = append(s.held, h)
	if len(s.held) > maxHeld && !s.held[0].decided {
		s.held[0].decided = true // its confirm is too far away: drop it
	}
	return s.flush(emit, false)
}

// Flush hands out what is still held (at the end of the input); requests
// still undecided are dropped.
func (s *Selector) Flush(emit func(*record.Record) error) error { return s.flush(emit, true) }

func (s *Selector) flush(emit func(*record.Record) error, all bool) error {
	n := 0
	for n < len(s.held) && (s.held[n].decided || all) {
		h := s.held[n]
		if h.r.Response != nil && s.waiting[h.r.Response.Num] == h {
			delete(s.waiting, h.r.Response.Num) // dropped before its confirm came
		}
		if err := s.out(h, emit); err != nil {
			return err
		}
		n++
	}
	if n > 0 {
		s.held = append(s.held[:0], s.held[n:]...)
	}
	return nil
}

func (s *Selector) out(h *held, emit func(*record.Record) error) error {
	if !h.decided || !h.keep {
		return nil
	}
	if h.r.Event == nil {
		if s.activeStream == nil {
			s.activeStream = map[int]bool{}
		}
		s.activeStream[h.r.Frame.Stream] = true
	}
	return emit(h.r)
}

// matches reports whether a message is about the call or agent asked for.
func (s *Selector) matches(r *record.Record) bool {
	m := r.Msg
	if m == nil {
		return false
	}
	// The agent's own sessions (their OPEN_REQ logged it in).
	if s.AgentID != "" && r.Session.Agent == s.AgentID {
		return true
	}
	if s.HasCall && s.inCall(r) {
		return true
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		switch {
		case s.HasCall && isCallField(f.Name) && f.Value.Type.IsInteger() && f.Value.Num == s.CallID:
			return true
		case s.AgentID != "" && f.Name == "AgentID" && f.Value.Str == s.AgentID:
			return true // messages naming it (a bridge client's events, team members)
		}
	}
	return false
}

// inCall reports whether a message names a call in scope: one with the
// asked CallID, or (unless NoLinked) a leg linked to one, as the link goes
// by (a consult call from its CONSULT_CALL_CONF on).
func (s *Selector) inCall(r *record.Record) bool {
	if s.calls == nil {
		s.calls = map[int]bool{}
	}
	for _, c := range r.Calls {
		if uint64(c.CallID) == s.CallID {
			s.calls[c.N] = true
		}
	}
	if l := r.Link; l != nil && !s.NoLinked && (s.calls[l.From.N] || s.calls[l.To.N]) {
		s.calls[l.From.N], s.calls[l.To.N] = true, true
	}
	for _, c := range r.Calls {
		if s.calls[c.N] {
			return true
		}
	}
	return false
}

// isCallField reports whether a field names a call: CallID and its
// relatives (ActiveCallID, HeldCallID, PrimaryCallID, NewCallID...).
func isCallField(name string) bool { return strings.HasSuffix(name, "CallID") }
