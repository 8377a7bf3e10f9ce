package dissect

import (
	"testing"
)

// The frames in this file are written by hand from the spec (README "wire
// format in one screen" and ccx-cti.json), not produced by the encoder. Each
// line holds one field; the comment gives its frame offset.

// want is one expected field: name, tag (-1 fixed), offset and size of the
// value, Value.Text and Display.
type want struct {
	name      string
	tag       int
	off, size int
	text      string
	display   string
}

// checkFields compares fs with ws exactly, in order.
func checkFields(t *testing.T, where string, fs []Field, ws []want) {
	t.Helper()
	if len(fs) != len(ws) {
		var names []string
		for i := range fs {
			names = append(names, fs[i].Name+"="+fs[i].Value.Text())
		}
		t.Fatalf("%s: %d fields, want %d: %q", where, len(fs), len(ws), names)
	}
	for i, w := range ws {
		f := &fs[i]
		if f.Name != w.name || f.Tag != w.tag || f.Offset != w.off || f.Size != w.size || f.Value.Text() != w.text || f.Display() != w.display {
			t.Errorf("%s field %d:\n got %q tag %d @%d+%d text %q display %q\nwant %q tag %d @%d+%d text %q display %q",
				where, i, f.Name, f.Tag, f.Offset, f.Size, f.Value.Text(), f.Display(),
				w.name, w.tag, w.off, w.size, w.text, w.display)
		}
	}
}

// checkHeader checks the two header fields and the message identity.
func checkHeader(t *testing.T, m *Message, bodyLen int, name string) {
	t.Helper()
	if m.Name() != name {
		t.Fatalf("decoded as %s, want %s", m.Name(), name)
	}
	checkFields(t, name+" header", m.Header, []want{
		{"BodyLength", -1, 0, 4, itoa(bodyLen), ""},
		{"MessageTypeID", -1, 4, 4, itoa(int(m.Def.ID)), name},
	})
	if int(m.BodyLength) != bodyLen || len(m.Frame) != HeaderLen+bodyLen {
		t.Errorf("BodyLength %d, frame %d bytes; want %d", m.BodyLength, len(m.Frame), bodyLen)
	}
}

func itoa(n int) string { return Uint(TypeUINT, uint64(n)).Text() }

