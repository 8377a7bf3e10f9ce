package filter

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

func TestOperatorsOnDecodedMessage(t *testing.T) {
	tg := &Target{Msg: agentState(t)}
	checkMatches(t, tg, []matchCase{
		// equality, in both spellings, numbers and enum names
		{"cti.AgentState == 3", true},
		{"cti.AgentState eq 3", true},
		{"cti.AgentState == 0x3", true},
		{"cti.AgentState == AGENT_STATE_READY", true},
		{`cti.AgentState == "AGENT_STATE_READY"`, true},
		{"cti.AgentState == AGENT_STATE_TALKING", false},
		{"cti.AgentState != AGENT_STATE_TALKING", true},
		{"cti.AgentState ne 3", false},
		{"cti.EventReasonCode == AGT_LOGON", true},
		// ordering
		{"cti.AgentState < 4", true},
		{"cti.AgentState lt 3", false},
		{"cti.AgentState <= 3", true},
		{"cti.AgentState le 2", false},
		{"cti.AgentState > 2", true},
		{"cti.AgentState gt 3", false},
		{"cti.AgentState >= AGENT_STATE_READY", true},
		{"cti.AgentState ge AGENT_STATE_WORK", false},
		{"cti.StateDuration > 119.5", true},
		// strings
		{`cti.AgentID == "1001"`, true},
		{"cti.AgentID == 1001", true}, // a bare word is text for a text field
		{`cti.AgentID == "1002"`, false},
		{`cti.AgentID contains "00"`, true},
		{`cti.AgentID contains "x"`, false},
		{`cti.AgentID matches "^1[0-9]+1$"`, true},
		{`cti.AgentID matches "^2"`, false},
		{`cti.AgentID < "2"`, true},
		{`cti.AgentID > "2"`, false},
		{`cti.msg_type contains "STATE"`, true},
		{`cti.msg_type matches "^AGENT_.*_EVENT$"`, true},
		// sets and ranges
		{"cti.AgentState in {1 2 3}", true},
		{"cti.AgentState in {1, 2}", false},
		{"cti.AgentState in {AGENT_STATE_READY AGENT_STATE_WORK}", true},
		{"cti.AgentState in {0..2 4..9}", false},
		{"cti.AgentState in {0..3}", true},
		{"cti.AgentState in {5 .. 9 1 ..3}", true},
		{`cti.AgentID in {"1000" "1001"}`, true},
		{"cti.AgentState not in {1 2}", true},
		{"cti.AgentState not in {3}", false},
		// existence
		{"cti.AgentID", true},
		{"cti.AgentExtension", true},
		{"cti.ClientID", false},
		{"!cti.ClientID", true},
		{"cti.length", true},
		{"cti.length == 0", false},
		// header and logic
		{"cti.msg_type_id == 30 && cti.msg_type == AGENT_STATE_EVENT", true},
		{"cti.msg_type_id == AGENT_STATE_EVENT", true},
		{"cti.msg_type == 30", true},
		{"cti.msg_type == OPEN_REQ", false},
		{"cti.AgentState == 3 and not cti.AgentID == 1002", true},
		{"cti.AgentState == 4 or cti.AgentID == 1001", true},
		{"cti.AgentState == 4 || cti.AgentID == 1002", false},
		{"cti.AgentState == 3 ^^ cti.AgentID == 1001", false},
		{"cti.AgentState == 3 xor cti.AgentID == 1002", true},
	})
}

