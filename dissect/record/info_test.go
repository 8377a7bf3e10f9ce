package record

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// TestInfoSpecsMatchCatalog keeps the Info design honest: every spec names
// a real message, every placeholder a field that message has, every
// modifier one the renderer knows.
func TestInfoSpecsMatchCatalog(t *testing.T) {
	known := map[string]bool{"nz": true, "state": true, "mode": true, "q": true, "online": true, "list": true, "rec": true, "count": true}
	for name, ds := range specByName {
		segs := ds.spec.segs
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
		{"agent state", recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3), "EventReasonCode": recordtest.U(32760)},
			"AgentExtension", recordtest.S("1001"), "AgentID", recordtest.S("1001")),
			"agent 1001 (ext 1001) READY reason AGT_LOGON"},
		{"agent state, user reason code", recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(2), "EventReasonCode": recordtest.U(12)},
			"AgentID", recordtest.S("1001")),
			"agent 1001 NOT_READY reason 12"},
		{"begin call", recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777217), "CallType": recordtest.U(1)},
			"ANI", recordtest.S("4085551234"), "DNIS", recordtest.S("5000")),
			"call 16777217 ANI 4085551234 DNIS 5000 CallType CALLTYPE_CCX_IN"},
		{"failure", recordtest.Build(t, "FAILURE_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(7), "Status": recordtest.U(13)}, "Text", recordtest.S("no such call")),
			`E_CTI_INVALID_CALLID "no such call"`},
		{"control failure", recordtest.Build(t, "CONTROL_FAILURE_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(7), "FailureCode": recordtest.U(11), "Unified CCX ErrorCode": recordtest.U(88012)}),
			"CF_INVALID_CSTA_CALL_ID CCX_CALL_ID_NULL"},
		{"open req", recordtest.Build(t, "OPEN_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1), "VersionNumber": recordtest.U(13), "IdleTimeout": recordtest.U(60), "ServicesRequested": recordtest.U(0x05)},
			"ClientID", recordtest.S("desk"), "ClientPassword", dissect.Bytes([]byte("pw")), "AgentExtension", recordtest.S("1001"), "AgentID", recordtest.S("1001")),
			"v13 agent mode client desk agent 1001 ext 1001 idle 60s"},
		{"set agent state", recordtest.Build(t, "SET_AGENT_STATE_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(3), "AgentState": recordtest.U(2), "EventReasonCode": recordtest.U(12)},
			"AgentInstrument", recordtest.S("1001"), "AgentPassword", recordtest.S("secret"), "AgentID", recordtest.S("1001")),
			"agent 1001 to NOT_READY reason 12 on 1001"},
		{"call event", recordtest.Build(t, "CALL_DELIVERED_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777217), "LocalConnectionState": recordtest.U(2), "EventCause": recordtest.U(22)},
			"ConnectionDeviceID", recordtest.S("1001"), "CallingDeviceID", recordtest.S("4085551234"), "CalledDeviceID", recordtest.S("5000")),
			"call 16777217 dev 1001 LCS_ALERTING CEC_NEW_CALL from 4085551234 to 5000"},
		{"heartbeat", recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(42)}), "invoke 42"},
		{"unnamed enum value", recordtest.Build(t, "SYSTEM_EVENT", map[string]dissect.Value{"SystemEventID": recordtest.U(99), "CCXStatus": recordtest.U(1024)}),
			"event 99 CCX status CCX_IN_SERVICE"},
		// ANI and DNIS only when they say something "from" and "to" did not.
		{"delivered, ANI is the caller", recordtest.Build(t, "CALL_DELIVERED_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777217), "LocalConnectionState": recordtest.U(2), "EventCause": recordtest.U(22)},
			"ConnectionDeviceID", recordtest.S("1001"), "CallingDeviceID", recordtest.S("4085551234"), "CalledDeviceID", recordtest.S("5000"), "ANI", recordtest.S("4085551234"), "DNIS", recordtest.S("5001")),
			"call 16777217 dev 1001 LCS_ALERTING CEC_NEW_CALL from 4085551234 to 5000 DNIS 5001"},
		{"agent state CSQs", recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3), "numCSQs": recordtest.U(2)}, "AgentID", recordtest.S("1001"),
			"CSQID", recordtest.U(5), "CSQID", recordtest.U(7)),
			"agent 1001 READY 2 CSQs"},
		{"open conf labels the agent state", recordtest.Build(t, "OPEN_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(1), "ServicesGranted": recordtest.U(0x10), "AgentState": recordtest.U(9), "Unified CCX Online": dissect.Uint(dissect.TypeBOOL, 1)}),
			"bridge mode granted agent state UNKNOWN CCX online"},
		{"config records", recordtest.Build(t, "CONFIG_CSQ_EVENT", map[string]dissect.Value{"NumRecords": recordtest.U(2)},
			"RecordType", dissect.Uint(dissect.TypeUSHORT, 0), "CSQName", recordtest.S("Sales"),
			"RecordType", dissect.Uint(dissect.TypeUSHORT, 2), "CSQName", recordtest.S("Old")),
			"2 records: Add Sales, Delete Old"},
		{"confirm", recordtest.Build(t, "SET_AGENT_STATE_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(3)}), "invoke 3"},
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
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
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
	if got := MessageID(recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(9)})); got != "9" {
		t.Errorf("InvokeID: %q", got)
	}
	if got := MessageID(recordtest.Build(t, "END_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(77)})); got != "77" {
		t.Errorf("CallID: %q", got)
	}
	if got := MessageID(recordtest.Build(t, "SYSTEM_EVENT", nil)); got != "" {
		t.Errorf("none: %q", got)
	}
}

// UCCE names its calls ConnectionCallID: the ID column and the call
// references read it as UCCX's CallID.
func TestUCCECallIDs(t *testing.T) {
	ucce := dissect.CatalogFor(dissect.DialectUCCE)
	build := func(name string, fixed map[string]uint64) *dissect.Message {
		m := dissect.NewMessage(ucce.LookupName(name, 20))
		for k, v := range fixed {
			if err := m.SetFixed(k, dissect.Uint(dissect.TypeUINT, v)); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	end := build("END_CALL_EVENT", map[string]uint64{"ConnectionCallID": 1200345})
	if id, dup := LabelledID(end); id != "call 1200345" || dup != "call 1200345" || MessageID(end) != "1200345" {
		t.Errorf("END_CALL_EVENT: %q %q %q", id, dup, MessageID(end))
	}
	if c := CallIDsOf(end); c.Main != 1200345 {
		t.Errorf("END_CALL_EVENT calls: %+v", c)
	}
	upd := build("CALL_DATA_UPDATE_EVENT", map[string]uint64{"ConnectionCallID": 7, "NewConnectionCallID": 8})
	if c := CallIDsOf(upd); c.Main != 7 || c.Others[0] != 8 {
		t.Errorf("CALL_DATA_UPDATE_EVENT calls: %+v", c)
	}
	// A request names the call too, after its InvokeID.
	ans := build("ANSWER_CALL_REQ", map[string]uint64{"InvokeID": 4, "ConnectionCallID": 9})
	if c := CallIDsOf(ans); c.Main != 9 || MessageID(ans) != "4" {
		t.Errorf("ANSWER_CALL_REQ: %+v %q", c, MessageID(ans))
	}
}

// TestInfoFinderMatchesGet keeps the finder's shortcut honest: for every
// message the table has a spec for, in both catalogs, with its fixed part
// whole or cut short (as an older version's message) and every floating
// field the definition has, and some twice or under a tag the message
// does not define, each placeholder finds the field Message.Get finds.
func TestInfoFinderMatchesGet(t *testing.T) {
	for _, c := range dissect.Catalogs() {
		for _, def := range c.Messages() {
			ds := specFor(def)
			if ds == nil || ds.fixed == nil {
				continue
			}
			full := dissect.NewMessage(def)
			for i := range def.Floating {
				for range 2 {
					if err := full.AddTag(def.Floating[i].Tag, 0, dissect.Value{Type: def.Floating[i].Type}); err != nil {
						t.Fatal(err)
					}
				}
			}
			_ = full.AddTag(1, 0, dissect.Value{}) // foreign or unknown to most messages
			nFixed := len(def.Fixed)
			for cut := 0; cut <= nFixed; cut++ {
				m := *full
				m.Fields = append(append([]dissect.Field(nil), full.Fields[:cut]...), full.Fields[nFixed:]...)
				ff := finder{m: &m, fixed: ds.fixed}
				for slot, name := range ds.names {
					if got, want := ff.get(slot, name), m.Get(name); got != want {
						t.Errorf("%s %s (fixed part cut to %d fields): %s found %p, Get %p", c.Dialect, def.Name, cut, name, got, want)
					}
				}
			}
		}
	}
}
