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
type Agents struct {
	// Select says which state changes are shown; nil shows all.
	Select func(*record.Record) bool

	agents map[string]*agentTrack
	order  []*agentTrack
	last   time.Time
}

type agentTrack struct {
	Agent
	stream    int
	ownStream bool // stream is an agent-mode connection
}

// NewAgents returns an empty tracker.
func NewAgents() *Agents { return &Agents{agents: make(map[string]*agentTrack)} }

// Add feeds one record.
func (a *Agents) Add(r *record.Record) {
	if r.Frame.Time.After(a.last) {
		a.last = r.Frame.Time
	}
	m := r.Msg
	if m == nil || m.Def == nil || m.Def.ID != dissect.MsgAgentStateEvent {
		return
	}
	id := str(m, "AgentID")
	if id == "" {
		return
	}
	own := r.Session.Mode == dissect.ModeAgent
	t := a.agents[id]
	switch {
	case t == nil:
		t = &agentTrack{Agent: Agent{AgentID: id}, stream: r.Frame.Stream, ownStream: own}
		a.agents[id] = t
		a.order = append(a.order, t)
	case t.stream == r.Frame.Stream:
	case own && !t.ownStream:
		t.stream, t.ownStream = r.Frame.Stream, true // switch to the agent's own desktop
	default:
		return // a copy of a change already followed elsewhere
	}
	if ext := str(m, "AgentExtension"); ext != "" {
		t.Extension = ext
	}
	t.UCCE, t.Version, t.DialectWhy = false, 0, ""
	if r.Session.Dialect == dissect.DialectUCCE {
		t.UCCE, t.Version, t.DialectWhy = true, r.Session.Version, r.Session.DialectWhy
	}
	now := r.Frame.Time
	if n := len(t.States); n > 0 {
		t.States[n-1].Duration = now.Sub(t.States[n-1].Start)
	}
	t.States = append(t.States, StateSpan{
		State:  display(m.Get("AgentState")),
		Reason: display(m.Get("EventReasonCode")),
		Start:  now,
		shown:  a.Select == nil || a.Select(r),
	})
}

// Result returns the agents in order of first appearance; each last state
// is open and runs to the last record of the capture.
func (a *Agents) Result() []Agent {
	out := make([]Agent, 0, len(a.order))
	for _, t := range a.order {
		ag := t.Agent
		ag.States = nil
		for i, s := range t.States {
			if i == len(t.States)-1 {
				s.Duration, s.Open = a.last.Sub(s.Start), true
			}
			if s.shown {
				ag.States = append(ag.States, s)
			}
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
		out = append(out, ag)
	}
	return out
}

// End is the time of the last record seen.
func (a *Agents) End() time.Time { return a.last }