// Repeated fields follow Wireshark: == and the other comparisons hold when
// any occurrence passes; != when every occurrence differs; ~= when some
// occurrence differs; === when every occurrence equals.
func TestMultiOccurrence(t *testing.T) {
	tg := &Target{Msg: agentState(t)} // CSQID 10 (fixed), 5, 7 (floating)
	checkMatches(t, tg, []matchCase{
		// The fixed CSQID and the per-CSQ entries have names of their own.
		{"cti.CSQID == 10", true},
		{"cti.CSQID == 5", false},
		{"cti.CSQs.CSQID == 10", false},
		{"cti.CSQID === 10", true},
		{"cti.CSQs.CSQID == 5", true},
		{"cti.CSQs.CSQID == 7", true},
		{"cti.CSQs.CSQID == 6", false},
		{"cti.CSQs.CSQID != 6", true},
		{"cti.CSQs.CSQID != 5", false},
		{"cti.CSQs.CSQID ~= 5", true},
		{"cti.CSQs.CSQID any_ne 5", true},
		{"cti.CSQs.CSQID === 5", false},
		{"cti.CSQs.CSQID all_eq 5", false},
		{"cti.CSQs.CSQID > 6", true},
		{"cti.CSQs.CSQID > 7", false},
		{"cti.CSQs.CSQID < 5", false},
		{"cti.CSQs.CSQID in {6..8}", true},
		{"cti.CSQs.CSQID not in {6..8}", false},
		{"cti.CSQs.CSQID not in {1 2}", true},
		{"!(cti.CSQs.CSQID == 7)", false},
	})
	// === is true when the only occurrence equals; != and === need the field.
	one := &Target{Msg: decoded(t, 13, "AGENT_STATE_EVENT", fx("CSQID", u32(4)))}
	checkMatches(t, one, []matchCase{
		{"cti.CSQID === 4", true},
		{"cti.CSQID ~= 4", false},
		{"cti.AgentID != 1001", false},
		{"cti.AgentID === 1001", false},
		{"cti.AgentID not in {1001}", false},
	})
}

// Precedence, weakest first: || then ^^ then && then !; parentheses group.
func TestPrecedence(t *testing.T) {
	tg := &Target{Msg: agentState(t)}
	T, F := "cti.AgentState == 3", "cti.AgentState == 4"
	checkMatches(t, tg, []matchCase{
		{T + " || " + T + " && " + F, true}, // T || (T && F)
		{"(" + T + " || " + T + ") && " + F, false},
		{F + " && " + T + " || " + T, true}, // (F && T) || T
		{F + " && (" + T + " || " + T + ")", false},
		{"!" + F + " && " + T, true}, // (!F) && T
		{"!(" + F + " || " + T + ")", false},
		{"not " + T + " || " + T, true},      // (!T) || T
		{T + " ^^ " + T + " && " + F, true},  // T ^^ (T && F)
		{T + " || " + T + " ^^ " + T, true},  // T || (T ^^ T)
		{F + " || " + T + " ^^ " + T, false}, // F || (T ^^ T)
		{"((((" + T + "))))", true},
		{"!!" + T, true},
	})
}

// Enum names resolve per field; cti.Status carries several enum tables and
// CONFIG_UNKNOWN_DATA is 3 in ConfigKeyStatus but 2 in ConfigStatus.
func TestEnumNamePerTable(t *testing.T) {
	key := &Target{Msg: decoded(t, 13, "CONFIG_KEY_EVENT", fx("Status", u32(3)))}
	end := &Target{Msg: decoded(t, 13, "CONFIG_END_EVENT", fx("Status", u32(2)))}
	other := &Target{Msg: decoded(t, 13, "CONFIG_END_EVENT", fx("Status", u32(3)))} // CONFIG_ERROR
	f := mustCompile(t, "cti.Status == CONFIG_UNKNOWN_DATA")
	if !f.Match(key) || !f.Match(end) || f.Match(other) {
		t.Errorf("CONFIG_UNKNOWN_DATA: key %v end %v other %v, want true true false", f.Match(key), f.Match(end), f.Match(other))
	}
	g := mustCompile(t, "cti.Status in {CONFIG_UNKNOWN_DATA CONFIG_SUCCESS}")
	if !g.Match(key) || !g.Match(end) || g.Match(other) {
		t.Error("set of ambiguous enum names")
	}
	if !mustCompile(t, "cti.Status == CONFIG_ERROR").Match(other) {
		t.Error("CONFIG_ERROR")
	}
	// A name with a space, quoted.
	fc := &Target{Msg: decoded(t, 13, "FAILURE_CONF", fx("Status", u32(4)))}
	if !mustCompile(t, `cti.Status == E_CTI_SESSION_NOT_OPEN && cti.Status < "E_CTI_INVALID_PERIPHERAL_ID"`).Match(fc) {
		t.Error("FailureStatus names")
	}
}

