package render

import (
	"encoding/binary"
	"net/netip"
	"time"
	"unsafe"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// jsonMemo is one rendering goroutine's memory of what it wrote last:
// each field definition's last object, each connection's endpoints and
// session object, the last record's time to the second, each with what
// it was made from. Most of a record's JSON is what the same piece was
// last time: the fixed fields sit at the offsets of their message's
// layout and many carry the same value message after message (reserved
// words, masks, peripheral IDs, states); counted on a generated 20 MB
// capture, 69% of 1.5 million fields were byte for byte the last one of
// their definition, 85% of the fixed ones. Such a piece is a comparison
// and one append instead of its keys, values, display names, filter,
// offset and size. A memo belongs to one goroutine (each rendering
// goroutine has its own) and to one style.
type jsonMemo struct {
	shots   []fieldShot  // by defFrags.id, made on first use
	streams []streamShot // by connection, modulo their number, made on first use
	// The date and time to the second of the last record's time
	// ("2006-01-02T15:04:05."), for the records of the same second.
	sec       int64
	secPrefix [len(secLayout)]byte
	secMade   bool
}

// secLayout is what secPrefix holds, digits aside.
const secLayout = "2006-01-02T15:04:05."

// appendTime is appendUTCNano with the date and time to the second
// taken from the last record's when they are in the same second: the
// calendar arithmetic is then done once per second of capture, not once
// per record. Without a memo (nil) it is appendUTCNano.
func (m *jsonMemo) appendTime(b []byte, t time.Time) []byte {
	if m != nil && m.secMade && t.Unix() == m.sec {
		b = append(b, m.secPrefix[:]...)
		b = appendDigits(b, t.Nanosecond(), 9)
		return append(b, 'Z')
	}
	at := len(b)
	b = appendUTCNano(b, t)
	if m == nil {
		return b
	}
	// Only the four-digit years have the layout's length and shape.
	if len(b)-at == len(secLayout)+10 && b[at+len(secLayout)-1] == '.' {
		m.sec, m.secMade = t.Unix(), true
		copy(m.secPrefix[:], b[at:])
	}
	return b
}

// streamShot is the memo's last rendering of a connection's endpoints
// (src, dst, dir) and of its session object, which change seldom on a
// connection and cost two address formattings and four escaped strings
// per record otherwise.
type streamShot struct {
	src, dst netip.AddrPort
	dir      record.Direction
	ends     []byte
	endsMade bool
	sess     sessionKey
	sessJSON []byte
	sessMade bool
}

// sessionKey is what a session object without notes shows.
type sessionKey struct {
	version int
	layout  dissect.Layout
	source  dissect.LayoutSource
	mode    dissect.ClientMode
	dialect dissect.Dialect
}

func sessionKeyOf(s *record.Session) sessionKey {
	return sessionKey{s.Version, s.Layout, s.LayoutSource, s.Mode, s.Dialect}
}

// memoStreams is how many connections' shots a memo keeps; a capture
// with more shares them (a miss costs one rendering).
const memoStreams = 512

// stream is the shot of connection n in direction dir (a connection's
// records alternate between the two), nil for no memo.
func (m *jsonMemo) stream(n int, dir record.Direction) *streamShot {
	if m == nil {
		return nil
	}
	if m.streams == nil {
		m.streams = make([]streamShot, 2*memoStreams)
	}
	i := 2 * (uint(n) % memoStreams)
	if dir == record.ServerToClient {
		i++
	}
	return &m.streams[i]
}

// sameEnds reports whether the shot holds the endpoints of fr (false
// for no memo).
func (s *streamShot) sameEnds(fr *record.Frame) bool {
	return s != nil && s.endsMade && s.src == fr.Src && s.dst == fr.Dst && s.dir == fr.Dir
}

// sameSession reports whether the shot holds the object of sess, which
// has no notes (false for no memo).
func (s *streamShot) sameSession(sess *record.Session) bool {
	return s != nil && s.sessMade && len(sess.Notes) == 0 && s.sess == sessionKeyOf(sess)
}

// takeEnds keeps json as the endpoints of fr.
func (s *streamShot) takeEnds(fr *record.Frame, json []byte) {
	if s == nil {
		return
	}
	s.src, s.dst, s.dir, s.endsMade = fr.Src, fr.Dst, fr.Dir, true
	s.ends = append(s.ends[:0], json...)
}

// takeSession keeps json as the object of sess, unless it has notes
// (shown once, at the message they concern).
func (s *streamShot) takeSession(sess *record.Session, json []byte) {
	if s == nil || len(sess.Notes) > 0 {
		return
	}
	s.sess, s.sessMade = sessionKeyOf(sess), true
	s.sessJSON = append(s.sessJSON[:0], json...)
}

// fieldShot is a field's rendering and what it was made from: the
// field's place and the bytes of its value, copied (the frame is decoded
// into again). A field's object is its definition's fragments around
// what the decoder reads from those bytes, so equal bytes at the same
// place make the same object.
type fieldShot struct {
	json      []byte
	off, size int
	occ       int
	word      uint64 // the value's bytes when there are at most eight (most are numbers)
	raw       []byte // the value's bytes when there are more
	made      bool
	secret    bool // masked (record.IsSecret and not ShowSecrets)
}

// maxShot bounds the field objects a memo keeps: long strings and
// large UNSPEC values are rendered each time, so a memo holds at most a
// few hundred bytes per definition.
const maxShot = 256

// memoable reports whether a field's object may come from the memo: its
// value lies in the frame, and it is no device ID split into Primary
// and Actual (whose display is read from the children).
func memoable(f *dissect.Field, frame []byte) bool {
	return uint(f.Offset) <= uint(len(frame)) && uint(f.Size) <= uint(len(frame)-f.Offset) &&
		!(f.Value.Type == dissect.TypeSTRING && len(f.Children) > 0)
}

// valueWord is the n ≤ 8 bytes of frame at off as one number, for
// comparing them at once; off+n is within frame.
func valueWord(frame []byte, off, n int) uint64 {
	if off+8 <= len(frame) {
		w := binary.LittleEndian.Uint64(frame[off:])
		if n == 8 {
			return w
		}
		return w & (1<<(8*uint(n)) - 1)
	}
	var w uint64
	for i, c := range frame[off : off+n] {
		w |= uint64(c) << (8 * uint(i))
	}
	return w
}

// shot is the memo's entry for f, whose definition's fragments are fr;
// total is the number of ids the cache gave out. nil when there is no
// memo, no fragments or f is not memoable: f is then rendered each time.
func (m *jsonMemo) shot(fr *defFrags, f *dissect.Field, frame []byte, total int) *fieldShot {
	if m == nil || fr == nil || !memoable(f, frame) {
		return nil
	}
	if m.shots == nil {
		m.shots = make([]fieldShot, total)
	}
	if fr.id >= len(m.shots) {
		return nil
	}
	return &m.shots[fr.id]
}

// same reports whether f, a memoable field of frame, renders as the
// shot did.
func (s *fieldShot) same(f *dissect.Field, frame []byte, secret bool) bool {
	if !s.made || s.off != f.Offset || s.size != f.Size || s.occ != f.Occurrence || s.secret != secret {
		return false
	}
	if f.Size <= 8 {
		return s.word == valueWord(frame, f.Offset, f.Size)
	}
	return string(s.raw) == string(frame[f.Offset:f.Offset+f.Size])
}

// take keeps json as the rendering of f, a memoable field of frame.
func (s *fieldShot) take(f *dissect.Field, frame []byte, secret bool, json []byte) {
	if len(json) > maxShot {
		s.made = false
		return
	}
	s.made, s.secret = true, secret
	s.occ, s.off, s.size = f.Occurrence, f.Offset, f.Size
	if f.Size <= 8 {
		s.word = valueWord(frame, f.Offset, f.Size)
	} else {
		s.raw = append(s.raw[:0], frame[f.Offset:f.Offset+f.Size]...)
	}
	s.json = append(s.json[:0], json...)
}

// fixedHit is the memo's object for f when f is the next fixed field of
// its message, in its definition's place and named and filtered by the
// very strings of its definition (what find and appendField check),
// and renders as its shot did: the common case, tested without finding
// the fragments (the cursor moves on as find would). nil sends f the
// long way.
func (m *jsonMemo) fixedHit(c *fragCursor, f *dissect.Field, frame []byte, showSecrets bool) []byte {
	mf, i := c.mf, c.fix
	if mf == nil || m.shots == nil || i >= len(mf.def.Fixed) || f.Def != &mf.def.Fixed[i] || f.Tag != -1 ||
		!sameString(f.Name, f.Def.Name) || !sameString(f.Filter, f.Def.Filter) || !memoable(f, frame) {
		return nil
	}
	if s := &m.shots[mf.base+i]; s.same(f, frame, record.IsSecret(f) && !showSecrets) {
		c.fix++
		return s.json
	}
	return nil
}

// sameString reports whether a and b are the same string in memory (a
// field's name taken from its definition): no byte comparison, so a
// name equal but elsewhere says false, and takes the long way.
func sameString(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}
