// Package ladder draws CTI call ladders (sequence diagrams): one lifeline per
// endpoint (the CTI server and each client session) and one arrow per
// message, in capture order, with request/confirm latencies, failures,
// unanswered requests, stream gaps and expert errors marked.
//
// A Builder turns pipeline Records into Arrows and Endpoints; a Selector
// narrows them (--call, --agent, --stream); the text renderer streams one
// line per arrow, while SVG and JSON render a whole Diagram.
package ladder

import (
	"net/netip"
	"strconv"
	"time"
)

// Role says which side of the protocol an endpoint is.
type Role string

const (
	RoleServer Role = "server"
	RoleClient Role = "client"
)

// Endpoint is one lifeline: a CTI server address, or one client session
// (a TCP connection's client end).
type Endpoint struct {
	Index    int    // position in the diagram, 0-based, in order of first appearance
	Name     string // short column name: A, B, ... Z, AA, AB ...
	Role     Role
	Addr     netip.AddrPort
	Stream   int    // client sessions: the TCP stream; -1 for servers
	ClientID string // OPEN_REQ ClientID (the client signature), when seen
	AgentID  string // OPEN_REQ AgentID, when seen
	Mode     string // agent, bridge or "" when unknown
	// UCCE sessions: the protocol version and why the session was taken
	// for UCCE. Labels name the dialect only when it is UCCE, UCCX being
	// the analyzer's default (as read's session line does).
	UCCE       bool
	Version    int
	DialectWhy string
}

// Label is the endpoint's description: what the OPEN_REQ said about it.
func (e *Endpoint) Label() string {
	if e.Role == RoleServer {
		return "CTI server"
	}
	s := ""
	add := func(p string) {
		if s != "" {
			s += ", "
		}
		s += p
	}
	if e.ClientID != "" {
		add(e.ClientID)
	}
	if e.AgentID != "" {
		add("agent " + e.AgentID)
	}
	if e.Mode != "" {
		add(e.Mode + " mode")
	}
	if d := e.DialectLabel(); d != "" {
		add(d)
	}
	if s == "" {
		s = "client (no OPEN_REQ seen)"
	}
	return s
}

// DialectLabel names a UCCE session's dialect and version ("UCCE v20");
// "" for UCCX and undecided sessions.
func (e *Endpoint) DialectLabel() string {
	if !e.UCCE {
		return ""
	}
	if e.Version > 0 {
		return "UCCE v" + strconv.Itoa(e.Version)
	}
	return "UCCE"
}

// Arrow is one message (or stream event) drawn between two lifelines.
type Arrow struct {
	Num     int       // CTI message number; 0 for stream events
	Time    time.Time // capture time
	Rel     time.Duration
	Stream  int
	From    int    // endpoint index of the sender
	To      int    // endpoint index of the receiver
	MsgType string // message name; for events the event kind in capitals (GAP...)
	Kind    string // request, confirm, event, or the stream event kind (gap, skipped...)
	Label   string // one-line summary (secrets masked unless asked)

	Request    int           // on a confirm: the request's message number (0 = not seen)
	Response   int           // on a request: the confirm's message number (0 = not known)
	Latency    time.Duration // confirm time minus request time, on both ends of a pair
	HasLatency bool
	Failure    bool   // FAILURE_CONF, FAILURE_EVENT, CONTROL_FAILURE_CONF
	Status     string // failures: the status / failure code name
	Unanswered bool   // a request no confirm answered
	Expert     []string
}

// IsEvent reports whether the arrow is a stream event (gap...), not a message.
func (a *Arrow) IsEvent() bool { return a.Num == 0 }

// Diagram is a whole ladder, for the renderers that need every arrow.
type Diagram struct {
	Title     string
	Start     time.Time
	Endpoints []*Endpoint
	Arrows    []Arrow
}

// columnName is the spreadsheet-style name of column i: A..Z, AA, AB...
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
