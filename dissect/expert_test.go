package dissect

import (
	"encoding/binary"
	"strings"
	"testing"
)

// fr builds a frame from a hand-written body: the header is the body's
// length and typ, so only tests of lying lengths write it themselves.
func fr(t *testing.T, typ uint32, body string) []byte {
	t.Helper()
	b := hx(t, body)
	out := binary.BigEndian.AppendUint32(nil, uint32(len(b)))
	out = binary.BigEndian.AppendUint32(out, typ)
	return append(out, b...)
}

// expectExpert asserts that m has exactly one item with code, of severity
// sev, attached to field (a filter name, "" for the message), and returns it.
// expectNote asserts that s holds exactly one note with code and returns it.
func expectNote(t *testing.T, s *Session, code string) Note {
	t.Helper()
	var got []Note
	for _, n := range s.Notes {
		if n.Code == code {
			got = append(got, n)
		}
	}
	if len(got) != 1 {
		t.Fatalf("want one session note %s, got %+v", code, s.Notes)
	}
	return got[0]
}

func expectExpert(t *testing.T, m *Message, sev Severity, code, field string) Expert {
	t.Helper()
	got := findExpert(m, code)
	if len(got) != 1 {
		t.Fatalf("%s: want one %s, got %q", m.Name(), code, expertCodes(m))
	}
	e := got[0]
	if e.Severity != sev || e.Field != field {
		t.Errorf("%s: %s is %s on %q, want %s on %q", m.Name(), code, e.Severity, e.Field, sev, field)
	}
	if e.Message == "" {
		t.Errorf("%s: %s without a message", m.Name(), code)
	}
	return e
}

// onlyExperts asserts m has no other expert items than codes.
func onlyExperts(t *testing.T, m *Message, codes ...string) {
	t.Helper()
	for _, e := range m.AllExpert() {
		ok := false
		for _, c := range codes {
			ok = ok || e.Code == c
		}
		if !ok {
			t.Errorf("%s: unexpected %s %s on %q: %s", m.Name(), e.Severity, e.Code, e.Field, e.Message)
		}
	}
}

// fieldWith returns the field carrying an expert item with code.
func fieldWith(t *testing.T, m *Message, code string) *Field {
	t.Helper()
	var out *Field
	walkFields(m, func(f *Field) {
		for _, e := range f.Expert {
			if e.Code == code && out == nil {
				out = f
			}
		}
	})
	if out == nil {
		t.Fatalf("no field carries %s: %q", code, expertCodes(m))
	}
	return out
}

const (
	typFailureConf   = 1
	typOpenReq       = 3
	typOpenConf      = 4
	typHeartbeatReq  = 5
	typCallHeld      = 11
	typBeginCall     = 23
	typSetAgentState = 38
	typQueryAgentReq = 36
	typTeamConfigReq = 242
	typConfigAgent   = 237
)

func TestExpertMalformedHeader(t *testing.T) {
	m := Decode(hx(t, "000000"), Context{OpenReqExtra: -1})
	expectExpert(t, m, SeverityError, ExpMalformedHeader, "")
	checkFields(t, "short", m.Fields, []want{{"data", -1, 0, 3, "000000", ""}})
}

func TestExpertLengthTooLong(t *testing.T) {
	m := Decode(hx(t, `
00000010 // BodyLength 16, but only 4 body bytes follow
00000005 // HEARTBEAT_REQ
0000002a // InvokeID 42
`), ctxFor(13))
	expectExpert(t, m, SeverityError, ExpMalformedLength, "cti.length")
	onlyExperts(t, m, ExpMalformedLength)
	if v, _ := m.Uint("InvokeID"); v != 42 {
		t.Errorf("InvokeID %d", v)
	}
	if f := fieldWith(t, m, ExpMalformedLength); f != &m.Header[0] {
		t.Errorf("length item on %s", f.Name)
	}
}

