package render

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// build encodes a message with fixed values and floating fields, then
// decodes it the way a capture would be.
func build(t testing.TB, name string, fixed map[string]dissect.Value, floating ...any) *dissect.Message {
	t.Helper()
	def := dissect.LookupName(name)
	if def == nil {
		t.Fatalf("no message %s", name)
	}
	m := dissect.NewMessage(def)
	for k, v := range fixed {
		if err := m.SetFixed(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), floating[i+1].(dissect.Value)); err != nil {
			t.Fatal(err)
		}
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11, Source: dissect.SourceVersion})
}

func u(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
func s(v string) dissect.Value { return dissect.Str(v) }

// TestInfoSpecsMatchCatalog keeps the Info design honest: every spec names
// a real message, every placeholder a field that message has, every
// modifier one the renderer knows.
func TestInfoSpecsMatchCatalog(t *testing.T) {
	known := map[string]bool{"nz": true, "state": true, "mode": true, "q": true, "online": true, "list": true, "rec": true, "count": true}
	for name, segs := range parsedSpecs {
		def := dissect.LookupName(name)
		if def == nil {
			t.Errorf("Info spec for unknown message %s", name)
			continue
		}
		fields := map[string]bool{}
		for _, f := range def.Fixed {
			fields[f.Name] = true
		}
		for _, f := range def.Floating {
			fields[f.Name] = true
		}
		for _, seg := range segs {
			for _, p := range seg.parts {
				if p.field == "" {
					continue
				}
				if !fields[p.field] {
					t.Errorf("%s: Info placeholder {%s} is not a field of the message", name, p.field)
				}
				for _, m := range p.mods {
					if other, ok := strings.CutPrefix(m, "ne="); ok {
						if !fields[other] {
							t.Errorf("%s: {%s:%s} compares with a field the message lacks", name, p.field, m)
						}
						continue
					}
					if !known[m] {
						t.Errorf("%s: unknown modifier %q on {%s}", name, m, p.field)
					}
				}
			}
		}
	}
	for _, def := range dissect.Messages() {
		if _, ok := infoSpecs[def.Name]; !ok {
			t.Errorf("%s has no Info spec (add one to infospec.go)", def.Name)
		}
	}
}

func TestInfo(t *testing.T) {
	tests := []struct {
		name string
		msg  *dissect.Message
		want string
	}{
		{"agent state", build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": u(3), "EventReasonCode": u(32760)},
			"AgentExtension", s("1001"), "AgentID", s("1001")),
			"agent 1001 (ext 1001) READY reason AGT_LOGON"},
		{"agent state, user reason code", build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": u(2), "EventReasonCode": u(12)},
			"AgentID", s("1001")),
			"agent 1001 NOT_READY reason 12"},
		{"begin call", build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": u(16777217), "CallType": u(1)},
			"ANI", s("4085551234"), "DNIS", s("5000")),
			"call 16777217 ANI 4085551234 DNIS 5000 CallType CALLTYPE_CCX_IN"},
		{"failure", build(t, "FAILURE_CONF", map[string]dissect.Value{"InvokeID": u(7), "Status": u(13)}, "Text", s("no such call")),
			`E_CTI_INVALID_CALLID "no such call"`},
		{"control failure", build(t, "CONTROL_FAILURE_CONF", map[string]dissect.Value{"InvokeID": u(7), "FailureCode": u(11), "Unified CCX ErrorCode": u(88012)}),
			"CF_INVALID_CSTA_CALL_ID CCX_CALL_ID_NULL"},
		{"open req", build(t, "OPEN_REQ", map[string]dissect.Value{"InvokeID": u(1), "VersionNumber": u(13), "IdleTimeout": u(60), "ServicesRequested": u(0x05)},
			"ClientID", s("desk"), "ClientPassword", dissect.Bytes([]byte("pw")), "AgentExtension", s("1001"), "AgentID", s("1001")),
			"v13 agent mode client desk agent 1001 ext 1001 idle 60s"},
		{"set agent state", build(t, "SET_AGENT_STATE_REQ", map[string]dissect.Value{"InvokeID": u(3), "AgentState": u(2), "EventReasonCode": u(12)},
			"AgentInstrument", s("1001"), "AgentPassword", s("secret"), "AgentID", s("1001")),
			"agent 1001 to NOT_READY reason 12 on 1001"},
		{"call event", build(t, "CALL_DELIVERED_EVENT", map[string]dissect.Value{"CallID": u(16777217), "LocalConnectionState": u(2), "EventCause": u(22)},
			"ConnectionDeviceID", s("1001"), "CallingDeviceID", s("4085551234"), "CalledDeviceID", s("5000")),
			"call 16777217 dev 1001 LCS_ALERTING CEC_NEW_CALL from 4085551234 to 5000"},
		{"heartbeat", build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": u(42)}), "invoke 42"},
		{"unnamed enum value", build(t, "SYSTEM_EVENT", map[string]dissect.Value{"SystemEventID": u(99), "CCXStatus": u(1024)}),
			"SystemEventID=99 CCX_IN_SERVICE"},
		{"config records", build(t, "CONFIG_CSQ_EVENT", map[string]dissect.Value{"NumRecords": u(2)},
			"RecordType", dissect.Uint(dissect.TypeUSHORT, 0), "CSQName", s("Sales"),
			"RecordType", dissect.Uint(dissect.TypeUSHORT, 2), "CSQName", s("Old")),
			"2 records: Add Sales, Delete Old"},
		{"confirm", build(t, "SET_AGENT_STATE_CONF", map[string]dissect.Value{"InvokeID": u(3)}), "invoke 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Info(tc.msg, false); got != tc.want {
				t.Errorf("Info = %q\n          want %q", got, tc.want)
			}
		})
	}
}

func TestInfoEveryMessage(t *testing.T) {
	// Every message type, all fields zero: Info must not panic and must say
	// something (the generic text for bare confirms, the spec otherwise).
	for _, def := range dissect.Messages() {
		m := dissect.NewMessage(def)
		frame, err := dissect.Encode(m, dissect.Layout11)
		if err != nil {
			t.Fatal(err)
		}
		d := dissect.DecodeAs(def, frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
		_ = Info(d, false)
	}
}

func TestInfoExpert(t *testing.T) {
	m := build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": u(1)})
	frame := append(append([]byte(nil), m.Frame...), 0xde, 0xad) // bytes beyond BodyLength
	d := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	got := Info(d, false)
	if !strings.Contains(got, "[malformed: 2 bytes follow the BodyLength of 4]") {
		t.Errorf("Info = %q, want the malformed note", got)
	}
}

func TestInfoUnknownMessage(t *testing.T) {
	frame := []byte{0, 0, 0, 2, 0, 0, 0x03, 0xe7, 1, 2} // 999: no dialect has it
	got := Info(dissect.Decode(frame, dissect.Context{}), false)
	if !strings.HasPrefix(got, "unknown message type 999, 2-byte body") {
		t.Errorf("Info = %q", got)
	}
}

func TestMessageID(t *testing.T) {
	if got := MessageID(build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": u(9)})); got != "9" {
		t.Errorf("InvokeID: %q", got)
	}
	if got := MessageID(build(t, "END_CALL_EVENT", map[string]dissect.Value{"CallID": u(77)})); got != "77" {
		t.Errorf("CallID: %q", got)
	}
	if got := MessageID(build(t, "SYSTEM_EVENT", nil)); got != "" {
		t.Errorf("none: %q", got)
	}
}