// childNames lists "name=text@off+size" for f's children.
func children(f *Field) []string {
	var out []string
	for _, c := range f.Children {
		out = append(out, c.Name+"="+c.Value.Text()+"@"+itoa(c.Offset)+"+"+itoa(c.Size))
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func checkChildren(t *testing.T, f *Field, w ...string) {
	t.Helper()
	if f == nil {
		t.Fatal("field missing")
	}
	if got := children(f); !sameStrings(got, w) {
		t.Errorf("%s children: got %q, want %q", f.Name, got, w)
	}
}

// Session class, version 13, floating layout 1+1, no reserved UINTs.
const openReqV13 = `
00000044 // BodyLength 68
00000003 // MessageTypeID 3 OPEN_REQ
00000001 // @8  InvokeID 1
0000000d // @12 VersionNumber 13
0000003c // @16 IdleTimeout 60
00000000 // @20 reserved
00000011 // @24 ServicesRequested CLIENT_EVENTS|ALL_EVENTS
00000005 // @28 CallMsgMask DELIVERED|ESTABLISHED
00000000 // @32 AgentStateMask
00000000 // @36 ConfigMsgMask
01 07 637469617070 00 // @40 ClientID "ctiapp"
02 04 70772121        // @49 ClientPassword (UNSPEC) "pw!!"
04 05 31303031 00     // @55 AgentExtension "1001"
06 05 31303031 00     // @62 AgentInstrument "1001"
c2 05 34323432 00     // @69 AgentID (194) "4242"
`

func TestDecodeOpenReqV13(t *testing.T) {
	s := NewSession(Options{})
	m := s.Decode(hx(t, openReqV13))
	checkHeader(t, m, 68, "OPEN_REQ")
	checkFields(t, "OPEN_REQ", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "1", ""},
		{"VersionNumber", -1, 12, 4, "13", ""},
		{"IdleTimeout", -1, 16, 4, "60", ""},
		{"reserved", -1, 20, 4, "0", ""},
		{"ServicesRequested", -1, 24, 4, "17", "CTI_SERVICE_CLIENT_EVENTS | CTI_SERVICE_ALL_EVENTS"},
		{"CallMsgMask", -1, 28, 4, "5", "CALL_DELIVERED_MASK | CALL_ESTABLISHED_MASK"},
		{"AgentStateMask", -1, 32, 4, "0", "none"},
		{"ConfigMsgMask", -1, 36, 4, "0", "none"},
		{"ClientID", 1, 42, 7, "ctiapp", ""},
		{"ClientPassword", 2, 51, 4, "70772121", ""},
		{"AgentExtension", 4, 57, 5, "1001", ""},
		{"AgentInstrument", 6, 64, 5, "1001", ""},
		{"AgentID", 194, 71, 5, "4242", ""},
	})
	svc := m.Get("ServicesRequested")
	checkChildren(t, svc, "CTI_SERVICE_CLIENT_EVENTS=true@24+4", "CTI_SERVICE_ALL_EVENTS=true@24+4")
	if svc.Text() != "CTI_SERVICE_CLIENT_EVENTS | CTI_SERVICE_ALL_EVENTS (17)" {
		t.Errorf("ServicesRequested text %q", svc.Text())
	}
	if f := m.Get("ClientPassword"); !f.Secret || f.HdrOffset != 49 {
		t.Errorf("ClientPassword secret %v hdr %d", f.Secret, f.HdrOffset)
	}
	if m.Version != 13 || m.Layout != Layout11 || m.LayoutSource != SourceVersion || m.FixedSize != 32 {
		t.Errorf("version %d layout %s/%s fixed %d", m.Version, m.Layout, m.LayoutSource, m.FixedSize)
	}
	// Which OPEN_REQ layout matched is the session's note, not the message's.
	if got := expertCodes(m); len(got) != 0 {
		t.Errorf("expert items %q", got)
	}
	expectNote(t, s, ExpOpenReqLayout)
	if s.Version != 13 || s.Layout != Layout11 || s.LayoutSource != SourceVersion || s.OpenReqExtra != 0 ||
		s.Mode != ModeBridge || s.AgentID != "4242" || s.AgentExtension != "1001" || !s.SawOpenReq {
		t.Errorf("session learned %+v", *s)
	}
}

// Session class: SYSTEM_EVENT has a TIME and enums.
func TestDecodeSystemEvent(t *testing.T) {
	frame := hx(t, `
00000026 // BodyLength 38
0000001f // MessageTypeID 31 SYSTEM_EVENT
00000400 // @8  CCXStatus 1024 CCX_IN_SERVICE
6553f100 // @12 CCXTime 1700000000
0000000a // @16 SystemEventID 10
00000001 // @20 SystemEventArg1
00000002 // @24 SystemEventArg2
00000003 // @28 SystemEventArg3
004c     // @32 EventDeviceType 76 DEVID_AGENT_DEVICE
07 03 6869 00     // @34 Text "hi"
ce 05 31303031 00 // @39 EventDeviceID (206) "1001"
`)
	m := Decode(frame, ctxFor(13))
	checkHeader(t, m, 38, "SYSTEM_EVENT")
	checkFields(t, "SYSTEM_EVENT", m.Fields, []want{
		{"CCXStatus", -1, 8, 4, "1024", "CCX_IN_SERVICE"},
		{"CCXTime", -1, 12, 4, "1700000000", "2023-11-14T22:13:20Z"},
		{"SystemEventID", -1, 16, 4, "10", "SYS_INSTRUMENT_OUT_OF_SERVICE"},
		{"SystemEventArg1", -1, 20, 4, "1", ""},
		{"SystemEventArg2", -1, 24, 4, "2", ""},
		{"SystemEventArg3", -1, 28, 4, "3", ""},
		{"EventDeviceType", -1, 32, 2, "76", "DEVID_AGENT_DEVICE"},
		{"Text", 7, 36, 3, "hi", ""},
		{"EventDeviceID", 206, 41, 5, "1001", ""},
	})
	if got := m.Get("CCXTime").Text(); got != "2023-11-14T22:13:20Z" {
		t.Errorf("CCXTime text %q", got)
	}
	if got := m.Get("CCXStatus").Text(); got != "CCX_IN_SERVICE (1024)" {
		t.Errorf("CCXStatus text %q", got)
	}
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}
}

