package reassembly

import (
	"fmt"
	"time"
)

// Item is one unit of output: exactly one of Frame and Event is non-nil.
// Both point into Reassembler-owned storage that is reused after the
// callback returns.
type Item struct {
	Frame *Frame
	Event *Event
}

// EventKind says what an Event reports.
type EventKind uint8

// Event kinds.
const (
	// Opened: a connection was recognised as CTI. Sent before its first
	// frame, so the caller can set Conn.Context.
	Opened EventKind = iota + 1
	// Gap: Bytes bytes at stream Offset were never captured (lost segment,
	// snaplen cut). Framing re-synchronises afterwards.
	Gap
	// Skipped: Bytes bytes starting at Offset were passed over while looking
	// for a frame boundary (after a gap, an implausible header, or at a
	// mid-session start).
	Skipped
	// Overflow: Bytes bytes at Offset were dropped because a direction's
	// buffer cap (Options.MaxBuffered) was hit.
	Overflow
	// DirectionChanged: a client-only message showed that the guessed
	// direction was wrong; frames from now on use the corrected one.
	DirectionChanged
	// Closed: the connection ended; Text says why (fin, rst, idle, reused,
	// evicted, end of capture). No further items refer to it.
	Closed
	// Ignored: a segment a receiving TCP stack would have dropped was
	// dropped: an RST not at the next expected sequence number (RFC 5961;
	// Text says whether it was inside the receive window, where the stack
	// answers with a challenge ACK, or outside it). Bytes is its payload.
	// The connection goes on.
	Ignored
)

var eventKindNames = [...]string{
	Opened:           "opened",
	Gap:              "gap",
	Skipped:          "skipped",
	Overflow:         "overflow",
	DirectionChanged: "direction-changed",
	Ignored:          "ignored",
	Closed:           "closed",
}

func (k EventKind) String() string {
	if int(k) < len(eventKindNames) && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", uint8(k))
}

// Reasons carried in Event.Text for Closed events.
const (
	ReasonFIN     = "fin"
	ReasonRST     = "rst"
	ReasonIdle    = "idle"
	ReasonReused  = "reused"
	ReasonEvicted = "evicted"
	ReasonEnd     = "end of capture"
)

// Event reports something about a connection other than a frame.
type Event struct {
	Conn   *Conn
	Dir    Direction // meaningful for Gap, Skipped, Overflow
	Kind   EventKind
	Bytes  int64     // how many bytes the event is about
	Offset int64     // stream offset (bytes since the start of the direction) where they start
	Pkt    int       // capture frame number that triggered the event (0: none, e.g. end of capture)
	Time   time.Time // capture time of that packet (zero at end of capture)
	Text   string    // short human-readable detail
}

func (e *Event) String() string {
	s := fmt.Sprintf("conn %d %s %s", e.Conn.Index, e.Dir, e.Kind)
	switch e.Kind {
	case Gap, Skipped, Overflow:
		s += fmt.Sprintf(" %d bytes at offset %d", e.Bytes, e.Offset)
	}
	if e.Text != "" {
		s += ": " + e.Text
	}
	return s
}
