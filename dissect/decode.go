package dissect

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// maxPresize caps the floating records Decode reserves room for up front.
const maxPresize = 128

// HeaderLen is the size of the message header (BodyLength, MessageTypeID).
const HeaderLen = 8

// GuideMaxBody is the largest body the guide allows (12,500-byte messages).
const GuideMaxBody = 12500

var (
	hdrLength = FieldDef{Name: "BodyLength", Filter: "cti.length", Type: TypeUINT, Size: 4}
	extraUINT = FieldDef{Name: "reserved", Filter: "cti.reserved", Type: TypeUINT, Size: 4}
	rawData   = FieldDef{Name: "data", Filter: "cti.data", Type: TypeUNSPEC}
)

// Decode decodes one frame (header included) into a field tree. It never
// panics: a frame that does not match its message's layout still yields every
// field that could be read, and expert items say what is wrong.
func Decode(frame []byte, ctx Context) *Message {
	return decode(frame, ctx, nil)
}

// DecodeAs decodes frame as message def whatever its MessageTypeID says;
// it serves messages whose type ID the guide lost (CONFIG_TERMINAL_EVENT).
func DecodeAs(def *MessageDef, frame []byte, ctx Context) *Message {
	return decode(frame, ctx, def)
}

func decode(frame []byte, ctx Context, as *MessageDef) *Message {
	return decodeInto(nil, frame, ctx, as)
}

// decodeInto is decode into m's memory when m is not nil (see DecodeInto).
// It counts the fields' expert items once, while the fields are fresh in
// the cache, so that the views asking for them (AllExpert, Worst: several
// per message) need not walk every field again when there are none.
func decodeInto(m *Message, frame []byte, ctx Context, as *MessageDef) *Message {
	m = decodeFields(m, frame, ctx, as)
	m.fieldExperts, m.counted = countTopExpert(m.Header)+countTopExpert(m.Fields), true
	return m
}

// countTopExpert counts the expert items of fs, not of their children:
// the decoder never gives a child an item (mask bits, named parts and
// Primary/Actual halves are the parent's; its items say what is wrong),
// so decoded messages need not be walked twice as deep.
func countTopExpert(fs []Field) int {
	n := 0
	for i := range fs {
		n += len(fs[i].Expert)
	}
	return n
}

func decodeFields(m *Message, frame []byte, ctx Context, as *MessageDef) *Message {
	m = m.reset(frame, ctx.Version)
	if len(frame) < HeaderLen {
		m.Fields = append(m.Fields, rawField(&rawData, frame, 0))
		m.addExpert(SeverityError, ExpMalformedHeader, "", fmt.Sprintf("frame has %d bytes, a header needs %d", len(frame), HeaderLen))
		return m
	}
	m.BodyLength = binary.BigEndian.Uint32(frame[0:4])
	m.TypeID = binary.BigEndian.Uint32(frame[4:8])
	body := frame[HeaderLen:]
	def := as
	if def == nil {
		def, m.vote = defFor(m.TypeID, body[:min(uint64(len(body)), uint64(m.BodyLength))], ctx)
	}
	hdrType := &CatalogFor(ctx.Dialect).hdrType
	if def != nil {
		hdrType = &def.catalog().hdrType
	}
	// The header fields are built here and moved into the message's field
	// allocation once the body's shape says how big that must be. A
	// reused message builds them in place, where that allocation keeps
	// them (fieldRoom), so the move is no copy.
	var hdr *[2]Field
	if cap(m.slab) >= 2 {
		hdr = (*[2]Field)(m.slab[:2])
	} else {
		hdr = new([2]Field)
	}
	hdr[0].init(&hdrLength, hdrLength.Name, hdrLength.Filter, -1, 0, 4)
	hdr[0].Value.Type, hdr[0].Value.Num = TypeUINT, uint64(m.BodyLength)
	hdr[1].init(hdrType, hdrType.Name, hdrType.Filter, -1, 4, 4)
	hdr[1].Value.Type, hdr[1].Value.Num = TypeUINT, uint64(m.TypeID)
	switch declared := uint64(m.BodyLength); {
	case declared > uint64(len(body)):
		hdr[0].addExpert(SeverityError, ExpMalformedLength,
			fmt.Sprintf("BodyLength is %d but only %d body bytes are present", declared, len(body)))
	case declared < uint64(len(body)):
		extra := body[declared:]
		body = body[:declared]
		defer func() {
			f := rawField(&rawData, extra, HeaderLen+int(declared))
			f.addExpert(SeverityError, ExpTrailing, fmt.Sprintf("%d bytes follow the BodyLength of %d", len(extra), declared))
			m.Fields = append(m.Fields, f)
		}()
	}
	if m.BodyLength > GuideMaxBody {
		hdr[0].addExpert(SeverityWarning, ExpLargeMessage, fmt.Sprintf("BodyLength %d is above the guide's limit of %d", m.BodyLength, GuideMaxBody))
	}
	if def == nil {
		if lost := matchLostID(body, ctx); lost != nil {
			// The guide lost this message's type ID: when an unknown type's
			// body parses exactly as it, decode it so and say why.
			m.Def = lost
			hdr[1].addExpert(SeverityWarning, ExpUnknownMessage, fmt.Sprintf(
				"message type %d is not in the catalog; its body parses exactly as %s, whose type ID the guide does not give", m.TypeID, lost.Name))
			decodeBody(m, hdr, lost, frame[:HeaderLen+len(body)], ctx)
			// A guess teaches the session nothing about the layout (nor
			// does it Summarize, which does not guess): found by fuzzing,
			// a truncated body of an unknown type parsed "exactly" as
			// such a message and tipped an undecided version-18 session.
			m.ev, m.olderThan = evidence{}, 0
			return m
		}
		hdr[1].addExpert(SeverityWarning, ExpUnknownMessage, fmt.Sprintf("message type %d is not in the catalog; body shown as raw bytes", m.TypeID))
		m.setHeader(hdr, 1, 0)
		if len(body) > 0 {
			m.Fields = append(m.Fields, rawField(&rawData, body, HeaderLen))
		}
		return m
	}
	m.Def = def
	if def.Opaque {
		// The catalog names the message but not its layout.
		hdr[1].addExpert(SeverityNote, ExpOpaque, fmt.Sprintf("the %s catalog does not give %s's layout; body shown as raw bytes", def.Dialect.Upper(), def.Name))
		m.setHeader(hdr, 1, 0)
		if len(body) > 0 {
			m.Fields = append(m.Fields, rawField(&rawData, body, HeaderLen))
		}
		return m
	}
	decodeBody(m, hdr, def, frame[:HeaderLen+len(body)], ctx)
	if def.hasSecret {
		maskSecretOverlaps(m)
	}
	return m
}