// Failure class.
func TestDecodeFailureConf(t *testing.T) {
	frame := hx(t, `
00000014 // BodyLength 20
00000001 // MessageTypeID 1 FAILURE_CONF
00000007 // @8  InvokeID 7
00000003 // @12 Status 3 E_CTI_INVALID_FIELD
07 0a 626164206669656c64 00 // @16 Text "bad field"
`)
	m := Decode(frame, ctxFor(13))
	checkHeader(t, m, 20, "FAILURE_CONF")
	checkFields(t, "FAILURE_CONF", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "7", ""},
		{"Status", -1, 12, 4, "3", "E_CTI_INVALID_FIELD"},
		{"Text", 7, 18, 10, "bad field", ""},
	})
	if !m.IsFailure() || m.Def.Class != ClassFailure || len(m.AllExpert()) != 0 {
		t.Errorf("failure %v class %s expert %q", m.IsFailure(), m.Def.Class, expertCodes(m))
	}
}

// Config class: enum, mask and UNSPEC keys.
func TestDecodeConfigBeginEvent(t *testing.T) {
	frame := hx(t, `
0000001a // BodyLength 26
000000e9 // MessageTypeID 233 CONFIG_BEGIN_EVENT
0001     // @8  ConfigType 1 Initial Configuration
0000000f // @10 ConfigurationMask 0x0f
b1 08 0102030405060708 // @14 ApplicationConfigKey (177)
b3 08 1112131415161718 // @24 AgentConfigKey (179)
`)
	m := Decode(frame, ctxFor(13))
	checkHeader(t, m, 26, "CONFIG_BEGIN_EVENT")
	checkFields(t, "CONFIG_BEGIN_EVENT", m.Fields, []want{
		{"ConfigType", -1, 8, 2, "1", "Initial Configuration"},
		{"ConfigurationMask", -1, 10, 4, "15", "Application Information | CSQ Information | Agent Information | Device Information"},
		{"ApplicationConfigKey", 177, 16, 8, "0102030405060708", ""},
		{"AgentConfigKey", 179, 26, 8, "1112131415161718", ""},
	})
	checkChildren(t, m.Get("ConfigurationMask"),
		"Application Information=true@10+4", "CSQ Information=true@10+4", "Agent Information=true@10+4", "Device Information=true@10+4")
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}
}

// Config class: CONFIG_AGENT_EVENT, whose per-record NumCSQ counts the
// CSQID records.
const configAgentV13 = `
00000030 // BodyLength 48
000000ed // MessageTypeID 237 CONFIG_AGENT_EVENT
0002     // @8 NumRecords 2
b7 02 0000             // @10 RecordType (183) 0 Add
be 05 61676e31 00      // @14 LoginID (190) "agn1"
bf 02 0001             // @21 NumCSQ (191) 1
3e 04 00000065         // @25 CSQID (62) 101
b7 02 0001             // @31 RecordType 1 Change
be 05 61676e32 00      // @35 LoginID "agn2"
bf 02 0001             // @42 NumCSQ 1
3e 04 00000066         // @46 CSQID 102
f7 02 0003             // @52 agentState (247) 3 AGENT_STATE_READY
`

func TestDecodeConfigAgentEvent(t *testing.T) {
	m := Decode(hx(t, configAgentV13), ctxFor(13))
	checkHeader(t, m, 48, "CONFIG_AGENT_EVENT")
	checkFields(t, "CONFIG_AGENT_EVENT", m.Fields, []want{
		{"NumRecords", -1, 8, 2, "2", ""},
		{"RecordType", 183, 12, 2, "0", "Add"},
		{"LoginID", 190, 16, 5, "agn1", ""},
		{"NumCSQ", 191, 23, 2, "1", ""},
		{"CSQID", 62, 27, 4, "101", ""},
		{"RecordType", 183, 33, 2, "1", "Change"},
		{"LoginID", 190, 37, 5, "agn2", ""},
		{"NumCSQ", 191, 44, 2, "1", ""},
		{"CSQID", 62, 48, 4, "102", ""},
		{"agentState", 247, 54, 2, "3", "AGENT_STATE_READY"},
	})
	for i, occ := range []int{0, 1, 1, 1, 1, 2, 2, 2, 2, 0} {
		if m.Fields[i].Occurrence != occ {
			t.Errorf("%s occurrence %d, want %d", m.Fields[i].Name, m.Fields[i].Occurrence, occ)
		}
	}
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}
}