func TestMaskBits(t *testing.T) {
	const mask = 0x1 | 0x80 // CTI_SERVICE_CLIENT_EVENTS | CTI_SERVICE_SUPERVISOR
	tg := &Target{Msg: decoded(t, 13, "OPEN_REQ", fx("VersionNumber", u32(13)), fx("ServicesRequested", u32(mask)),
		fl("ClientID", dissect.Str("wallboard")))}
	checkMatches(t, tg, []matchCase{
		{"cti.ServicesRequested & CTI_SERVICE_SUPERVISOR", true},
		{"cti.ServicesRequested & CTI_SERVICE_CLIENT_EVENTS", true},
		{"cti.ServicesRequested & CTI_SERVICE_CLIENT_CONTROL", false},
		{"cti.ServicesRequested & 0x80", true},
		{"cti.ServicesRequested & 0x6", false},
		{"cti.ServicesRequested & 0x84", true},
		{"!(cti.ServicesRequested & 4)", true},
		{"cti.ServicesRequested == 0x81", true},
		{"cti.ServicesRequested == CTI_SERVICE_SUPERVISOR", false},
		{"cti.CallMsgMask & CALL_DELIVERED_MASK", false},
		{"cti.ServicesRequested & CTI_SERVICE_SUPERVISOR && cti.ClientID == wallboard", true},
	})
}

// Children of fields: NamedVariable/NamedArray parts and the halves of a
// version-14 Primary.Actual device ID.
func TestChildren(t *testing.T) {
	m := decoded(t, 14, "CALL_DELIVERED_EVENT", fx("CallID", u32(77)),
		fl("AlertingDeviceID", dissect.Str("3001.4002")),
		fl("NamedVariable", dissect.NamedVar("user.lang", "fr")),
		fl("NamedVariable", dissect.NamedVar("user.vip", "yes")),
		fl("NamedArray", dissect.NamedArray(2, "user.skills", "billing")))
	checkMatches(t, &Target{Msg: m}, []matchCase{
		{"cti.AlertingDeviceID == \"3001.4002\"", true},
		{"cti.AlertingDeviceID.primary == 3001", true},
		{"cti.AlertingDeviceID.actual == 4002", true},
		{"cti.AlertingDeviceID.actual == 3001", false},
		{"cti.CallingDeviceID.primary", false},
		{`cti.NamedVariable.name == "user.vip"`, true},
		{`cti.NamedVariable.name == "user.vip" && cti.NamedVariable.value == fr`, true}, // different occurrences
		{`cti.NamedVariable.value in {yes no}`, true},
		{`cti.NamedVariable == "user.lang=fr"`, true},
		{`cti.NamedVariable contains "vip=y"`, true},
		{`cti.NamedArray.index == 2`, true},
		{`cti.NamedArray.name == "user.skills" && cti.NamedArray.value matches "^bill"`, true},
		{`cti.NamedArray.index > 2`, false},
		{"cti.CallID == 77", true},
	})
}

func TestBytesAndMixed(t *testing.T) {
	m := decoded(t, 13, "CONFIG_KEY_EVENT", fx("Status", u32(0)), fl("AgentConfigKey", dissect.Bytes([]byte{0x0a, 0x1b, 0x2c, 'h', 'i'})))
	checkMatches(t, &Target{Msg: m}, []matchCase{
		{"cti.AgentConfigKey == 0a:1b:2c:68:69", true},
		{"cti.AgentConfigKey == 0a1b2c6869", true},
		{"cti.AgentConfigKey == 0a:1b:2c", false},
		{"cti.AgentConfigKey contains 1b:2c", true},
		{`cti.AgentConfigKey contains "hi"`, true},
		{`cti.AgentConfigKey contains "ho"`, false},
		{`cti.AgentConfigKey matches "hi$"`, true},
	})
	// cti.reserved holds numbers of several types and text.
	as := agentState(t)
	checkMatches(t, &Target{Msg: as}, []matchCase{
		{"cti.reserved == 0", true},
		{"cti.reserved > 0", false},
		{"cti.reserved & 1", false},
	})
}