func TestExpertTrailingBytes(t *testing.T) {
	m := Decode(hx(t, `
00000004 // BodyLength 4, but 6 body bytes follow
00000005 // HEARTBEAT_REQ
0000002a // InvokeID 42
0102     // 2 bytes past BodyLength
`), ctxFor(13))
	expectExpert(t, m, SeverityError, ExpTrailing, "cti.data")
	onlyExperts(t, m, ExpTrailing)
	checkFields(t, "trailing", m.Fields, []want{
		{"InvokeID", -1, 8, 4, "42", ""},
		{"data", -1, 12, 2, "0102", ""},
	})
}

func TestExpertLargeMessage(t *testing.T) {
	m := Decode(hx(t, "000032c8 00000005 0000002a"), ctxFor(13)) // BodyLength 13000
	expectExpert(t, m, SeverityWarning, ExpLargeMessage, "cti.length")
	expectExpert(t, m, SeverityError, ExpMalformedLength, "cti.length")
}

func TestExpertFixedTruncated(t *testing.T) {
	m := Decode(fr(t, typCallHeld, `
00000000 00000000 0000 // reserved
0001                   // ConnectionDeviceType
0000                   // first half of CallID
`), ctxFor(13))
	expectExpert(t, m, SeverityError, ExpFixedTruncated, "cti.CallID")
	onlyExperts(t, m, ExpFixedTruncated)
	checkFields(t, "truncated", m.Fields, []want{
		{"reserved", -1, 8, 4, "0", ""},
		{"reserved", -1, 12, 4, "0", ""},
		{"reserved", -1, 16, 2, "0", ""},
		{"ConnectionDeviceType", -1, 18, 2, "1", "CONNECTION_ID_DYNAMIC"},
		{"data", -1, 20, 2, "0000", ""},
	})
}

func TestExpertUnknownMessage(t *testing.T) {
	m := Decode(fr(t, 200, "01020304"), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpUnknownMessage, "cti.msg_type_id")
	onlyExperts(t, m, ExpUnknownMessage)
	if m.Def != nil || m.Name() != "UNKNOWN_200" {
		t.Errorf("decoded as %s", m.Name())
	}
	checkFields(t, "unknown", m.Fields, []want{{"data", -1, 8, 4, "01020304", ""}})
	if m.Header[1].Display() != "" {
		t.Errorf("MessageTypeID display %q", m.Header[1].Display())
	}
}

// A type ID the catalog lacks, with a body that parses exactly as
// CONFIG_TERMINAL_EVENT (whose ID the guide lost), is decoded as that.
func TestExpertUnknownMessageLostID(t *testing.T) {
	m := Decode(fr(t, 250, `
0001          // NumRecords 1
b7 02 0000    // RecordType (183) Add
06 05 31303031 00 // Instrument "1001"
`), ctxFor(13))
	e := expectExpert(t, m, SeverityWarning, ExpUnknownMessage, "cti.msg_type_id")
	if m.Def == nil || m.Def.Name != "CONFIG_TERMINAL_EVENT" || !strings.Contains(e.Message, "CONFIG_TERMINAL_EVENT") {
		t.Fatalf("decoded as %s: %s", m.Name(), e.Message)
	}
	if f := m.Get("Instrument"); f == nil || f.Value.Str != "1001" || f.Offset != 16 {
		t.Errorf("Instrument %+v", f)
	}
}

