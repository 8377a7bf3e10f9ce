package analyze

import (
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Agent is one agent's state timeline.
type Agent struct {
	AgentID   string
	Extension string
	States    []StateSpan
	Totals    []StateTotal // per state, in order of first appearance
	// UCCE is set when the connection the timeline follows speaks UCCE,
	// at Version; DialectWhy says why it was taken for UCCE.
	UCCE       bool
	Version    int
	DialectWhy string
}

// StateSpan is a time the agent spent in one state.
type StateSpan struct {
	State    string // AgentState name
	Reason   string // EventReasonCode name ("none" for 0)
	Start    time.Time
	Duration time.Duration
	Open     bool // the last state: it runs to the capture end
	shown    bool // the event that began it passed Agents.Select
}

// StateTotal is the time spent in one state, all spans together.
type StateTotal struct {
	State    string
	Duration time.Duration
	Spans    int
}

// Agents builds agent state timelines from AGENT_STATE_EVENT. The same
// change reaches the agent's own desktop and every bridge client: each
// agent's timeline follows one connection, the agent's own (agent mode)
// as soon as one is seen, else the first that reported the agent.
//
// Every AGENT_STATE_EVENT of the capture builds the timelines (a state
// lasts until the next change, whatever the filter shows); Select then
// says which spans are shown and totalled: those whose event it keeps.
//
// Memory: a span is 16 bytes (its start, state and reason as indexes of
// the names seen); agents are bounded by Max, those past it counted.
type Agents struct {
	// Select says which state changes are shown; nil shows all.
	Select func(*record.Record) bool
	// Max bounds the agents itemised, in order of first appearance (0:
	// MaxAgents); the state changes of those past it are counted in
	// Unlisted.
	Max int

	agents   map[string]int32 // index in tracks
	tracks   []agentTrack
	names    []string // state and reason names, interned
	nameIx   map[string]uint32
	unlisted int
	last     time.Time
}

// MaxAgents is the default bound on the agents itemised.
const MaxAgents = 200_000

type agentTrack struct {
	id, ext   string
	spans     []span
	stream    int
	ownStream bool // stream is an agent-mode connection
	// ucceVersion is 0 when the followed connection speaks UCCX, else
	// its UCCE protocol version + 1; why (an index in Agents.names) says
	// why it was taken for UCCE. Both fit the padding after ownStream.
	ucceVersion uint16
	why         uint16
}

// span is one state change: its start as Unix seconds and nanoseconds
// (the top bit of nsec: the change passed Select), state and reason as
// indexes in Agents.names.
type span struct {
	sec           int64
	nsec          uint32
	state, reason uint16
}

const shownBit = 1 << 31

// NewAgents returns an empty tracker.
func NewAgents() *Agents {
	return &Agents{agents: make(map[string]int32), nameIx: make(map[string]uint32)}
}

// name interns a state or reason name: both are 16-bit on the wire, so
// there are at most 2 x 65,536 of them.
func (a *Agents) name(s string) uint16 {
	i, ok := a.nameIx[s]
	if !ok {
		if len(a.names) > 1<<16-1 {
			return 0 // cannot happen with 16-bit fields; the first name stands in
		}
		i = uint32(len(a.names))
		a.nameIx[s] = i
		a.names = append(a.names, s)
	}
	return uint16(i)
}

// Add feeds one record.
func (a *Agents) Add(r *record.Record) {
	if r.Frame.Time.After(a.last) {
		a.last = r.Frame.Time
	}
	m := r.Msg
	if m == nil || m.Def == nil || m.Def.ID != dissect.MsgAgentStateEvent {
		return
	}
	id := str(m, fAgentID)
	if id == "" {
		return
	}
	own := r.Session.Mode == dissect.ModeAgent
	i, ok := a.agents[id]
	var t *agentTrack
	switch {
	case !ok && len(a.tracks) >= a.limit():
		a.unlisted++
		return
	case !ok:
		i = int32(len(a.tracks))
		a.agents[id] = i
		a.tracks = append(a.tracks, agentTrack{id: id, stream: r.Frame.Stream, ownStream: own})
		t = &a.tracks[i]
	default:
		t = &a.tracks[i]
		switch {
		case t.stream == r.Frame.Stream:
		case own && !t.ownStream:
			t.stream, t.ownStream = r.Frame.Stream, true // switch to the agent's own desktop
		default:
			return // a copy of a change already followed elsewhere
		}
	}
	if ext := str(m, fAgentExtension); ext != "" && ext != t.ext {
		t.ext = ext
	}
	t.ucceVersion, t.why = 0, 0
	if r.Session.Dialect == dissect.DialectUCCE {
		t.ucceVersion, t.why = uint16(min(max(r.Session.Version, 0), 1<<16-2))+1, a.name(r.Session.DialectWhy)
	}
	now := r.Frame.Time
	sp := span{sec: now.Unix(), nsec: uint32(now.Nanosecond()),
		state: a.name(display(m.Field(fAgentState))), reason: a.name(display(m.Field(fEventReasonCode)))}
	if a.Select == nil || a.Select(r) {
		sp.nsec |= shownBit
	}
	t.spans = append(t.spans, sp)
}

func (a *Agents) limit() int {
	if a.Max <= 0 {
		return MaxAgents
	}
	return a.Max
}

// Unlisted is the number of state changes of agents past Max.
func (a *Agents) Unlisted() int { return a.unlisted }

func (s span) start() time.Time { return time.Unix(s.sec, int64(s.nsec&^shownBit)).UTC() }

// Each calls f with each agent that has a span shown, in order of first
// appearance, built for the call (one agent's spans at a time); each
// last state is open and runs to the last record of the capture. It stops
// at f's first error.
func (a *Agents) Each(f func(*Agent) error) error {
	for ti := range a.tracks {
		t := &a.tracks[ti]
		ag := Agent{AgentID: t.id, Extension: t.ext}
		if t.ucceVersion > 0 {
			ag.UCCE, ag.Version, ag.DialectWhy = true, int(t.ucceVersion)-1, a.names[t.why]
		}
		for i, sp := range t.spans {
			if sp.nsec&shownBit == 0 {
				continue
			}
			s := StateSpan{State: a.names[sp.state], Reason: a.names[sp.reason], Start: sp.start(), shown: true}
			if i == len(t.spans)-1 {
				s.Duration, s.Open = a.last.Sub(s.Start), true
			} else {
				s.Duration = t.spans[i+1].start().Sub(s.Start)
			}
			ag.States = append(ag.States, s)
		}
		if len(ag.States) == 0 {
			continue
		}
		idx := map[string]int{}
		for _, s := range ag.States {
			i, ok := idx[s.State]
			if !ok {
				i = len(ag.Totals)
				idx[s.State] = i
				ag.Totals = append(ag.Totals, StateTotal{State: s.State})
			}
			ag.Totals[i].Duration += s.Duration
			ag.Totals[i].Spans++
		}
		if err := f(&ag); err != nil {
			return err
		}
	}
	return nil
}

// Result returns the agents in order of first appearance (Each, held at
// once).
func (a *Agents) Result() []Agent {
	var out []Agent
	a.Each(func(ag *Agent) error {
		out = append(out, *ag)
		return nil
	})
	return out
}

// End is the time of the last record seen.
func (a *Agents) End() time.Time { return a.last }
