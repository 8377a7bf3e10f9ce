package gen

import (
	"fmt"

	"github.com/ctishark/ctishark/dissect"
)

// builder fills one message through the dissect encoder. Errors are kept,
// not returned at each step, so message code reads as a list of fields; the
// first one surfaces when the message is packed.
type builder struct {
	version int
	m       *dissect.Message
	err     error
}

// msg starts a message of the named type for the generator's protocol
// version: trailing fixed fields newer than that version are left out, as an
// older server would.
func (g *gen) msg(name string) *builder {
	def := g.cat.LookupName(name, g.catVersion)
	if def == nil {
		return &builder{err: fmt.Errorf("gen: message %s is not in the %s catalog", name, g.cat.Dialect.Upper())}
	}
	m := dissect.NewMessage(def)
	n := len(def.Fixed)
	for n > 0 && def.Fixed[n-1].Version > g.cfg.Version {
		n--
	}
	m.Fields = m.Fields[:n]
	return &builder{version: g.cfg.Version, m: m}
}

func (b *builder) fail(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

// u sets a numeric fixed field. A field the session's version does not
// have yet (a trailing version-marked one) is skipped.
func (b *builder) u(name string, v uint64) *builder {
	if b.err == nil && !b.hasFixed(name) {
		for i := range b.m.Def.Fixed {
			if b.m.Def.Fixed[i].Name == name && b.m.Def.Fixed[i].Version > b.version {
				return b
			}
		}
	}
	if b.err == nil {
		b.fail(b.m.SetFixed(name, dissect.Uint(dissect.TypeUINT, v)))
	}
	return b
}

// at sets the i-th fixed field, for the ones the catalog calls "reserved".
func (b *builder) at(i int, v uint64) *builder {
	if b.err == nil && i < len(b.m.Fields) {
		b.fail(b.m.SetFixedAt(i, dissect.Uint(b.m.Fields[i].Value.Type, v)))
	}
	return b
}

// floatDef finds the first floating definition called name.
func (b *builder) floatDef(name string) *dissect.FieldDef {
	for i := range b.m.Def.Floating {
		if fd := &b.m.Def.Floating[i]; fd.Name == name {
			return fd
		}
	}
	return nil
}

// tooNew reports whether a floating field does not exist in this session's
// protocol version; such fields are silently left out.
func (b *builder) tooNew(fd *dissect.FieldDef) bool {
	return fd != nil && fd.Version > 0 && fd.Version > b.version
}

// s adds a floating STRING field by name; empty strings are left out.
func (b *builder) s(name, v string) *builder {
	if b.err != nil || v == "" || b.tooNew(b.floatDef(name)) {
		return b
	}
	b.fail(b.m.Add(name, dissect.Str(v)))
	return b
}

// n adds a floating numeric field by name.
func (b *builder) n(name string, v uint64) *builder {
	if b.err != nil || b.tooNew(b.floatDef(name)) {
		return b
	}
	b.fail(b.m.Add(name, dissect.Uint(dissect.TypeUINT, v)))
	return b
}

// tag adds a floating field by tag (the nth definition of that tag), for the
// fields the catalog calls "reserved" or defines twice.
func (b *builder) tag(tag uint16, nth int, v dissect.Value) *builder {
	if b.err != nil {
		return b
	}
	seen := 0
	for i := range b.m.Def.Floating {
		if fd := &b.m.Def.Floating[i]; fd.Tag == tag {
			if seen == nth {
				if b.tooNew(fd) {
					return b
				}
				break
			}
			seen++
		}
	}
	b.fail(b.m.AddTag(tag, nth, v))
	return b
}

// nv adds NamedVariable records and sets NumNamedVariables to match.
func (b *builder) nv(vars []namedVar) *builder {
	for _, v := range vars {
		if b.err == nil {
			b.fail(b.m.Add("NamedVariable", dissect.NamedVar(v.name, v.value)))
		}
	}
	if len(vars) > 0 || b.hasFixed("NumNamedVariables") {
		b.u("NumNamedVariables", uint64(len(vars)))
	}
	return b
}

func (b *builder) hasFixed(name string) bool {
	if b.m == nil {
		return false
	}
	for i := range b.m.Fields {
		if b.m.Fields[i].Tag < 0 && b.m.Fields[i].Name == name {
			return true
		}
	}
	return false
}

// callIDFields are the fixed fields a message's call is read from, in order.
// UCCE names its calls ConnectionCallID.
var callIDFields = []string{"CallID", "PrimaryCallID", "ActiveCallID", "HeldCallID", "ConnectionCallID"}

// pack encodes the message in the session layout. The InvokeID, when the
// message has one, is left for the writer to fill in send order.
func (g *gen) pack(b *builder) *packed {
	if b.err != nil {
		g.fail(fmt.Errorf("gen: %s: %w", b.name(), b.err))
		return nil
	}
	frame, err := dissect.AppendEncode(nil, b.m, g.layout)
	if err != nil {
		g.fail(fmt.Errorf("gen: %w", err))
		return nil
	}
	p := &packed{frame: frame, def: b.m.Def}
	p.invoke = len(b.m.Def.Fixed) > 0 && b.m.Def.Fixed[0].Name == "InvokeID"
	for _, name := range callIDFields {
		if v, ok := b.m.Uint(name); ok && b.hasFixed(name) {
			p.callID = uint32(v)
			break
		}
	}
	return p
}

func (b *builder) name() string {
	if b.m == nil {
		return "?"
	}
	return b.m.Name()
}

// packed is an encoded frame and what the writer needs to know about it.
type packed struct {
	frame  []byte
	def    *dissect.MessageDef
	invoke bool // the first fixed field is an InvokeID
	callID uint32
}

type namedVar struct{ name, value string }

func strVal(s string) dissect.Value  { return dissect.Str(s) }
func uintVal(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
func bytesVal(b []byte) dissect.Value {
	if b == nil {
		b = []byte{}
	}
	return dissect.Bytes(b)
}

// keyVal is an 8-byte configuration key.
func keyVal(k uint64) dissect.Value {
	var b [8]byte
	for i := range b {
		b[i] = byte(k >> (56 - 8*i))
	}
	return dissect.Bytes(b[:])
}

func (g *gen) agentStateName(v uint16) (string, bool) {
	return g.cat.Enum("AgentState").Lookup(uint32(v))
}