func TestMetadata(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	req := &Target{
		Msg: agentState(t),
		Num: 42,
		Frame: record.Frame{Stream: 3, Dir: record.ClientToServer,
			Src:  netip.MustParseAddrPort("10.10.20.101:50001"),
			Dst:  netip.MustParseAddrPort("10.10.20.5:42027"),
			Time: start.Add(2500 * time.Millisecond), Start: start},
		Response: &record.Response{Num: 43, Latency: 12 * time.Millisecond},
	}
	checkMatches(t, req, []matchCase{
		{"cti.num == 42", true},
		{"cti.num in {40..45}", true},
		{"cti.stream == 3", true},
		{"cti.stream != 3", false},
		{"cti.dir == c2s", true},
		{`cti.dir contains "client"`, true},
		{`cti.dir matches "^server"`, false},
		{`cti.dir == "client->server"`, true},
		{"cti.dir == s2c", false},
		{`cti.dir != "server->client"`, true},
		{"cti.src == 10.10.20.101:50001", true},
		{`cti.src == "10.10.20.101"`, true},
		{"cti.src == 10.10.20.5", false},
		{"cti.dst == 10.10.20.5:42027", true},
		{"cti.dst == 10.10.20.5:42028", false},
		{"cti.addr == 10.10.20.5", true},
		{"cti.addr == 10.10.20.101", true},
		{"cti.addr == 10.10.20.102", false},
		{"cti.addr in {10.0.0.1 10.10.20.5:42027}", true},
		{"cti.srcport == 50001", true},
		{"cti.dstport == 42027", true},
		{"cti.port == 42027 && cti.port == 50001", true},
		{"cti.time_relative > 2", true},
		{"cti.time_relative >= 2.5 && cti.time_relative <= 2.5", true},
		{"cti.time_relative < 2500ms", false},
		{"cti.time_relative < 2.6s", true},
		{"cti.time_epoch > 1772441999", true},
		{"cti.time_epoch < 1772442003", true},
		{"cti.response_in == 43", true},
		{"cti.request_in", false},
		{"cti.response_time > 0.01", true},
		{"cti.response_time > 12ms", false},
		{"cti.response_time >= 12ms", true},
		{"cti.unanswered", false},
		{"cti.event", false},
		{"cti.msg_type", true},
		{"cti.expert", false}, // a clean message
	})
	conf := &Target{Msg: agentState(t), Num: 43, Request: &record.Request{Num: 42, Latency: 12 * time.Millisecond}, Frame: record.Frame{Dir: record.ServerToClient}}
	checkMatches(t, conf, []matchCase{
		{"cti.request_in == 42", true},
		{"cti.response_in", false},
		{"cti.response_time < 0.013", true},
		{"cti.dir == s2c", true},
		{"cti.src", false}, // no address known
	})
	lost := &Target{Msg: agentState(t), Num: 44, Unanswered: true}
	checkMatches(t, lost, []matchCase{
		{"cti.unanswered", true},
		{"cti.unanswered == true", true},
		{"cti.unanswered == 1", true},
		{"cti.unanswered == false", false},
		{"cti.response_time", false},
	})
	gap := &Target{Event: &record.Event{Kind: record.Gap}, Frame: record.Frame{Stream: 1, Time: start, Dir: record.ServerToClient}}
	checkMatches(t, gap, []matchCase{
		{"cti.event == gap", true},
		{`cti.event == "skipped"`, false},
		{"cti.event in {gap overflow}", true},
		{"cti.stream == 1", true},
		{"cti.num", false},
		{"cti.msg_type", false},
		{"cti.msg_type_id", false},
		{"cti.AgentID", false},
		{"cti.AgentID != 1", false},
		{"!cti.AgentID", true},
		{"cti.expert", false},
		{"cti.time_relative == 0", true},
	})
}