func TestExpertUnknownTag(t *testing.T) {
	const body = `
00000007 // InvokeID
00000003 // Status
`
	if LookupTag(217) != nil {
		t.Fatal("tag 217 is in the catalog; pick another")
	}
	m := Decode(fr(t, typFailureConf, body+"d9 05 61626364 00 // tag 217, printable"), ctxFor(13))
	e := expectExpert(t, m, SeverityWarning, ExpUnknownTag, "cti.unknown_tag")
	f := m.Fields[2]
	if f.Name != "tag 217" || f.Tag != 217 || f.Value.Type != TypeSTRING || f.Value.Str != "abcd" || f.Offset != 18 || f.Size != 5 {
		t.Errorf("unknown tag field %+v", f)
	}
	if !strings.Contains(e.Message, "text") {
		t.Errorf("message %q", e.Message)
	}

	m = Decode(fr(t, typFailureConf, body+"d9 03 0001ff // tag 217, binary"), ctxFor(13))
	e = expectExpert(t, m, SeverityWarning, ExpUnknownTag, "cti.unknown_tag")
	f = m.Fields[2]
	if f.Name != "tag 217" || f.Value.Type != TypeUNSPEC || f.Value.Text() != "0001ff" || !strings.Contains(e.Message, "hex") {
		t.Errorf("unknown tag field %+v: %s", f, e.Message)
	}
	// Nothing after it is dropped either.
	m = Decode(fr(t, typFailureConf, body+"d9 00  07 03 6869 00"), ctxFor(13))
	if len(m.Fields) != 4 || m.Fields[2].Name != "tag 217" || m.Fields[3].Name != "Text" {
		t.Errorf("fields %s", dumpFields(m))
	}
}

func TestExpertNotAllowed(t *testing.T) {
	m := Decode(fr(t, typFailureConf, `
00000007 00000003
c2 05 34323432 00 // AgentID (194) is not a FAILURE_CONF field
`), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpNotAllowed, "cti.AgentID") // decoded by the tag table: a note
	onlyExperts(t, m, ExpNotAllowed)
	if f := m.Fields[2]; f.Name != "AgentID" || f.Value.Str != "4242" || f.Def == nil {
		t.Errorf("field %+v", f)
	}
}

func TestExpertTooLong(t *testing.T) {
	m := Decode(fr(t, typQueryAgentReq, `
00000001 00000000 00000000 00000000
04 12 3132333435363738393031323334353637 00 // AgentExtension: 17 chars + NUL, max 16
`), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpTooLong, "cti.AgentExtension")
	onlyExperts(t, m, ExpTooLong)
	if v, _ := m.String("AgentExtension"); v != "12345678901234567" {
		t.Errorf("AgentExtension %q", v)
	}
}

func TestExpertFieldSize(t *testing.T) {
	m := Decode(fr(t, typConfigAgent, `
0001        // NumRecords
b7 03 000001 // RecordType (USHORT) in 3 bytes
`), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpFieldSize, "cti.RecordType")
	onlyExperts(t, m, ExpFieldSize)
	if f := m.Fields[1]; f.Value.Type != TypeUNSPEC || f.Value.Text() != "000001" {
		t.Errorf("RecordType %#v", f.Value)
	}
}

func TestExpertStringNoNUL(t *testing.T) {
	m := Decode(fr(t, typFailureConf, "00000007 00000003  07 02 6869 // Text without NUL"), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpNoNUL, "cti.Text")
	onlyExperts(t, m, ExpNoNUL)
	if v, _ := m.String("Text"); v != "hi" {
		t.Errorf("Text %q", v)
	}
}

func TestExpertAfterNUL(t *testing.T) {
	// NUL padding is worth a note, and the encoder restores it.
	frame := fr(t, typFailureConf, "00000007 00000003  07 05 6869 000000")
	m := Decode(frame, ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpAfterNUL, "cti.Text")
	if v, _ := m.String("Text"); v != "hi" {
		t.Errorf("Text %q", v)
	}
	if again, err := Encode(m, m.Layout); err != nil || string(again) != string(frame) {
		t.Errorf("re-encoded %x, %v", again, err)
	}
	// Anything else after the NUL is data the value does not show.
	m = Decode(fr(t, typFailureConf, "00000007 00000003  07 05 6869 004142"), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpAfterNUL, "cti.Text")
}

func TestExpertBadUTF8(t *testing.T) {
	m := Decode(fr(t, typFailureConf, "00000007 00000003  07 03 fffe 00"), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpBadUTF8, "cti.Text")
	onlyExperts(t, m, ExpBadUTF8)
}

