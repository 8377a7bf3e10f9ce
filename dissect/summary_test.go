package dissect

import (
	"fmt"
	"reflect"
	"testing"
)

// deviceIDNames are the device IDs Summary.DeviceID falls back to when a
// message has no ConnectionDeviceID: the device the event is about.
var deviceIDNames = map[string]bool{
	"HoldingDeviceID": true, "RetrievingDeviceID": true, "ReleasingDeviceID": true, "FailingDeviceID": true,
	"PrimaryDeviceID": true, "DivertingDeviceID": true, "QueueDeviceID": true, "NewConnectionDeviceID": true,
	"ActiveConnectionDeviceID": true, "HeldConnectionDeviceID": true,
}

// summaryFromDecode is what Summarize should say about a frame, worked out
// from the decoded field tree.
func summaryFromDecode(m *Message) Summary {
	s := Summary{Frame: m.Frame, BodyLength: m.BodyLength, TypeID: m.TypeID, Def: m.Def,
		Layout: m.Layout, LayoutSource: m.LayoutSource, FixedSize: m.FixedSize, ev: m.ev, olderThan: m.olderThan, vote: m.vote}
	for _, e := range m.AllExpert() {
		switch e.Code {
		case ExpMalformedHeader, ExpMalformedLength, ExpFixedTruncated, ExpFloatingTruncated, ExpTrailing, ExpUnknownTag, ExpNotAllowed:
			s.Malformed = true // the structure does not parse, as opposed to odd values
		}
	}
	num := func(has SummaryFields, names ...string) uint32 {
		for i := range m.Fields {
			f := &m.Fields[i]
			for _, n := range names {
				if f.Tag < 0 && f.Name == n {
					s.Has |= has
					return uint32(f.Value.Num)
				}
			}
		}
		return 0
	}
	s.InvokeID = num(HasInvokeID, "InvokeID")
	s.CallID = num(HasCallID, "CallID", "PrimaryCallID", "ActiveCallID", "HeldCallID")
	s.NewCallID = num(HasNewCallID, "NewCallID")
	s.AgentState = uint16(num(HasAgentState, "AgentState"))
	s.EventReasonCode = uint16(num(HasReason, "EventReasonCode"))
	s.Status = num(HasStatus, "Status", "FailureCode")
	s.Version = num(HasVersion, "VersionNumber")
	s.Services = num(HasServices, "ServicesRequested", "ServicesGranted")
	str := func(name string) []byte {
		for i := range m.Fields {
			if f := &m.Fields[i]; f.Tag >= 0 && f.Name == name && f.Value.Type == TypeSTRING {
				return []byte(f.Value.Str)
			}
		}
		return nil
	}
	s.AgentID = str("AgentID")
	s.AgentExtension = str("AgentExtension")
	s.AgentInstrument = str("AgentInstrument")
	s.ANI = str("ANI")
	s.DNIS = str("DNIS")
	s.DialedNumber = str("DialedNumber")
	s.Text = str("Text")
	s.DeviceID = str("ConnectionDeviceID")
	for i := range m.Fields {
		if f := &m.Fields[i]; s.DeviceID == nil && f.Tag >= 0 && deviceIDNames[f.Name] {
			s.DeviceID = []byte(f.Value.Str)
		}
	}
	return s
}

// TestSummarizeAgreesWithDecode compares Summarize with Decode for every
// message type at versions 13 and 18, and for the hand-written frames.
func TestSummarizeAgreesWithDecode(t *testing.T) {
	type tc struct {
		name  string
		frame []byte
		ctx   Context
	}
	var cases []tc
	for _, tv := range testVersions {
		for def, b := range encodedFrames(t, tv.version, tv.layout) {
			if def.IDKnown {
				cases = append(cases, tc{fmt.Sprintf("v%d/%s", tv.version, def.Name), b, ctxFor(tv.version)})
			}
		}
	}
	for name, f := range map[string]string{"openReqV13": openReqV13, "setAgentStateV18": setAgentStateV18,
		"beginCallV14": beginCallV14, "configAgentV13": configAgentV13, "callHeldV13": callHeldV13, "callHeldV18": callHeldV18} {
		cases = append(cases, tc{name, hx(t, f), ctxFor(13)}, tc{name + "/detect", hx(t, f), Context{OpenReqExtra: -1}})
	}
	for _, c := range cases {
		m := Decode(c.frame, c.ctx)
		want := summaryFromDecode(m)
		var got Summary
		Summarize(c.frame, c.ctx, &got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", c.name, fmtSummary(&got), fmtSummary(&want))
		}
	}
}