func TestExpert(t *testing.T) {
	// Four bytes after BodyLength: an error on the message; an unknown
	// AgentState value: a note on the field.
	m := dissect.NewMessage(dissect.LookupName("AGENT_STATE_EVENT"))
	if err := m.SetFixed("AgentState", u16(99)); err != nil {
		t.Fatal(err)
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	frame = append(frame, 1, 2, 3, 4)
	dm := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	var codes []string
	for _, e := range dm.AllExpert() {
		codes = append(codes, e.Code)
	}
	t.Logf("expert codes: %v", codes)
	checkMatches(t, &Target{Msg: dm}, []matchCase{
		{"cti.expert", true},
		{`cti.expert == "` + dissect.ExpTrailing + `"`, true},
		{"cti.expert == " + dissect.ExpEnumValue, true},
		{"cti.expert == " + dissect.ExpNoNUL, false},
		{`cti.expert contains "malformed"`, true},
		{`cti.expert matches "^cti\\.enum\\."`, true},
		{"cti.expert.severity == error", true},
		{"cti.expert.severity == note", true},
		{"cti.expert.severity == warning", false},
		{"cti.expert.severity >= warning", true},
		{"cti.expert.severity === error", false},
		{"cti.AgentState == 99", true},
		{"cti.data == 01:02:03:04", true},
	})
	clean := &Target{Msg: agentState(t)}
	checkMatches(t, clean, []matchCase{
		{"cti.expert.severity", false},
		{"!cti.expert", true},
	})
}

func TestUnknownMessageType(t *testing.T) {
	frame := []byte{0, 0, 0, 2, 0, 0, 0, 250, 0xca, 0xfe}
	dm := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	checkMatches(t, &Target{Msg: dm}, []matchCase{
		{"cti.msg_type == UNKNOWN_250", true},
		{"cti.msg_type == 250", true},
		{"cti.msg_type_id == 250", true},
		{"cti.data == ca:fe", true},
		{"cti.expert == cti.unknown_message", true},
		{"cti.expert == cti.unknown_tag", false}, // a code that is also a field name
		{`cti.expert != "cti.unknown_tag"`, true},
	})
}

func TestStringAndReferences(t *testing.T) {
	expr := `cti.AgentState == 3 && (cti.AgentID contains "1" || cti.num > 2) && cti.AgentState != 4`
	f := mustCompile(t, expr)
	if f.String() != expr {
		t.Errorf("String() = %q", f.String())
	}
	want := []string{"cti.AgentID", "cti.AgentState", "cti.num"}
	got := f.References()
	if len(got) != len(want) {
		t.Fatalf("References() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("References() = %v, want %v", got, want)
		}
	}
	got[0] = "changed"
	if f.References()[0] != "cti.AgentID" {
		t.Error("References shares its slice with the filter")
	}
}

func TestStringEscapes(t *testing.T) {
	m := decoded(t, 13, "AGENT_STATE_EVENT", fl("AgentID", dissect.Str("a\"b\\c\td")))
	checkMatches(t, &Target{Msg: m}, []matchCase{
		{`cti.AgentID == "a\"b\\c\td"`, true},
		{`cti.AgentID == "a\x22b\u005cc\x09d"`, true},
		{`cti.AgentID == "a\"b\\c d"`, false},
	})
}

// Enum values match by the short name Info shows (READY for
// AGENT_STATE_READY) as well as the full one; NOT_READY stays distinct.
func TestEnumShortNames(t *testing.T) {
	tg := &Target{Msg: agentState(t)} // AgentState 3, AGENT_STATE_READY
	checkMatches(t, tg, []matchCase{
		{"cti.AgentState == AGENT_STATE_READY", true},
		{"cti.AgentState == READY", true},
		{"cti.AgentState == NOT_READY", false},
		{"cti.AgentState != LOGOUT", true},
	})
	_, err := Compile("cti.AgentState == REDY")
	if err == nil || !strings.Contains(err.Error(), "did you mean READY?") {
		t.Errorf("REDY: %v", err)
	}
}

// Address fields take subnets, as Wireshark's ip.addr == 10.0.0.0/24.
func TestAddressSubnets(t *testing.T) {
	tg := &Target{Msg: agentState(t), Frame: record.Frame{Src: netip.MustParseAddrPort("10.10.30.11:59656"), Dst: netip.MustParseAddrPort("10.10.20.5:42027")}}
	checkMatches(t, tg, []matchCase{
		{"cti.addr == 10.10.30.0/24", true},
		{"cti.src == 10.10.30.0/24", true},
		{"cti.dst == 10.10.30.0/24", false},
		{"ip.addr == 10.10.0.0/16", true},
		{"cti.addr == 10.10.31.0/24", false},
		{"!(cti.addr == 192.168.0.0/16)", true},
	})
}