func TestExpertNamedVar(t *testing.T) {
	m := Decode(fr(t, typBeginCall, `
00000000 00000000 0000 0001 // reserved, NumCTIClients
0001 0000                   // NumNamedVariables 1, NumNamedArrays 0
0001 0000 00000064 000f     // CallType, ConnectionDeviceType, CallID, Disposition
52 03 616263                // NamedVariable "abc" without NULs
`), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpNamedVar, "cti.NamedVariable")
	onlyExperts(t, m, ExpNamedVar)
	f := m.Get("NamedVariable")
	checkChildren(t, f, "name=abc@36+3", "value=@39+0")
}

func TestExpertRequiredMissing(t *testing.T) {
	m := Decode(fr(t, typCallHeld, `
00000000 00000000 0000 0001 00000064 004c 0004 ffff
19 05 32303030 00 // ConnectionDeviceID; HoldingDeviceID (31) is missing
`), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpRequiredMissing, "cti.HoldingDeviceID")
	onlyExperts(t, m, ExpRequiredMissing)
}

func TestExpertRepeatCountFixed(t *testing.T) {
	m := Decode(fr(t, typBeginCall, `
00000000 00000000 0000 0001 // reserved, NumCTIClients
0002 0000                   // NumNamedVariables 2 (one follows), NumNamedArrays 0
0001 0000 00000064 000f
52 05 61 00 3132 00         // NamedVariable a=12
`), ctxFor(13))
	expectExpert(t, m, SeverityWarning, ExpRepeatCount, "cti.NumNamedVariables")
	onlyExperts(t, m, ExpRepeatCount)
	if f := fieldWith(t, m, ExpRepeatCount); f.Name != "NumNamedVariables" {
		t.Errorf("count item on %s", f.Name)
	}
}

// CONFIG_AGENT_EVENT counts its CSQID records with the per-record floating
// NumCSQ: the records are checked against the sum of the NumCSQ fields.
func TestExpertRepeatCountFloating(t *testing.T) {
	m := Decode(hx(t, configAgentV13), ctxFor(13))
	onlyExperts(t, m) // 1 + 1 NumCSQ, 2 CSQID: fine

	m = Decode(fr(t, typConfigAgent, `
0002              // NumRecords 2
b7 02 0000        // RecordType
bf 02 0002        // NumCSQ 2
3e 04 00000065    // CSQID 101
b7 02 0001        // RecordType
bf 02 0001        // NumCSQ 1: 3 CSQIDs announced, 2 present
3e 04 00000066    // CSQID 102
`), ctxFor(13))
	e := expectExpert(t, m, SeverityWarning, ExpRepeatCount, "cti.NumCSQ")
	onlyExperts(t, m, ExpRepeatCount)
	if !strings.Contains(e.Message, "says 3") || !strings.Contains(e.Message, "has 2") {
		t.Errorf("message %q", e.Message)
	}
}

func TestExpertEnumValue(t *testing.T) {
	m := Decode(fr(t, typFailureConf, "00000007 00000063 // Status 99"), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpEnumValue, "cti.Status")
	onlyExperts(t, m, ExpEnumValue)
	if f := m.Get("Status"); f.Display() != "" || f.Text() != "99" {
		t.Errorf("Status display %q text %q", f.Display(), f.Text())
	}
}

func TestExpertMaskBits(t *testing.T) {
	m := Decode(fr(t, typTeamConfigReq, `
00000001         // InvokeID
0005             // ConfigParam: bit 1 known, bit 4 not
0000000000000000 // reserved
`), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpMaskBits, "cti.ConfigParam")
	onlyExperts(t, m, ExpMaskBits)
	f := m.Get("ConfigParam")
	if f.Display() != "initial configuration requested | 0x4" {
		t.Errorf("display %q", f.Display())
	}
	checkChildren(t, f, "initial configuration requested=true@12+2")
}