// Agent class at version 18: floating layout 2+1 and tag 303.
const setAgentStateV18 = `
00000030 // BodyLength 48
00000026 // MessageTypeID 38 SET_AGENT_STATE_REQ
00000009 // @8  InvokeID 9
00000000 // @12 reserved
0003     // @16 AgentState 3 AGENT_STATE_READY
0000     // @18 reserved
0000     // @20 reserved
7fe6     // @22 EventReasonCode 32742 AGT_SEC_LINE_OFFHOOK
01       // @24 ForcedFlag 1 TRUE
00000001 // @25 AgentCapacity (version 12) Outbound
0006 05 31303031 00         // @29 AgentInstrument "1001"
00c2 05 34323432 00         // @37 AgentID "4242"
012f 08 53455030303031 00   // @45 ActiveTerminal (303, version 18) "SEP0001"
`

func TestDecodeSetAgentStateV18(t *testing.T) {
	m := Decode(hx(t, setAgentStateV18), ctxFor(18))
	checkHeader(t, m, 48, "SET_AGENT_STATE_REQ")
	checkFields(t, "SET_AGENT_STATE_REQ", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "9", ""},
		{"reserved", -1, 12, 4, "0", ""},
		{"AgentState", -1, 16, 2, "3", "AGENT_STATE_READY"},
		{"reserved", -1, 18, 2, "0", ""},
		{"reserved", -1, 20, 2, "0", ""},
		{"EventReasonCode", -1, 22, 2, "32742", "AGT_SEC_LINE_OFFHOOK"},
		{"ForcedFlag", -1, 24, 1, "1", "TRUE"},
		{"AgentCapacity", -1, 25, 4, "1", "Outbound feature enabled"},
		{"AgentInstrument", 6, 32, 5, "1001", ""},
		{"AgentID", 194, 40, 5, "4242", ""},
		{"ActiveTerminal", 303, 48, 8, "SEP0001", ""},
	})
	checkChildren(t, m.Get("AgentCapacity"), "Outbound feature enabled=true@25+4")
	if m.Layout != Layout21 || m.LayoutSource != SourceVersion || m.Def.Class != ClassAgent {
		t.Errorf("layout %s/%s class %s", m.Layout, m.LayoutSource, m.Def.Class)
	}
	if f := m.Get("ActiveTerminal"); f.HdrOffset != 45 {
		t.Errorf("ActiveTerminal header at %d", f.HdrOffset)
	}
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}
}

// Call-event class at version 14 (1+1): Primary.Actual device IDs,
// NamedVariable and NamedArray.
const beginCallV14 = `
00000045 // BodyLength 69
00000017 // MessageTypeID 23 BEGIN_CALL_EVENT
00000000 // @8  reserved
00000000 // @12 reserved
0000     // @16 reserved
0001     // @18 NumCTIClients 1
0001     // @20 NumNamedVariables 1
0001     // @22 NumNamedArrays 1
0001     // @24 CallType 1 CALLTYPE_CCX_IN
0000     // @26 ConnectionDeviceType 0 CONNECTION_ID_STATIC
01020304 // @28 CallID 16909060
000f     // @32 CalledPartyDisposition 15 Redirected
19 0a 313030302e31303031 00      // @34 ConnectionDeviceID (25) "1000.1001"
08 08 35353531323334 00          // @46 ANI "5551234"
52 0a 757365722e78 00 3432 00    // @56 NamedVariable (82) user.x=42
53 07 01 617272 00 76 00         // @68 NamedArray (83) [1] arr=v
`

