package dissect

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// Summary is the handful of facts table and statistics views need from a
// frame. Summarize fills it without building a field tree and without
// allocating: the byte fields are slices of the frame (no NUL).
type Summary struct {
	Frame      []byte
	BodyLength uint32
	TypeID     uint32
	Def        *MessageDef // nil for unknown message types

	Layout       Layout
	LayoutSource LayoutSource
	FixedSize    int
	Malformed    bool // the frame does not parse cleanly (Decode says why)
	ev           evidence
	olderThan    int
	vote         vote

	InvokeID        uint32
	CallID          uint32 // CallID, PrimaryCallID, ActiveCallID or HeldCallID
	NewCallID       uint32
	AgentState      uint16
	EventReasonCode uint16
	Status          uint32 // Status, FailureCode
	Version         uint32 // OPEN_REQ's VersionNumber
	Services        uint32 // OPEN_REQ's ServicesRequested, OPEN_CONF's ServicesGranted
	Has             SummaryFields

	AgentID         []byte
	AgentExtension  []byte
	AgentInstrument []byte
	ANI             []byte
	DNIS            []byte
	DialedNumber    []byte
	DeviceID        []byte // ConnectionDeviceID or the first other *DeviceID
	Text            []byte
}

// SummaryFields says which numeric members of a Summary were present.
type SummaryFields uint16

const (
	HasInvokeID SummaryFields = 1 << iota
	HasCallID
	HasNewCallID
	HasAgentState
	HasReason
	HasStatus
	HasVersion
	HasServices
)

// keyOffsets locates a message's key fixed fields; -1 when absent.
type keyOffsets struct {
	invokeID, callID, newCallID, agentState, reason, status, version, services int
	statusSize                                                                 int
	floating                                                                   uint16 // summary slots the message defines (1<<slot)
}

// Summary slots filled from the floating part. A slot is filled only from a
// tag the message defines under the slot's name (tag 10 of CONFIG_DEVICE_EVENT
// is no DNIS), and from its first occurrence, as Message.String does.
const (
	slotAgentID = iota
	slotAgentExtension
	slotAgentInstrument
	slotANI
	slotDNIS
	slotDialedNumber
	slotText
	slotConnectionDeviceID
	slotOtherDeviceID
)

// tagSlot is the summary slot a floating tag fills, -1 for none.
func tagSlot(tag uint16, d Dialect) int {
	switch tag {
	case TagAgentID: // UCCE's 194 is AgentIDLong
		if d == DialectUCCX {
			return slotAgentID
		}
	case 5: // UCCX's 5 is reserved
		if d == DialectUCCE {
			return slotAgentID
		}
	case TagAgentExtension:
		return slotAgentExtension
	case TagAgentInstrument:
		return slotAgentInstrument
	case TagANI:
		return slotANI
	case TagDNIS:
		return slotDNIS
	case TagDialedNumber:
		return slotDialedNumber
	case TagText:
		return slotText
	case TagConnectionDeviceID:
		return slotConnectionDeviceID
	case TagHoldingDeviceID, TagRetrievingDeviceID, TagReleasingDeviceID, TagFailingDeviceID, TagPrimaryDeviceID,
		TagDivertingDeviceID, TagQueueDeviceID, TagNewConnectionDeviceID, TagActiveConnectionDeviceID, TagHeldConnectionDeviceID:
		return slotOtherDeviceID
	}
	return -1
}

var slotNames = [...]string{"AgentID", "AgentExtension", "AgentInstrument", "ANI", "DNIS", "DialedNumber", "Text", "ConnectionDeviceID"}

// summarySlot is the slot a message's floating field fills: its tag's slot,
// when the message gives the tag the slot's name.
func summarySlot(tag uint16, name string, d Dialect) int {
	slot := tagSlot(tag, d)
	switch {
	case slot == slotOtherDeviceID && strings.HasSuffix(name, "DeviceID"):
		return slot
	case slot >= 0 && slot < len(slotNames) && slotNames[slot] == name:
		return slot
	}
	return -1
}

func init() {
	for _, m := range append(Messages()[:len(Messages()):len(Messages())], ucceCatalog.Messages()...) {
		k := &keyOffsets{-1, -1, -1, -1, -1, -1, -1, -1, 0, 0}
		off := 0
		for _, f := range m.Fixed {
			switch f.Name {
			case "InvokeID":
				k.invokeID = off
			case "CallID", "PrimaryCallID", "ActiveCallID", "HeldCallID":
				if k.callID < 0 {
					k.callID = off
				}
			case "NewCallID":
				k.newCallID = off
			case "AgentState":
				k.agentState = off
			case "EventReasonCode":
				k.reason = off
			case "Status", "FailureCode":
				k.status, k.statusSize = off, f.Size
			case "VersionNumber":
				k.version = off
			case "ServicesRequested", "ServicesGranted":
				k.services = off
			}
			off += f.Size
		}
		for i := range m.Floating {
			if slot := summarySlot(m.Floating[i].Tag, m.Floating[i].Name, m.Dialect); slot >= 0 {
				k.floating |= 1 << slot
			}
		}
		m.keys = k
	}
}