// setHeader allocates the header, the field list (room for n fields) and
// room for nKids children together, and returns the children's room. The
// field list's capacity stops before that room, so growing the list (a
// malformed frame's raw remainder) reallocates it instead of overwriting
// children.
func (m *Message) setHeader(hdr *[2]Field, n, nKids int) []Field {
	all := m.fieldRoom(2 + n + nKids)
	if &all[0] != &hdr[0] { // built in place (decodeFields) unless the room grew
		copy(all, hdr[:])
	}
	m.Header = all[:2:2]
	m.Fields = all[2 : 2 : 2+n]
	return all[2+n : 2+n]
}

// decodeBody decodes the body of frame (already cut to BodyLength) as def.
//
// A reused message of a session that has settled its layout is first
// decoded as the likeliest shape (likelyShape) in one pass, checking on
// the way what the shape scan would have checked first; only when that
// reading is not faultless is the message decoded again after the scan.
// Either way the result is the scan's (TestLikelyShapeMatchesScan).
func decodeBody(m *Message, hdr *[2]Field, def *MessageDef, frame []byte, ctx Context) {
	body := frame[HeaderLen:]
	if m.slab != nil && decodeLikely(m, hdr, def, frame, ctx) {
		return
	}
	if def.Name == "OPEN_REQ" && len(body) >= 8 && ctx.Source != SourceForced {
		m.Version = int(binary.BigEndian.Uint32(body[4:8]))
	}
	decodeBodyAs(m, hdr, def, frame, ctx, chooseShape(def, body, ctx), false)
}

// decodeLikely decodes the body as likelyShape guesses it and reports
// whether the guess held; when it did not, m is as before but for its
// header and field room.
func decodeLikely(m *Message, hdr *[2]Field, def *MessageDef, frame []byte, ctx Context) bool {
	sh, ok := likelyShape(def, frame[HeaderLen:], ctx)
	if !ok {
		return false
	}
	experts := len(m.Expert)
	if decodeBodyAs(m, hdr, def, frame, ctx, sh, true) {
		return true
	}
	m.undoBody(experts)
	return false
}

// undoBody takes back what a decodeBodyAs that gave up did to m, but for
// the header and field room, which the next one sets again: the message
// expert items past experts, and what the fields' decoding noted.
func (m *Message) undoBody(experts int) {
	m.Expert = m.Expert[:experts]
	m.partial, m.kept, m.fixedShifted, m.fixedRead, m.nFixed, m.olderThan = false, nil, false, 0, 0, 0
}