func TestExpertBoolValue(t *testing.T) {
	m := Decode(fr(t, typOpenConf, `
00000001 00000001 // InvokeID, ServicesGranted CLIENT_EVENTS
00000000 00000000 // reserved
00000000          // reserved TIME
0002              // Unified CCX Online: BOOL 2
0000 0003         // reserved, AgentState READY
`), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpBoolValue, "cti.UnifiedCCXOnline")
	onlyExperts(t, m, ExpBoolValue)
	f := m.Get("Unified CCX Online")
	if f.Display() != "TRUE" || f.Value.Num != 2 || f.Value.Text() != "true" {
		t.Errorf("BOOL display %q value %d", f.Display(), f.Value.Num)
	}
	if m.Get("reserved").Display() != "" && m.Fields[4].Display() != "1970-01-01T00:00:00Z" {
		t.Errorf("TIME display %q", m.Fields[4].Display())
	}
}

func TestExpertFieldVersion(t *testing.T) {
	m := Decode(fr(t, typOpenConf, `
00000001 00000001 00000000 00000000 00000000 0001 0000 0003
e4 02 0000 // NumPeripherals (228) exists from version 14
`), ctxFor(13))
	expectExpert(t, m, SeverityNote, ExpFieldVersion, "cti.NumPeripherals")
	onlyExperts(t, m, ExpFieldVersion)
}

// A layout read from the bytes is the session's assumption, said once in
// its notes; the message itself carries no expert item.
func TestLayoutDetectedIsASessionNote(t *testing.T) {
	s := NewSession(Options{})
	m := s.Decode(hx(t, setAgentStateV18))
	onlyExperts(t, m)
	if m.Layout != Layout21 || m.LayoutSource != SourceDetected {
		t.Errorf("layout %s/%s", m.Layout, m.LayoutSource)
	}
	n := expectNote(t, s, ExpLayoutDetected)
	if !strings.Contains(n.Text, "2+1") {
		t.Errorf("note %q", n.Text)
	}
	s.Decode(hx(t, callHeldV18))
	expectNote(t, s, ExpLayoutDetected) // still once
}

func TestExpertLayoutMismatch(t *testing.T) {
	m := Decode(hx(t, setAgentStateV18), ctxFor(13)) // session says 1+1
	expectExpert(t, m, SeverityWarning, ExpLayoutMismatch, "")
	onlyExperts(t, m, ExpLayoutMismatch, ExpFieldVersion) // ActiveTerminal is a version-18 field
	if m.Layout != Layout21 || m.LayoutSource != SourceDetected {
		t.Errorf("layout %s/%s", m.Layout, m.LayoutSource)
	}
	if v, _ := m.String("ActiveTerminal"); v != "SEP0001" {
		t.Errorf("ActiveTerminal %q", v)
	}
}

func TestExpertFloatingHeaderCut(t *testing.T) {
	m := Decode(fr(t, typFailureConf, `
00000007 00000003
0007 03 6869 00 // Text
00              // one byte: too few for a 2+1 header
`), ctxFor(18))
	expectExpert(t, m, SeverityError, ExpFloatingTruncated, "cti.data")
	onlyExperts(t, m, ExpFloatingTruncated)
	if f := fieldWith(t, m, ExpFloatingTruncated); f.Name != "data" || f.Offset != 22 || f.Size != 1 {
		t.Errorf("cut header shown as %s @%d+%d", f.Name, f.Offset, f.Size)
	}
	if v, _ := m.String("Text"); v != "hi" {
		t.Errorf("Text %q", v)
	}
}

func TestExpertFieldLengthPastEnd(t *testing.T) {
	m := Decode(fr(t, typFailureConf, `
00000007 00000003
07 09 6869 00 // Text says 9 bytes, 3 follow
`), ctxFor(13))
	expectExpert(t, m, SeverityError, ExpFloatingTruncated, "cti.Text")
	if f := m.Get("Text"); f.Offset != 18 || f.Size != 3 || f.Value.Str != "hi" {
		t.Errorf("Text @%d+%d %q", f.Offset, f.Size, f.Value.Str)
	}
}