// Summarize fills out from frame; see Summary. It resets out first.
func Summarize(frame []byte, ctx Context, out *Summary) {
	*out = Summary{Frame: frame}
	if len(frame) < HeaderLen {
		out.Malformed = true
		return
	}
	out.BodyLength = binary.BigEndian.Uint32(frame[0:4])
	out.TypeID = binary.BigEndian.Uint32(frame[4:8])
	body := frame[HeaderLen:]
	if uint64(out.BodyLength) < uint64(len(body)) {
		body, out.Malformed = body[:out.BodyLength], true
	} else if uint64(out.BodyLength) > uint64(len(body)) {
		out.Malformed = true
	}
	def, v := defFor(out.TypeID, body, ctx)
	out.Def, out.vote = def, v
	if def == nil || def.Opaque {
		return
	}
	sh := chooseShape(def, body, ctx)
	out.Layout, out.LayoutSource, out.FixedSize, out.ev = sh.layout, sh.source, sh.size, sh.ev
	if !sh.fits || !sh.clean {
		out.Malformed = true
	}
	if sh.nFixed < len(def.Fixed) && sh.fits && ctx.Version == 0 {
		out.olderThan = def.Fixed[sh.nFixed].Version
	}
	if sh.size > len(body) {
		out.FixedSize = len(body) // as Decode: the fixed part is cut short
	}
	k := def.keys
	u32 := func(off int) (uint32, bool) {
		if off < 0 || off+4 > len(body) {
			return 0, false
		}
		return binary.BigEndian.Uint32(body[off:]), true
	}
	u16 := func(off int) (uint16, bool) {
		if off < 0 || off+2 > len(body) {
			return 0, false
		}
		return binary.BigEndian.Uint16(body[off:]), true
	}
	var ok bool
	if out.InvokeID, ok = u32(k.invokeID); ok {
		out.Has |= HasInvokeID
	}
	if out.CallID, ok = u32(k.callID); ok {
		out.Has |= HasCallID
	}
	if out.NewCallID, ok = u32(k.newCallID); ok {
		out.Has |= HasNewCallID
	}
	if out.AgentState, ok = u16(k.agentState); ok {
		out.Has |= HasAgentState
	}
	if out.EventReasonCode, ok = u16(k.reason); ok {
		out.Has |= HasReason
	}
	if k.statusSize == 2 {
		var s uint16
		if s, ok = u16(k.status); ok {
			out.Status, out.Has = uint32(s), out.Has|HasStatus
		}
	} else if out.Status, ok = u32(k.status); ok {
		out.Has |= HasStatus
	}
	if out.Version, ok = u32(k.version); ok {
		out.Has |= HasVersion
	}
	if out.Services, ok = u32(k.services); ok {
		out.Has |= HasServices
	}
	if sh.fits && sh.layout != LayoutUnknown {
		summarizeFloating(out, body[sh.size:], sh.layout, k.floating, def.Dialect)
	}
}

func summarizeFloating(out *Summary, b []byte, l Layout, slots uint16, d Dialect) {
	h := l.HeaderLen()
	conn := false // DeviceID holds the ConnectionDeviceID
	for pos := 0; pos < len(b); {
		tag, n, ok := l.readHeader(b[pos:])
		if !ok || pos+h+n > len(b) {
			return
		}
		data := b[pos+h : pos+h+n]
		if i := bytes.IndexByte(data, 0); i >= 0 {
			data = data[:i]
		}
		pos += h + n
		slot := tagSlot(tag, d)
		if slot < 0 || slots&(1<<slot) == 0 {
			continue
		}
		var dst *[]byte
		switch slot {
		case slotAgentID:
			dst = &out.AgentID
		case slotAgentExtension:
			dst = &out.AgentExtension
		case slotAgentInstrument:
			dst = &out.AgentInstrument
		case slotANI:
			dst = &out.ANI
		case slotDNIS:
			dst = &out.DNIS
		case slotDialedNumber:
			dst = &out.DialedNumber
		case slotText:
			dst = &out.Text
		case slotConnectionDeviceID:
			if !conn {
				out.DeviceID, conn = data, true
			}
			continue
		case slotOtherDeviceID:
			dst = &out.DeviceID
		}
		if *dst == nil {
			*dst = data
		}
	}
}
