// Package ctitest holds test helpers for reassembly and for the commands
// built on it (exported, like net/http/httptest): a minimal CTI
// Protocol and builders for packets and capture files. It knows only the
// frame header (BodyLength, MessageTypeID), never message layouts.
package ctitest

import "encoding/binary"

// MaxBody is the largest body the test protocol finds plausible.
const MaxBody = 32768

var known, clientOnly [256]bool

func init() {
	for _, r := range [][2]int{{1, 21}, {23, 27}, {30, 31}, {35, 65}, {78, 79}, {82, 86}, {91, 92}, {116, 117}, {230, 238}, {242, 244}} {
		for t := r[0]; t <= r[1]; t++ {
			known[t] = true
		}
	}
	for _, t := range []int{3, 5, 7, 26, 36, 38, 40, 42, 44, 46, 48, 50, 54, 56, 60, 62, 64, 78, 82, 84, 91, 230, 232, 242} {
		clientOnly[t] = true
	}
}

// Proto implements reassembly.Protocol for tests.
type Proto struct{}

// HeaderLen is 8.
func (Proto) HeaderLen() int { return 8 }

// FrameLen returns header+body length for a known type and sane body.
func (Proto) FrameLen(h []byte) (int, bool) {
	if len(h) < 8 {
		return 0, false
	}
	body := binary.BigEndian.Uint32(h[0:4])
	typ := binary.BigEndian.Uint32(h[4:8])
	if typ >= 256 || !known[typ] || body > MaxBody {
		return 0, false
	}
	return int(body) + 8, true
}

// ClientOnly reports client-only message types.
func (Proto) ClientOnly(h []byte) bool {
	if len(h) < 8 {
		return false
	}
	typ := binary.BigEndian.Uint32(h[4:8])
	return typ < 256 && clientOnly[typ]
}

// Type returns the message type of a frame.
func Type(frame []byte) uint32 {
	if len(frame) < 8 {
		return 0
	}
	return binary.BigEndian.Uint32(frame[4:8])
}

// Msg builds a frame of type typ with a body of n deterministic bytes
// chosen so that no plausible header appears inside the body.
func Msg(typ uint32, n int) []byte {
	b := make([]byte, 8+n)
	binary.BigEndian.PutUint32(b[0:4], uint32(n))
	binary.BigEndian.PutUint32(b[4:8], typ)
	for i := range n {
		b[8+i] = byte(0xa0 + (i*7+int(typ))%0x5f)
	}
	return b
}

// Cat concatenates frames.
func Cat(frames ...[]byte) []byte {
	var out []byte
	for _, f := range frames {
		out = append(out, f...)
	}
	return out
}