func fmtSummary(s *Summary) string {
	return fmt.Sprintf("type %d len %d %v layout %s/%s fixed %d malformed %v has %b invoke %d call %d new %d state %d reason %d status %d version %d services %d agent %q ext %q instr %q ani %q dnis %q dialed %q dev %q text %q",
		s.TypeID, s.BodyLength, s.Def, s.Layout, s.LayoutSource, s.FixedSize, s.Malformed, s.Has, s.InvokeID, s.CallID, s.NewCallID,
		s.AgentState, s.EventReasonCode, s.Status, s.Version, s.Services, s.AgentID, s.AgentExtension, s.AgentInstrument,
		s.ANI, s.DNIS, s.DialedNumber, s.DeviceID, s.Text)
}

// Hand-checked summaries of hand-written frames.
func TestSummarizeHandFrames(t *testing.T) {
	var s Summary
	Summarize(hx(t, beginCallV14), ctxFor(14), &s)
	if s.Def.Name != "BEGIN_CALL_EVENT" || s.CallID != 0x01020304 || s.Has != HasCallID || string(s.ANI) != "5551234" ||
		string(s.DeviceID) != "1000.1001" || s.Malformed || s.FixedSize != 26 || s.Layout != Layout11 {
		t.Errorf("BEGIN_CALL_EVENT: %s", fmtSummary(&s))
	}
	Summarize(hx(t, setAgentStateV18), ctxFor(18), &s)
	if s.InvokeID != 9 || s.AgentState != 3 || s.EventReasonCode != 32742 || string(s.AgentID) != "4242" ||
		string(s.AgentInstrument) != "1001" || s.Has != HasInvokeID|HasAgentState|HasReason || s.Malformed {
		t.Errorf("SET_AGENT_STATE_REQ: %s", fmtSummary(&s))
	}
	Summarize(hx(t, openReqV13), Context{OpenReqExtra: -1}, &s)
	if s.Version != 13 || s.Services != 0x11 || s.InvokeID != 1 || s.Layout != Layout11 || s.LayoutSource != SourceVersion {
		t.Errorf("OPEN_REQ: %s", fmtSummary(&s))
	}
	// Malformed frames.
	for _, f := range []string{"000000", "00000010 00000005 0000002a", "00000004 00000005 0000002a 00", "00000002 0000000b 0000"} {
		Summarize(hx(t, f), ctxFor(13), &s)
		if !s.Malformed {
			t.Errorf("%s: not malformed", f)
		}
	}
}

// TestSummarizeAllocs proves Summarize allocates nothing, for every message
// type at both layouts and for malformed frames.
func TestSummarizeAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	frames := [][]byte{nil, {1, 2, 3}, hx(t, "00000010 00000005 0000002a"), hx(t, "00000004 000000c8 0000002a")}
	for _, tv := range testVersions {
		for def, b := range encodedFrames(t, tv.version, tv.layout) {
			if def.IDKnown {
				frames = append(frames, b)
			}
		}
	}
	var s Summary
	for _, f := range frames {
		for _, ctx := range []Context{ctxFor(13), ctxFor(18), {OpenReqExtra: -1}} {
			if n := testing.AllocsPerRun(20, func() { Summarize(f, ctx, &s) }); n != 0 {
				t.Errorf("Summarize of type %d allocates %.1f times", s.TypeID, n)
			}
		}
	}
}