// decodeBodyAs decodes the body of frame as def in shape sh. With likely,
// sh is likelyShape's guess: the decoding gives up, reporting false, as
// soon as the body proves not to read faultlessly in it (what chooseShape
// would then have found, decodeBody finds by asking it).
func decodeBodyAs(m *Message, hdr *[2]Field, def *MessageDef, frame []byte, ctx Context, sh shape, likely bool) bool {
	body := frame[HeaderLen:]
	m.Layout, m.LayoutSource, m.FixedSize, m.ev = sh.layout, sh.source, sh.size, sh.ev
	// One allocation for the header, the field list and the children: the
	// catalog's fixed fields plus the records the shape scan counted in the
	// bytes present (capped, so a pathological frame grows the list as it is
	// read instead), and the children those fields will have. A likely
	// shape, unscanned, takes the reused room whole: running out of it
	// gives up, and the decode after the scan makes room for all.
	d := decoder{m: m, frame: frame, keep: ctx.Keep.of(def), likely: likely}
	nFields := sh.nFixed + sh.extra + min(sh.records, maxPresize)
	if likely {
		nFields = max(nFields, cap(m.slab)-2)
	}
	if m.slab == nil {
		d.kids = m.setHeader(hdr, nFields, kidsBound(def, body, sh, m.Version))
	} else {
		// A reused message (DecodeInto) keeps its children's room apart
		// and grows it on demand, instead of a pass over the body that
		// counts them ahead; a fresh message takes both in one allocation.
		m.setHeader(hdr, nFields, 0)
		d.kids = m.kidRoom[:0]
		defer d.keepKidRoom()
	}

	pos := 0
	for i := 0; i < sh.nFixed; i++ {
		fd := &def.Fixed[i]
		if pos+fd.Size > len(body) {
			if pos < len(body) {
				m.Fields = append(m.Fields, rawField(&rawData, body[pos:], HeaderLen+pos))
			}
			m.addExpert(SeverityError, ExpFixedTruncated, fd.Filter, fmt.Sprintf(
				"body ends after %d bytes, inside the fixed part (%d bytes): %s and the fields after it are missing",
				len(body), def.FixedSize(), fd.Name))
			m.FixedSize = len(body)
			return true
		}
		// A field the Keep leaves out is read past, or, for a checked
		// Keep, when quiet does not vouch for it, decoded all the same and
		// taken back unless it is flagged.
		act := actDecode
		if d.keep != nil {
			act = d.keep.fixedAct[i]
		}
		leave := act != actDecode
		flagged := false
		if !leave || act == actCheck && !quiet(fd, fd.Type, body[pos:pos+fd.Size]) {
			f := m.nextField()
			if leave {
				d.aside()
			}
			f.init(fd, fd.Name, fd.Filter, -1, HeaderLen+pos, fd.Size)
			f.Secret = fd.Secret
			d.value(f, fd.Type, body[pos:pos+fd.Size])
			flagged = leave && d.keepFlagged(f)
		}
		switch {
		case flagged:
			m.kept, m.fixedShifted = nil, true // not where the Keep places it: FixedField scans
		case leave:
			d.leaveFixed()
		}
		pos += fd.Size
		m.fixedRead = i + 1
		if !m.partial {
			m.nFixed = i + 1
		}
	}
	for i, xd := 0, &extraUINT; i < sh.extra; i++ {
		f := m.nextField()
		f.init(xd, xd.Name, xd.Filter, -1, HeaderLen+pos, 4)
		d.value(f, TypeUINT, body[pos:pos+4])
		pos += 4
	}
	shapeNotes(m, def, sh, ctx)
	return d.floating(def, body[pos:], HeaderLen+pos, sh.layout)
}

// shapeNotes says what the message's shape shows that the session did not
// expect. Assumptions the session makes once (which OPEN_REQ layout, which
// floating header) are the session's notes, not the message's.
func shapeNotes(m *Message, def *MessageDef, sh shape, ctx Context) {
	if sh.nFixed < len(def.Fixed) && sh.fits && ctx.Version == 0 {
		// With no version known, the session says once that its server
		// speaks an older version.
		m.olderThan = def.Fixed[sh.nFixed].Version
	}
	if sh.nFixed < len(def.Fixed) && sh.fits && ctx.Version > 0 && def.Fixed[sh.nFixed].Version <= ctx.Version {
		// Expected of an older session's message; worth a word when the
		// session's version says the fields should be there.
		var names []string
		for _, f := range def.Fixed[sh.nFixed:] {
			names = append(names, fmt.Sprintf("%s (version %d)", f.Name, f.Version))
		}
		m.addExpert(SeverityNote, ExpVersionAbsent, "", "fixed part ends before "+strings.Join(names, ", ")+": a message of an older protocol version")
	}
	if sh.switched {
		m.addExpert(SeverityWarning, ExpLayoutMismatch, "", fmt.Sprintf(
			"the session's floating header layout %s does not fit this message; %s (%s) does and was used",
			ctx.Layout, sh.layout, sh.layout.Describe()))
	}
}

func rawField(def *FieldDef, b []byte, off int) Field {
	return Field{Def: def, Name: def.Name, Filter: def.Filter, Tag: -1, Offset: off, Size: len(b), Value: Bytes(b)}
}

func sortNamed(v []Named) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j].Value < v[j-1].Value; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// matchLostID returns the catalog message without a known type ID whose
// layout body fits exactly, with a non-empty floating part of its own tags.
// Only the UCCX guide lost IDs: a UCCE session has nothing to match.
func matchLostID(body []byte, ctx Context) *MessageDef {
	if ctx.Dialect == DialectUCCE {
		return nil
	}
	for _, d := range catalogMessages {
		if d.IDKnown {
			continue
		}
		sh := chooseShape(d, body, ctx)
		if sh.fits && sh.clean && sh.size < len(body) {
			return d
		}
	}
	return nil
}
