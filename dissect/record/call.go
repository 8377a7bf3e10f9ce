package record

import (
	"sync"

	"github.com/ctishark/ctishark/dissect"
)

// CallRef names a call as users think of it: a CallID within one capture
// file's server session and time span. CCX reuses CallIDs, so the same
// CallID in another capture, on another server, or after the call ended
// (END_CALL_EVENT on every session that saw it, or CALL_CLEARED_EVENT) is
// another call with another N.
type CallRef struct {
	N      int    // call number: 1-based, in order of first sight across the captures read
	CallID uint32 // the CallID on the wire
}

// LinkKind says how two calls are tied.
type LinkKind uint8

// Link kinds.
const (
	LinkConsult    LinkKind = iota + 1 // From was placed as a consult call from To (CONSULT_CALL_REQ/CONF)
	LinkTransfer                       // From (the consult call) was transferred into To (CALL_TRANSFERRED_EVENT)
	LinkConference                     // From was conferenced into To (CALL_CONFERENCED_EVENT)
)

func (k LinkKind) String() string {
	switch k {
	case LinkConsult:
		return "consult"
	case LinkTransfer:
		return "transfer"
	case LinkConference:
		return "conference"
	}
	return ""
}

// CallLink is a tie between two calls a message reports.
type CallLink struct {
	Kind     LinkKind
	From, To CallRef
}

// CallIDs are the CallIDs a message names: Main is the call it is about
// (CallID, else PrimaryCallID; UCCE's ConnectionCallID), Secondary the consult call of a transfer
// or conference, Others any further reference (NewCallID, ActiveCallID,
// HeldCallID, in message order).
type CallIDs struct {
	Main, Secondary uint32
	Others          [3]uint32
}

// Has reports whether id is among them.
func (c CallIDs) Has(id uint32) bool {
	return id != 0 && (c.Main == id || c.Secondary == id || c.Others[0] == id || c.Others[1] == id || c.Others[2] == id)
}

// Count is how many call references they hold (what a record's
// Calls lists).
func (c CallIDs) Count() int {
	n := 0
	if c.Main != 0 {
		n++
	}
	if c.Secondary != 0 && c.Secondary != c.Main {
		n++
	}
	for _, id := range c.Others {
		if id != 0 && id != c.Main && id != c.Secondary {
			n++
		}
	}
	return n
}

// CallIDsOf reads the call references of a message. They are fixed fields
// (a floating CallID counts too).
func CallIDsOf(m *dissect.Message) CallIDs {
	var c CallIDs
	if m == nil {
		return c
	}
	if m.Def == nil || m.Def.Slot() < 0 {
		return callIDsByName(m)
	}
	plan := &callPlans()[m.Def.Slot()]
	// The fixed call fields, by their place in the definition (when the
	// message has them), then any floating CallID, in wire order as
	// callIDsByName reads them.
	n := 0
	for _, sl := range plan.fixed {
		if f := m.FixedField(sl.index); f != nil && f.Value.Type.IsInteger() {
			n = c.add(sl.role, uint32(f.Value.Num), n)
		}
	}
	// The fields the decoder read as fixed ones are not floating: the
	// look for a floating CallID starts after them.
	for i := m.DecodedFixed(); i < len(m.Fields); i++ {
		if f := &m.Fields[i]; f.Tag >= 0 && f.Name == "CallID" && f.Value.Type.IsInteger() {
			n = c.add(callMain, uint32(f.Value.Num), n)
		}
	}
	return c
}

// callIDsByName is CallIDsOf for a message whose definition is not a
// catalog's (built by hand): every field is looked at by name.
func callIDsByName(m *dissect.Message) CallIDs {
	var c CallIDs
	n := 0
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Tag >= 0 && f.Name != "CallID" {
			continue
		}
		if !f.Value.Type.IsInteger() {
			continue
		}
		if role := roleOf(f.Name); role != callNone {
			n = c.add(role, uint32(f.Value.Num), n)
		}
	}
	return c
}

// callRole is what a call field is to CallIDs.
type callRole uint8

const (
	callNone callRole = iota
	callMain
	callSecondary
	callOther
)

// roleOf is the role of a call field of this name.
// ReadsCallID reports whether CallIDsOf reads fields of definition fd:
// for a dissect.Keep of a view that numbers calls.
func ReadsCallID(fd *dissect.FieldDef) bool { return roleOf(fd.Name) != callNone }

func roleOf(name string) callRole {
	switch name {
	case "CallID", "PrimaryCallID", "ConnectionCallID": // ConnectionCallID: UCCE's name
		return callMain
	case "SecondaryCallID":
		return callSecondary
	case "NewCallID", "ActiveCallID", "HeldCallID",
		"NewConnectionCallID", "ActiveConnectionCallID", "HeldConnectionCallID", "OtherConnectionCallID":
		return callOther
	}
	return callNone
}

// add takes id as role; n is how many Others are filled (returned anew).
func (c *CallIDs) add(role callRole, id uint32, n int) int {
	switch role {
	case callMain:
		if c.Main == 0 {
			c.Main = id
		}
	case callSecondary:
		c.Secondary = id
	case callOther:
		if n < len(c.Others) {
			c.Others[n] = id
			n++
		}
	}
	return n
}

// callPlan lists the fixed fields of a message definition that are call
// references, in order: CallIDsOf runs on every message (twice: for the
// pipeline's call numbers and for the calls view), and comparing every
// field's name with a dozen was most of its cost.
type callPlan struct {
	fixed []callSlot
}

type callSlot struct {
	index int
	role  callRole
}

// callPlans is the plan of every catalog message by its slot
// (MessageDef.Slot: no pointer to hash per message), made once.
var callPlans = sync.OnceValue(func() []callPlan {
	return dissect.BySlot(func(d *dissect.MessageDef) callPlan {
		var p callPlan
		for i := range d.Fixed {
			if role := roleOf(d.Fixed[i].Name); role != callNone {
				p.fixed = append(p.fixed, callSlot{i, role})
			}
		}
		return p
	})
})

// Names reports whether the record names call n (any of its references).
func (r *Record) Names(n int) bool {
	for _, c := range r.Calls {
		if c.N == n {
			return true
		}
	}
	return false
}
