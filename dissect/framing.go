package dissect

import "encoding/binary"

// MaxFrameBody is the largest body Framing accepts as plausible: well above
// the guide's 12,500-byte limit, far below what a lost frame boundary
// usually reads as.
const MaxFrameBody = 32768

// Framing tells the reassembler what a CTI frame header looks like without
// giving it any message layout. It implements reassembly.Protocol.
type Framing struct{}

// HeaderLen is the size of a frame header.
func (Framing) HeaderLen() int { return HeaderLen }

// FrameLen returns the whole frame length and whether the header is
// plausible: a message type either dialect knows, and a body between the
// message's shortest fixed part and MaxFrameBody. The framer knows no
// session, so every version's meaning of the type ID counts.
func (Framing) FrameLen(hdr []byte) (int, bool) {
	if len(hdr) < HeaderLen {
		return 0, false
	}
	n := binary.BigEndian.Uint32(hdr[0:4])
	id := binary.BigEndian.Uint32(hdr[4:8])
	if n > MaxFrameBody {
		return HeaderLen + int(n&0x7fffffff), false
	}
	for _, c := range Catalogs() {
		for _, def := range c.byTypeID(id) {
			if plausibleBody(def, int(n)) {
				return HeaderLen + int(n), true
			}
		}
	}
	return HeaderLen + int(n), false
}

// plausibleBody reports whether a body of n bytes can be a def: at least
// its shortest fixed part, and no more than the fixed part when the message
// has no floating part. An opaque message's layout is unknown: any size.
func plausibleBody(def *MessageDef, n int) bool {
	if def.Opaque {
		return true
	}
	return n >= def.minFixed && (len(def.Floating) > 0 || n <= def.fixedSize)
}

// MaxTypeID is the largest MessageTypeID a frame of an unknown type may
// carry at a known frame boundary: far above the highest ID either dialect
// defines (UCCE's lists stop below 300), far below what the bytes of a lost
// boundary usually read as.
const MaxTypeID = 4095

// FrameLenInSync is FrameLen for a header that starts exactly where the
// previous frame ended: any type with a sane BodyLength is a frame there.
// An unknown type decodes as UNKNOWN_<id> with its body as raw data; a
// known type whose body does not fit its layout decodes with expert items
// saying why. Only a search for a boundary demands the stricter FrameLen.
func (Framing) FrameLenInSync(hdr []byte) (int, bool) {
	if len(hdr) < HeaderLen {
		return 0, false
	}
	n := binary.BigEndian.Uint32(hdr[0:4])
	id := binary.BigEndian.Uint32(hdr[4:8])
	if n > MaxFrameBody || id == 0 || id > MaxTypeID {
		return HeaderLen + int(n&0x7fffffff), false
	}
	return HeaderLen + int(n), true
}

// ClientOnly reports whether the frame's message is only sent by clients
// in every dialect that knows its type.
func (Framing) ClientOnly(hdr []byte) bool {
	if len(hdr) < HeaderLen {
		return false
	}
	id := binary.BigEndian.Uint32(hdr[4:8])
	known := false
	for _, c := range Catalogs() {
		for _, def := range c.byTypeID(id) {
			if def.Sender != SenderClient {
				return false
			}
			known = true
		}
	}
	return known
}