func TestDecodeBeginCallV14(t *testing.T) {
	m := Decode(hx(t, beginCallV14), ctxFor(14))
	checkHeader(t, m, 69, "BEGIN_CALL_EVENT")
	checkFields(t, "BEGIN_CALL_EVENT", m.Fields, []want{
		{"reserved", -1, 8, 4, "0", ""},
		{"reserved", -1, 12, 4, "0", ""},
		{"reserved", -1, 16, 2, "0", ""},
		{"NumCTIClients", -1, 18, 2, "1", ""},
		{"NumNamedVariables", -1, 20, 2, "1", ""},
		{"NumNamedArrays", -1, 22, 2, "1", ""},
		{"CallType", -1, 24, 2, "1", "CALLTYPE_CCX_IN"},
		{"ConnectionDeviceType", -1, 26, 2, "0", "CONNECTION_ID_STATIC"},
		{"CallID", -1, 28, 4, "16909060", ""},
		{"CalledPartyDisposition", -1, 32, 2, "15", "Redirected"},
		{"ConnectionDeviceID", 25, 36, 10, "1000.1001", "primary 1000, actual 1001"},
		{"ANI", 8, 48, 8, "5551234", ""},
		{"NamedVariable", 82, 58, 10, "user.x=42", ""},
		{"NamedArray", 83, 70, 7, "arr[1]=v", ""},
	})
	cd := m.Get("ConnectionDeviceID")
	checkChildren(t, cd, "Primary=1000@36+4", "Actual=1001@41+4")
	if cd.Children[0].Filter != "cti.ConnectionDeviceID.primary" || cd.Children[1].Filter != "cti.ConnectionDeviceID.actual" {
		t.Errorf("Primary/Actual filters %q %q", cd.Children[0].Filter, cd.Children[1].Filter)
	}
	checkChildren(t, m.Get("ANI"))
	nv := m.Get("NamedVariable")
	checkChildren(t, nv, "name=user.x@58+6", "value=42@65+2")
	if nv.Value.Name != "user.x" || nv.Value.Str != "42" || nv.Occurrence != 1 || nv.Children[0].Filter != "cti.NamedVariable.name" {
		t.Errorf("NamedVariable %#v occurrence %d", nv.Value, nv.Occurrence)
	}
	na := m.Get("NamedArray")
	checkChildren(t, na, "index=1@70+1", "name=arr@71+3", "value=v@75+1")
	if na.Value.Index != 1 || na.Value.Name != "arr" || na.Value.Str != "v" {
		t.Errorf("NamedArray %#v", na.Value)
	}
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}

	// Before version 14 a dot is just a character.
	m13 := Decode(hx(t, beginCallV14), ctxFor(13))
	if f := m13.Get("ConnectionDeviceID"); len(f.Children) != 0 || f.Display() != "" {
		t.Errorf("v13 ConnectionDeviceID split: %q", children(f))
	}
}

// Call-event class at version 18 (2+1).
func TestDecodeCallHeldV18(t *testing.T) {
	frame := hx(t, `
00000027 // BodyLength 39
0000000b // MessageTypeID 11 CALL_HELD_EVENT
00000000 // @8  reserved
00000000 // @12 reserved
0000     // @16 reserved
0001     // @18 ConnectionDeviceType 1 CONNECTION_ID_DYNAMIC
00000064 // @20 CallID 100
004c     // @24 HoldingDeviceType 76 DEVID_AGENT_DEVICE
0004     // @26 LocalConnectionState 4 LCS_HOLD
ffff     // @28 EventCause 65535 CEC_NONE
0019 05 32303030 00  // @30 ConnectionDeviceID "2000"
001f 06 322e333030 00 // @38 HoldingDeviceID (31) "2.300"
`)
	m := Decode(frame, ctxFor(18))
	checkHeader(t, m, 39, "CALL_HELD_EVENT")
	checkFields(t, "CALL_HELD_EVENT", m.Fields, []want{
		{"reserved", -1, 8, 4, "0", ""},
		{"reserved", -1, 12, 4, "0", ""},
		{"reserved", -1, 16, 2, "0", ""},
		{"ConnectionDeviceType", -1, 18, 2, "1", "CONNECTION_ID_DYNAMIC"},
		{"CallID", -1, 20, 4, "100", ""},
		{"HoldingDeviceType", -1, 24, 2, "76", "DEVID_AGENT_DEVICE"},
		{"LocalConnectionState", -1, 26, 2, "4", "LCS_HOLD"},
		{"EventCause", -1, 28, 2, "65535", "CEC_NONE"},
		{"ConnectionDeviceID", 25, 33, 5, "2000", ""},
		{"HoldingDeviceID", 31, 41, 6, "2.300", "primary 2, actual 300"},
	})
	if m.Layout != Layout21 || len(m.AllExpert()) != 0 {
		t.Errorf("layout %s expert %q", m.Layout, expertCodes(m))
	}
}