// OPEN_REQ with and without UCCE's three reserved UINTs after ConfigMsgMask:
// both decode cleanly and say which layout matched.
func TestExpertOpenReqReserved(t *testing.T) {
	without := NewSession(Options{})
	m := without.Decode(hx(t, openReqV13))
	onlyExperts(t, m)
	e := expectNote(t, without, ExpOpenReqLayout)
	if !strings.Contains(e.Text, "no reserved UINTs") || m.FixedSize != 32 || without.OpenReqExtra != 0 {
		t.Errorf("without: %q fixed %d extra %d", e.Text, m.FixedSize, without.OpenReqExtra)
	}

	with := NewSession(Options{})
	m = with.Decode(hx(t, `
00000050 // BodyLength 80
00000003 // OPEN_REQ
00000001 0000000d 0000003c 00000000 00000011 00000005 00000000 00000000
00000000 // @40 reserved (UCCE)
00000000 // @44 reserved
00000000 // @48 reserved
01 07 637469617070 00 // @52 ClientID
02 04 70772121        // @61 ClientPassword
04 05 31303031 00
06 05 31303031 00
c2 05 34323432 00
`))
	onlyExperts(t, m)
	e = expectNote(t, with, ExpOpenReqLayout)
	if !strings.Contains(e.Text, "three reserved UINTs") || m.FixedSize != 44 || with.OpenReqExtra != 3 {
		t.Errorf("with: %q fixed %d extra %d", e.Text, m.FixedSize, with.OpenReqExtra)
	}
	// The three UINTs are UCCE's fixed part: the session speaks UCCE, and
	// OPEN_REQ decodes with UCCE's names.
	if len(m.Fields) != 16 || m.Fields[8].Name != "Reserved1" || m.Fields[8].Offset != 40 || m.Fields[11].Name != "ClientID" || m.Fields[11].Offset != 54 {
		t.Errorf("fields %s", dumpFields(m))
	}
	if with.Dialect != DialectUCCE || without.Dialect != DialectUCCX {
		t.Errorf("dialects: with %s, without %s", with.Dialect, without.Dialect)
	}
}

// SET_AGENT_STATE_REQ of a version-11 client ends before AgentCapacity
// (version 12): it decodes cleanly, silently in a version-11 session, with
// a note where the session's version says the field should be there, and
// as a session note where the version is unknown.
func TestExpertVersionAbsent(t *testing.T) {
	frame := fr(t, typSetAgentState, `
00000009 00000000 // InvokeID, reserved
0002 0000 0000    // AgentState NOT_READY, reserved, reserved
0000 00           // EventReasonCode, ForcedFlag; no AgentCapacity
06 05 31303031 00 // @25 AgentInstrument
`)
	if m := Decode(frame, ctxFor(11)); m.Get("AgentCapacity") != nil || len(findExpert(m, ExpVersionAbsent)) != 0 {
		t.Errorf("v11 session: %q", expertCodes(m))
	}
	s := NewSession(Options{})
	s.Decode(frame)
	if n := expectNote(t, s, ExpVersionAbsent); !strings.Contains(n.Text, "version-12") {
		t.Errorf("session note %q", n.Text)
	}
	m := Decode(frame, ctxFor(13))
	e := expectExpert(t, m, SeverityNote, ExpVersionAbsent, "")
	onlyExperts(t, m, ExpVersionAbsent, ExpEnumValue) // EventReasonCode 0 is no reason code
	if !strings.Contains(e.Message, "AgentCapacity (version 12)") {
		t.Errorf("message %q", e.Message)
	}
	if m.Get("AgentCapacity") != nil || m.FixedSize != 17 {
		t.Errorf("fixed %d: %s", m.FixedSize, dumpFields(m))
	}
	if f := m.Get("AgentInstrument"); f == nil || f.Offset != 27 || f.Value.Str != "1001" {
		t.Errorf("AgentInstrument %+v", f)
	}
}
