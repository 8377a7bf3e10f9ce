package analyze

import (
	"strconv"
	"strings"
	"sync"

	"github.com/ctishark/ctishark/dissect"
)

// callVar reports whether a field is a call variable, with its name and value.
func callVar(f *dissect.Field) (name, val string, ok bool) {
	switch f.Value.Type {
	case dissect.TypeNAMEDVAR:
		return f.Value.Name, f.Value.Str, true
	case dissect.TypeNAMEDARRAY:
		return f.Value.Name + "[" + strconv.Itoa(int(f.Value.Index)) + "]", f.Value.Str, true
	case dissect.TypeSTRING:
		if strings.HasPrefix(f.Name, "CallVariable") {
			return f.Name, f.Value.Str, true
		}
	}
	return "", "", false
}

// varsFrom is where the fields that can be call variables begin in m:
// after those the decoder read as the definition's fixed fields, up to
// the first that can hold one (callVar needs a string or named variable;
// a fixed number decodes as a number or bytes). Every event is looked
// at, and its fixed part is most of its fields.
func varsFrom(m *dissect.Message) int {
	if m.Def == nil || m.Def.Slot() < 0 {
		return 0 // a definition from outside the catalogs
	}
	return min(m.DecodedFixed(), firstFixedVar()[m.Def.Slot()])
}

// firstFixedVar is, by MessageDef.Slot, the index of its first
// fixed field that can be a call variable (len(Fixed) when none), made
// once.
var firstFixedVar = sync.OnceValue(func() []int {
	return dissect.BySlot(func(d *dissect.MessageDef) int {
		i := 0
		for i < len(d.Fixed) && !mayBeVar(&d.Fixed[i]) {
			i++
		}
		return i
	})
})

// mayBeVar reports whether a decoded field of definition fd can be a call
// variable (callVar): a named variable or array, or a CallVariable string.
func mayBeVar(fd *dissect.FieldDef) bool {
	switch fd.Type {
	case dissect.TypeNAMEDVAR, dissect.TypeNAMEDARRAY:
		return true
	case dissect.TypeSTRING:
		return strings.HasPrefix(fd.Name, "CallVariable")
	}
	return false
}

// cause is the EventCause name of a message, "" when absent or CEC_NONE.
func cause(m *dissect.Message) string {
	d := display(m.Field(fEventCause))
	if d == "CEC_NONE" {
		return ""
	}
	return d
}

// parties lists the device IDs a message names (CallingDeviceID as
// Calling...), repeated connected parties joined.
func parties(m *dissect.Message) []Var {
	var out []Var
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Value.Type != dissect.TypeSTRING || !strings.HasSuffix(f.Name, "DeviceID") || f.Value.Str == "" {
			continue
		}
		name := strings.TrimSuffix(f.Name, "DeviceID")
		if name == "" {
			name = "Device"
		}
		if n := len(out); n > 0 && out[n-1].Name == name {
			out[n-1].Value += "," + f.Value.Str
			continue
		}
		out = append(out, Var{name, f.Value.Str})
	}
	return out
}