// Call-control class at version 18 (2+1): a UINT enum and a USHORT enum.
func TestDecodeControlFailureConfV18(t *testing.T) {
	m := Decode(hx(t, `
00000011 // BodyLength 17
00000023 // MessageTypeID 35 CONTROL_FAILURE_CONF
0000000b // @8  InvokeID 11
000c     // @12 FailureCode 12 CF_INVALID_CSTA_DEVICE_ID
000157c5 // @14 Unified CCX ErrorCode 88005 CCX_AGENT_DEVICE_BUSY
0007 04 627379 00 // @18 Text "bsy"
`), ctxFor(18))
	checkHeader(t, m, 17, "CONTROL_FAILURE_CONF")
	checkFields(t, "CONTROL_FAILURE_CONF", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "11", ""},
		{"FailureCode", -1, 12, 2, "12", "CF_INVALID_CSTA_DEVICE_ID"},
		{"Unified CCX ErrorCode", -1, 14, 4, "88005", "CCX_AGENT_DEVICE_BUSY"},
		{"Text", 7, 21, 4, "bsy", ""},
	})
	if f := m.Get("Unified CCX ErrorCode"); f.Filter != "cti.UnifiedCCXErrorCode" {
		t.Errorf("filter %q", f.Filter)
	}
	if !m.IsFailure() || m.Def.Class != ClassCallControl || len(m.AllExpert()) != 0 {
		t.Errorf("failure %v class %s expert %q", m.IsFailure(), m.Def.Class, expertCodes(m))
	}
}

// Call-control class with the UCCE 2+2 layout forced by the user.
func TestDecodeAnswerCallLayout22(t *testing.T) {
	s := NewSession(Options{Layout: Layout22})
	m := s.Decode(hx(t, `
00000020 // BodyLength 32
0000002a // MessageTypeID 42 ANSWER_CALL_REQ
0000000b // @8  InvokeID 11
00000000 // @12 reserved
00000064 // @16 CallID 100
0001     // @20 ConnectionDeviceType 1 CONNECTION_ID_DYNAMIC
0019 0005 31303031 00 // @22 ConnectionDeviceID "1001"
0006 0005 31303031 00 // @31 AgentInstrument "1001"
`))
	checkHeader(t, m, 32, "ANSWER_CALL_REQ")
	checkFields(t, "ANSWER_CALL_REQ", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "11", ""},
		{"reserved", -1, 12, 4, "0", ""},
		{"CallID", -1, 16, 4, "100", ""},
		{"ConnectionDeviceType", -1, 20, 2, "1", "CONNECTION_ID_DYNAMIC"},
		{"ConnectionDeviceID", 25, 26, 5, "1001", ""},
		{"AgentInstrument", 6, 35, 5, "1001", ""},
	})
	if m.Layout != Layout22 || m.LayoutSource != SourceForced || m.Fields[5].HdrOffset != 31 {
		t.Errorf("layout %s/%s", m.Layout, m.LayoutSource)
	}
	if len(m.AllExpert()) != 0 {
		t.Errorf("expert items %q", expertCodes(m))
	}
	// The same message read as 1+1 does not parse.
	if ls := DetectLayout(m.Frame); len(ls) != 1 || ls[0] != Layout22 {
		t.Errorf("DetectLayout = %v, want [2+2]", ls)
	}
}

// Session class: HEARTBEAT_REQ has no floating part.
func TestDecodeHeartbeat(t *testing.T) {
	m := Decode(hx(t, `
00000004 // BodyLength 4
00000005 // MessageTypeID 5 HEARTBEAT_REQ
0000002a // @8 InvokeID 42
`), Context{OpenReqExtra: -1})
	checkHeader(t, m, 4, "HEARTBEAT_REQ")
	checkFields(t, "HEARTBEAT_REQ", m.Fields, []want{{"InvokeID", -1, 8, 4, "42", ""}})
	if m.Layout != LayoutUnknown || m.LayoutSource != SourceNone || len(m.AllExpert()) != 0 {
		t.Errorf("layout %s/%s expert %q", m.Layout, m.LayoutSource, expertCodes(m))
	}
}
