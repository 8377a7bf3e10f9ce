package reassembly

// Protocol is what reassembly needs to know about frame headers; the
// dissector implements it. Keeping it this narrow means reassembly never
// hardcodes message layouts or the message type table.
//
// The header length is fixed at [DefaultHeaderLen] (8) unless the value also
// implements [HeaderLener], so an implementation with just the two methods
// below is enough.
type Protocol interface {
	// FrameLen inspects the first HeaderLen bytes of a candidate frame and
	// returns the total frame length (header+body) and whether the header is
	// plausible (known message type, sane body length). It must not allocate.
	FrameLen(hdr []byte) (n int, plausible bool)
	// ClientOnly reports whether a message type is only ever sent by clients
	// (used to tell direction).
	ClientOnly(hdr []byte) bool
}

// InSyncFramer is optionally implemented by a [Protocol] that frames more
// liberally while a direction is in sync (the previous frame ended exactly
// where this header starts) than when it hunts for a boundary. A protocol
// whose newer peers add message types wants this: a well-framed message of
// an unknown type is still a frame, and only a search for a boundary (after
// a gap, at a mid-stream start, past garbage) demands known types.
type InSyncFramer interface {
	// FrameLenInSync is FrameLen for a header at a known frame boundary.
	// It must not allocate.
	FrameLenInSync(hdr []byte) (n int, ok bool)
}

// HeaderLener is optionally implemented by a [Protocol] whose fixed frame
// header is not [DefaultHeaderLen] bytes long.
type HeaderLener interface {
	// HeaderLen is the fixed frame header size.
	HeaderLen() int
}

// DefaultHeaderLen is the CTI frame header size: BodyLength and
// MessageTypeID, both uint32.
const DefaultHeaderLen = 8

// inSyncLen returns p's framing rule for headers at a known boundary.
func inSyncLen(p Protocol) func([]byte) (int, bool) {
	if f, ok := p.(InSyncFramer); ok {
		return f.FrameLenInSync
	}
	return p.FrameLen
}

// headerLen returns the header size p declares, falling back to the CTI
// default for implementations that do not say (or say nonsense).
func headerLen(p Protocol) int {
	if h, ok := p.(HeaderLener); ok {
		if n := h.HeaderLen(); n > 0 && n <= 64 {
			return n
		}
	}
	return DefaultHeaderLen
}
