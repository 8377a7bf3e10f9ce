// Package record is the neutral data model every consumer of decoded CTI
// traffic reads: where a message sits in the capture (file, packets,
// times, addresses, direction), the decoded message and what analysis of
// the whole capture found about it (its request/answer pair, whether it
// went unanswered, the call it belongs to). The pipeline (cmd/internal/pipeline)
// fills records from the reassembler; the display filter, the renderers,
// the reports and the Go API (cmd/capture) only read them.
//
// It sits next to dissect, not under render or cmd, because the filter
// (dissect/filter) evaluates records and must not depend on an output
// package or on the command glue. It imports nothing but dissect and the
// standard library: no gopacket, no terminal library.
package record

import (
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// Record is one row of output: a CTI message, or an event of the TCP
// stream that carried it (a gap, skipped bytes...) when Event is set.
type Record struct {
	Num     int              // 1-based CTI message number; 0 for events
	Frame   Frame            // where the message (or event) sits in the capture
	Msg     *dissect.Message // the decoded message; nil for events
	Session Session          // what the connection's session knew after the message
	Event   *Event           // set for stream events, nil for messages
	Request *Request         // for an answer: the request it answers, when seen
	// Set only when the pipeline looks ahead (pipeline.Options.Lookahead):
	Response   *Response // for a request: the confirm (or failure) that answered it
	Unanswered bool      // for a request: no answer in time, before its connection closed or before the capture ended
	// Released: the request was handed out before its verdict, because it
	// held the look-ahead queue past its bound; the verdict follows as a
	// Verdict (pipeline.Options.OnVerdict), never silently as "answered".
	Released bool
	// The calls the message names (its CallID first, then the others it
	// refers to), and the tie between two calls it reports, if any.
	Calls []CallRef
	Link  *CallLink

	// Rendered is the view's bytes for the record, made ahead on another
	// goroutine (render.Prerenderer, pipeline Options.Render), or nil;
	// they are valid while the record is.
	Rendered []byte
}

// Response links a request to the confirm (or FAILURE_CONF /
// CONTROL_FAILURE_CONF) with the same InvokeID on the same connection.
type Response struct {
	Num     int           // message number of the confirm
	Latency time.Duration // confirm time minus request time
	Failure bool          // the answer is a failure (FAILURE_CONF, CONTROL_FAILURE_CONF)
}

// A Verdict is the late word on a request that was Released: whether it was
// answered after all (Response set) or not (Unanswered).
type Verdict struct {
	Num        int    // the request's message number
	Type       string // its message type
	Time       time.Time
	Stream     int
	Response   *Response
	Unanswered bool
}

// Request links a confirm (or a FAILURE_CONF) to the request with the same
// InvokeID on the same connection.
type Request struct {
	Num     int           // message number of the request
	Latency time.Duration // confirm time minus request time
}

// Frame is the capture metadata of a message.
type Frame struct {
	File      string    // the capture file it was read from ("-" for standard input; "" when unknown)
	FileIndex int       // 0-based position of File among the captures read together
	Pkt       int       // capture packet number of the segment that completed the message
	Pkts      []int     // every capture packet that carried bytes of it, ascending
	Time      time.Time // capture time of Pkt
	Start     time.Time // capture time of the first packet of the capture (for relative times)
	Prev      time.Time // capture time of the previous record decoded, filtered out or not (-t d); zero on the first
	Stream    int       // TCP connection index, 0-based, in the order connections were recognised
	Src, Dst  netip.AddrPort
	Dir       Direction
	Truncated bool // the capture cut the message short (snaplen, capture end)
}

// Relative is the time since the first packet of the capture; a message
// stamped before it (captures are not always in time order) or with no
// known start counts as 0. Every view and the filter use this one value.
func (fr *Frame) Relative() time.Duration {
	if fr.Start.IsZero() || fr.Start.After(fr.Time) {
		return 0
	}
	return Elapsed(fr.Time, fr.Start)
}

// Client and Server are the connection's two endpoints, whichever way the
// message went.
func (fr *Frame) Client() netip.AddrPort {
	if fr.Dir == ServerToClient {
		return fr.Dst
	}
	return fr.Src
}

// Server is the CTI server's endpoint of the connection.
func (fr *Frame) Server() netip.AddrPort {
	if fr.Dir == ServerToClient {
		return fr.Src
	}
	return fr.Dst
}

// Direction says which way a message went.
type Direction uint8

// Directions; the zero value is unknown.
const (
	ClientToServer Direction = iota + 1
	ServerToClient
)

// String is the direction as every view and the filter spell it.
func (d Direction) String() string {
	switch d {
	case ClientToServer:
		return "client->server"
	case ServerToClient:
		return "server->client"
	}
	return ""
}

// Session is a snapshot of a connection's protocol state.
type Session struct {
	Version      int // protocol version (0 = unknown)
	Layout       dissect.Layout
	LayoutSource dissect.LayoutSource
	Mode         dissect.ClientMode
	Agent        string // the AgentID the connection's OPEN_REQ logged in ("" for none: bridge mode, or not seen)
	// Dialect is the connection's protocol once known. Views name it only
	// when it is UCCE: UCCX is the analyzer's default.
	Dialect dissect.Dialect
	// DialectWhy is the evidence the dialect was chosen by ("forced" by
	// --dialect; "" while undecided).
	DialectWhy string
	// Notes are the assumptions the session made at this message (new since
	// the connection's previous message): each is reported once.
	Notes []dissect.Note
}

// Agent is the agent a message is about: the AgentID it carries, else the
// agent logged in on its connection; "" when neither.
func (r *Record) Agent() string {
	if r.Msg != nil {
		if s, ok := r.Msg.StringField(fAgentID); ok && s != "" {
			return s
		}
	}
	return r.Session.Agent
}

// EventKind says what a stream event reports.
type EventKind uint8

// Stream event kinds (those the pipeline hands out).
const (
	Gap EventKind = iota + 1
	Skipped
	Overflow
	DirectionChanged
	Ignored // a segment a receiving stack would drop (a forged or stale RST)
)

var eventKindNames = [...]string{Gap: "gap", Skipped: "skipped", Overflow: "overflow", DirectionChanged: "direction-changed", Ignored: "ignored"}

// String is the kind as the views and the filter (cti.event) spell it.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) {
		return eventKindNames[k]
	}
	return ""
}

// Event is something the reassembler reports about a stream.
type Event struct {
	Kind   EventKind
	Bytes  int64  // bytes concerned
	Offset int64  // stream offset where they start
	Text   string // detail
}

// UnansweredCode is the expert code shown on a request that got no answer.
const UnansweredCode = "cti.request.unanswered"

// Secret is what a secret field's value is replaced with.
const Secret = "********"

// IsSecret reports whether a field's value must be masked. The definition
// is consulted too, so a password tag sent where its message does not define
// it is masked as well.
func IsSecret(f *dissect.Field) bool {
	return f.Secret || f.Def != nil && f.Def.Secret
}

// IsRequest reports whether a message is a request that an answer names by
// InvokeID: only those are paired, counted as requests, and can go
// unanswered. CONFIG_REQUEST_EVENT and CONFIG_REQUEST_KEY_EVENT are
// requests in the guide's sense but carry no InvokeID, so nothing can
// answer them.
func IsRequest(m *dissect.Message) bool {
	if m == nil || m.Def == nil || m.Def.Kind != dissect.KindRequest {
		return false
	}
	_, ok := m.UintField(fInvokeID)
	return ok
}
