package analyze

import (
	"strconv"
	"strings"

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
