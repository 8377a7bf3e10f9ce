package dissect

// A Keep says which fields a decode builds, for a view that reads a few
// named fields of each message (calls, agents) and would otherwise pay for
// every field of every message: the fields it leaves out are read past,
// not decoded. Such a message (Partial) has the header, the fields kept,
// in their order and with their occurrence numbers, the expert items of
// those fields and the message's own; it lacks the others and their
// expert items. A floating field cut short by the frame's end is kept
// whatever it is. Get, Field and FixedField find the fields kept as in a
// whole decode; Encode needs a whole message. The shape scan, the layout
// evidence and what the session learns are those of a whole decode. Keep
// is read-only once made, so one serves every goroutine.
type Keep struct {
	rows []keepRow // by MessageDef.Slot
}

// keepRow is a Keep for one definition.
type keepRow struct {
	fixed, floating []bool // keep Fixed[i], Floating[i]
	// fixedAt is where Fixed[i] lands in a partial message's Fields when
	// the fixed part was read that far: the fields kept before it (the
	// header is apart), -1 when it is left out.
	fixedAt []int16
	checked bool // fields left out are decoded aside and kept when flagged (NewCheckedKeep)
	// fixedAct is what the decoding does with Fixed[i], one byte to read
	// per field of every message. A checked Keep reads past the fixed
	// fields no value can flag (numbers of their type's size with neither
	// table nor mask, silentFixed) as a plain one does, without reading
	// their bytes.
	fixedAct []fixedAct
}

// fixedAct is what a decode with a Keep does with a fixed field.
type fixedAct uint8

const (
	actDecode fixedAct = iota // kept: decoded
	actPass                   // left out: read past
	actCheck                  // left out, but decoded aside unless quiet vouches for it
)

// NewKeep makes a Keep of the fields reads accepts, of those the session
// itself reads (Session.Observe), of the secrets, which tell the secret
// mask (SecretMask) where the passwords are, and of the counts the
// repeat-count check reads. reads sees every definition of both catalogs
// once, here.
func NewKeep(reads func(*FieldDef) bool) *Keep { return newKeep(reads, false) }

// NewCheckedKeep is NewKeep for a view that reads every expert item (a
// count of them, Info's labels): a field it leaves out is still decoded,
// aside, and kept when it draws an expert item, so the message has every
// expert item of a whole decode, in the same order. It saves less: only
// the fields' room and the reading of it.
func NewCheckedKeep(reads func(*FieldDef) bool) *Keep { return newKeep(reads, true) }

func newKeep(reads func(*FieldDef) bool, checked bool) *Keep {
	return &Keep{rows: BySlot(func(d *MessageDef) keepRow {
		wanted := func(fd *FieldDef) bool { return reads(fd) || sessionReads(fd) || fd.Secret }
		r := keepRow{fixed: make([]bool, len(d.Fixed)), floating: make([]bool, len(d.Floating)), fixedAt: make([]int16, len(d.Fixed)), checked: checked}
		for i := range d.Fixed {
			r.fixed[i] = wanted(&d.Fixed[i])
		}
		for i := range d.Floating {
			fd := &d.Floating[i]
			r.floating[i] = r.floating[i] || wanted(fd)
			switch {
			case fd.CountField == "":
			case fd.countFixed >= 0:
				r.fixed[fd.countFixed] = true // the repeat-count check reads it
			case fd.countFloat >= 0:
				r.floating[fd.countFloat] = true
			}
		}
		r.fixedAct = make([]fixedAct, len(d.Fixed))
		for i, k := range r.fixed {
			switch {
			case k:
			case checked && !silentFixed(&d.Fixed[i]):
				r.fixedAct[i] = actCheck
			default:
				r.fixedAct[i] = actPass
			}
		}
		n := int16(0)
		for i, k := range r.fixed {
			r.fixedAt[i] = -1
			if k {
				r.fixedAt[i] = n
				n++
			}
		}
		return r
	})}
}

// silentFixed reports whether no bytes of a fixed field of fd can draw an
// expert item from value: a number of its type's size, not a BOOL, with
// no value table or mask, within its maximum.
func silentFixed(fd *FieldDef) bool {
	switch fd.Type {
	case TypeUCHAR, TypeCHAR, TypeUSHORT, TypeSHORT, TypeUINT, TypeINT, TypeTIME:
		return fd.Size == typeSize(fd.Type) && (fd.Max == 0 || fd.Size <= fd.Max) &&
			(fd.Enum == nil || len(fd.Enum.Values) == 0) && fd.Mask == nil
	}
	return false
}

// sessionReads reports whether Session.Observe reads fields named as fd
// (OPEN_REQ's and OPEN_CONF's).
func sessionReads(fd *FieldDef) bool {
	switch fd.Name {
	case "VersionNumber", "ServicesRequested", "ServicesGranted", "AgentID", "AgentExtension", "AgentInstrument":
		return true
	}
	return false
}

// of returns the Keep of def, nil for all: a definition made outside the
// catalogs keeps everything.
func (k *Keep) of(def *MessageDef) *keepRow {
	if k == nil || def.Slot() < 0 {
		return nil
	}
	return &k.rows[def.Slot()]
}

// Partial reports whether the message was decoded with a Keep that left
// fields out (Options.Keep).
func (m *Message) Partial() bool { return m.partial }

// scanFixed is FixedField for a message whose fixed fields are not where
// the Keep places them (one was kept for its expert item): rare, so a scan.
func (m *Message) scanFixed(i int) *Field {
	if m.Def == nil || i < 0 || i >= m.fixedRead {
		return nil
	}
	want := &m.Def.Fixed[i]
	for j := range m.Fields {
		if m.Fields[j].Def == want {
			return &m.Fields[j]
		}
	}
	return nil
}

// keptFixed is FixedField for a message whose Keep left fixed fields out.
func (m *Message) keptFixed(i int) *Field {
	if i < 0 || i >= m.fixedRead {
		return nil
	}
	if p := int(m.kept.fixedAt[i]); p >= 0 && p < len(m.Fields) {
		return &m.Fields[p]
	}
	return nil
}
