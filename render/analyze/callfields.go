package analyze

import (
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// callRefs are the CallIDs a message names: main is the call it is about
// (CallID, else PrimaryCallID), secondary the consult call of a transfer or
// conference, others any further reference (NewCallID, ActiveCallID...).
type callRefs struct {
	main, secondary uint32
	others          [3]uint32
}

func (c callRefs) has(id uint32) bool {
	return c.main == id || c.secondary == id || c.others[0] == id || c.others[1] == id || c.others[2] == id
}

func callIDs(m *dissect.Message) callRefs {
	var c callRefs
	n := 0
	for i := range m.Fields {
		f := &m.Fields[i]
		if f.Tag >= 0 && f.Name != "CallID" {
			continue // call references are fixed fields
		}
		if !f.Value.Type.IsInteger() {
			continue
		}
		id := uint32(f.Value.Num)
		switch f.Name {
		case "CallID", "PrimaryCallID":
			if c.main == 0 {
				c.main = id
			}
		case "SecondaryCallID":
			c.secondary = id
		case "NewCallID", "ActiveCallID", "HeldCallID":
			if n < len(c.others) {
				c.others[n] = id
				n++
			}
		}
	}
	return c
}

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

// cause is the EventCause name of a message, "" when absent or CEC_NONE.
func cause(m *dissect.Message) string {
	d := display(m.Get("EventCause"))
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
