// Package render turns decoded CTI messages into what people and scripts
// read: a packet-list table, a Wireshark-style detail tree with an optional
// hex dump, and JSON (an array or one object per line).
//
// Renderers only read dissect trees. They take a Record, which says where a
// message came from (capture packets, time, TCP stream, endpoints) and what
// the session knew when it was decoded; the pipeline fills Records from the
// reassembler, tests build them by hand.
package render

import (
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// Record is one row of output: a CTI message, or an event of the TCP stream
// that carried it (a gap, skipped bytes...) when Event is set.
type Record struct {
	Num     int              // 1-based CTI message number; 0 for events
	Frame   Frame            // where the message (or event) sits in the capture
	Msg     *dissect.Message // the decoded message; nil for events
	Session Session          // what the connection's session knew after the message
	Event   *Event           // set for stream events, nil for messages
	Request *Request         // for a confirm: the request it answers, when seen

	// Set only when the pipeline looks ahead (pipeline.Options.Lookahead):
	Response   *Response // for a request: the confirm (or failure) that answered it
	Unanswered bool      // for a request: no answer before its connection closed or the capture ended
}

// Response links a request to the confirm (or FAILURE_CONF /
// CONTROL_FAILURE_CONF) with the same InvokeID on the same connection.
type Response struct {
	Num     int           // message number of the confirm
	Latency time.Duration // confirm time minus request time
}

// Request links a confirm (or a FAILURE_CONF) to the request with the same
// InvokeID on the same connection.
type Request struct {
	Num     int           // message number of the request
	Latency time.Duration // confirm time minus request time
}

// Frame is the capture metadata of a message.
type Frame struct {
	Pkt       int       // capture packet number of the segment that completed the message
	Pkts      []int     // every capture packet that carried bytes of it, ascending
	Time      time.Time // capture time of Pkt
	Start     time.Time // capture time of the first packet of the capture (for relative times)
	Stream    int       // TCP connection index, 0-based, in the order connections were recognised
	Src, Dst  netip.AddrPort
	Dir       string // "client->server" or "server->client"
	Truncated bool   // the capture cut the message short (snaplen, capture end)
}

// Relative is the time since the first packet of the capture; a message
// stamped before it (captures are not always in time order) or with no
// known start counts as 0.
func (fr *Frame) Relative() time.Duration {
	if fr.Start.IsZero() || fr.Start.After(fr.Time) {
		return 0
	}
	return fr.Time.Sub(fr.Start)
}

// Session is a snapshot of a connection's protocol state.
type Session struct {
	Version      int // protocol version (0 = unknown)
	Layout       dissect.Layout
	LayoutSource dissect.LayoutSource
	Mode         dissect.ClientMode
	// Dialect is the connection's protocol once known. Views name it only
	// when it is UCCE: UCCX is the analyzer's default.
	Dialect dissect.Dialect
	// Notes are the assumptions the session made at this message (new since
	// the connection's previous message): each is reported once.
	Notes []dissect.Note
}

// Event is something the reassembler reports about a stream.
type Event struct {
	Kind   string // gap, skipped, overflow, direction-changed
	Bytes  int64  // bytes concerned
	Offset int64  // stream offset where they start
	Text   string // detail
}

// UnansweredCode is the expert code shown on a request that got no answer
// before its connection closed or the capture ended.
const UnansweredCode = "cti.request.unanswered"

// Secret is what a secret field's value is replaced with.
const Secret = "********"

// IsSecret reports whether a field's value must be masked. The definition
// is consulted too, so a password tag sent where its message does not define
// it is masked as well.
func IsSecret(f *dissect.Field) bool {
	return f.Secret || f.Def != nil && f.Def.Secret
}
