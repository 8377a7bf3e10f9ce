package capture

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Message is one decoded CTI message with where it came from, and
// accessors for what tests ask most.
type Message struct {
	rec     *pipeline.Record
	secrets bool
}

// Num is the CTI message number (1-based, counting every message of the
// capture, filtered or not), as `ctishark read` shows it.
func (m *Message) Num() int { return m.rec.Num }

// Type is the message type name (AGENT_STATE_EVENT), or UNKNOWN_<id>.
func (m *Message) Type() string { return m.rec.Msg.Name() }

// Time is the capture time of the packet that completed the message.
func (m *Message) Time() time.Time { return m.rec.Frame.Time }

// Relative is the time since the capture's first packet.
func (m *Message) Relative() time.Duration { return m.rec.Frame.Relative() }

// Stream is the TCP connection index (0-based, in the order connections
// were recognised as CTI).
func (m *Message) Stream() int { return m.rec.Frame.Stream }

// Src and Dst are the sender's and receiver's addresses.
func (m *Message) Src() netip.AddrPort { return m.rec.Frame.Src }
func (m *Message) Dst() netip.AddrPort { return m.rec.Frame.Dst }

// FromClient reports whether the client (desktop, wallboard) sent it.
func (m *Message) FromClient() bool { return m.rec.Frame.Dir == record.ClientToServer }

// Packets are the capture packet numbers that carried the message.
func (m *Message) Packets() []int { return m.rec.Frame.Pkts }

// Info is the one-line summary of `ctishark read`'s table.
func (m *Message) Info() string { return record.Info(m.rec.Msg, m.secrets) }

// Field returns the first value of a field, by filter name (cti.AgentID,
// also cti.num, cti.stream, cti.response_time...) or by the guide's field
// name (AgentID). Numbers come as decimal text, enums as their number
// (Display gives the name). Secrets are masked unless WithSecrets.
func (m *Message) Field(name string) (string, bool) {
	vs := m.Fields(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// Fields returns every occurrence of a field (repeated floating fields).
func (m *Message) Fields(name string) []string {
	return record.FieldValues(nil, m.rec, filterName(name), false, m.secrets)
}

// Display returns a field's symbolic value: the enum name, the mask bit
// names, a TIME as a date; the plain value when it has none.
func (m *Message) Display(name string) (string, bool) {
	vs := record.FieldValues(nil, m.rec, filterName(name), true, m.secrets)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// Uint returns a numeric field's value.
func (m *Message) Uint(name string) (uint64, bool) {
	v, ok := m.Field(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// ResponseTime is, on a request, the time until its answer and, on a
// confirm, the time since its request; false when unpaired.
func (m *Message) ResponseTime() (time.Duration, bool) {
	switch {
	case m.rec.Response != nil:
		return m.rec.Response.Latency, true
	case m.rec.Request != nil:
		return m.rec.Request.Latency, true
	}
	return 0, false
}

// Answered reports, on a request, whether a confirm (or failure) answered
// it; Unanswered whether its connection closed or the capture ended first.
func (m *Message) Answered() bool   { return m.rec.Response != nil }
func (m *Message) Unanswered() bool { return m.rec.Unanswered }

// Agent is the agent the message is about: the AgentID it carries, else
// the agent logged in on its connection (its OPEN_REQ's AgentID).
func (m *Message) Agent() string { return m.rec.Agent() }

// Calls are the calls the message names, its CallID's first, each as
// `ctishark calls` counts calls: a CallID within one capture's server
// session and time span (N tells a reused CallID's calls apart).
func (m *Message) Calls() []record.CallRef { return m.rec.Calls }

// IsFailure reports FAILURE_CONF, FAILURE_EVENT and CONTROL_FAILURE_CONF.
func (m *Message) IsFailure() bool { return m.rec.Msg.IsFailure() }

// Expert returns the message's expert items (malformed or doubtful bytes).
func (m *Message) Expert() []dissect.Expert { return m.rec.Msg.AllExpert() }

// Decoded is the full field tree, for what the accessors do not cover.
func (m *Message) Decoded() *dissect.Message { return m.rec.Msg }

// Record is the message as ctishark's renderers see it.
func (m *Message) Record() *record.Record { return m.rec }

// filterName accepts both cti.AgentID and AgentID. Guide names with spaces
// ("Unified CCX Online") lose them, as filter names do.
func filterName(name string) string {
	if strings.HasPrefix(name, "cti.") {
		return name
	}
	return dissect.FilterName(name)
}
