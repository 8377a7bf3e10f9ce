package dissect

import (
	"strings"
	"testing"
)

// A version-20 OPEN_REQ (UCCE): three reserved UINTs after ConfigMsgMask and
// 2-byte tag + 2-byte length floating records. The version settles 2+2; the
// floating fields decode and nothing is reported missing.
const openReqV20 = `
0000004e // BodyLength 78
00000003 // OPEN_REQ
00000001 00000014 0000003c 00000000 // InvokeID 1, VersionNumber 20, IdleTimeout 60, reserved
00000011 00000005 00000000 00000000 // ServicesRequested, CallMsgMask, AgentStateMask, ConfigMsgMask
00000000 00000000 00000000          // three reserved UINTs
0001 0007 637469617070 00           // ClientID "ctiapp"
0002 0001 00                        // ClientPassword ""
0004 0005 31303031 00               // AgentExtension "1001"
00c2 0005 34323432 00               // AgentID "4242"
`

func TestOpenReqV20Is22(t *testing.T) {
	s := NewSession(Options{})
	m := s.Decode(hx(t, openReqV20))
	if m.Layout != Layout22 || m.LayoutSource != SourceVersion || m.FixedSize != 44 {
		t.Fatalf("layout %s/%s fixed %d: %s", m.Layout, m.LayoutSource, m.FixedSize, dumpFields(m))
	}
	onlyExperts(t, m)
	// Version 20 is UCCE's, whose tag 194 is AgentIDLong (UCCX's AgentID).
	for name, want := range map[string]string{"ClientID": "ctiapp", "AgentExtension": "1001", "AgentIDLong": "4242"} {
		if v, _ := m.String(name); v != want {
			t.Errorf("%s = %q, want %q", name, v, want)
		}
	}
	if s.Layout != Layout22 || s.LayoutSource != SourceVersion || s.Version != 20 || s.OpenReqExtra != 3 {
		t.Errorf("session %s/%s v%d extra %d", s.Layout, s.LayoutSource, s.Version, s.OpenReqExtra)
	}
	if s.Dialect != DialectUCCE || m.Def.Dialect != DialectUCCE || !strings.Contains(s.DialectWhy, "version 20") {
		t.Errorf("dialect %s (%q), message's %s", s.Dialect, s.DialectWhy, m.Def.Dialect)
	}
	if n := expectNote(t, s, ExpOpenReqLayout); !strings.Contains(n.Text, "three reserved") {
		t.Errorf("note %q", n.Text)
	}
}

func TestVersionLayoutMap(t *testing.T) {
	for _, tc := range []struct {
		v    int
		want []Layout
	}{
		{10, []Layout{Layout11}}, {14, []Layout{Layout11}}, {17, []Layout{Layout11}},
		{18, []Layout{Layout21, Layout11}}, // UCCX's guide, then UCCE
		{19, []Layout{Layout11}}, {20, []Layout{Layout22}}, {24, []Layout{Layout22}},
	} {
		got := LayoutsForVersion(tc.v)
		if len(got) != len(tc.want) || (len(got) > 0 && got[0] != tc.want[0]) || (len(got) > 1 && got[1] != tc.want[1]) {
			t.Errorf("version %d: %v, want %v", tc.v, got, tc.want)
		}
	}
}

// A version-18 OPEN_REQ leaves the layout to the bytes. A UCCE client at 18
// (1+1) decodes so, and the session settles on what its bytes showed.
func TestVersion18DecidedByBytes(t *testing.T) {
	v18as11 := strings.Replace(openReqV13, "0000000d // @12 VersionNumber 13", "00000012 // VersionNumber 18", 1)
	s := NewSession(Options{})
	m := s.Decode(hx(t, v18as11))
	if m.Layout != Layout11 {
		t.Fatalf("OPEN_REQ v18 with 1+1 bytes read as %s: %s", m.Layout, dumpFields(m))
	}
	onlyExperts(t, m)
	if s.Layout != Layout11 || s.LayoutSource != SourceDetected {
		t.Errorf("session %s/%s", s.Layout, s.LayoutSource)
	}
	if n := expectNote(t, s, ExpLayoutDetected); !strings.Contains(n.Text, "version 18 allows 2+1 (UCCX) or 1+1 (UCCE)") {
		t.Errorf("note %q", n.Text)
	}
	// The UCCX guide's 2+1 at version 18 still works.
	s = NewSession(Options{})
	m = s.Decode(hx(t, `
00000049 // BodyLength 73
00000003 // OPEN_REQ
00000001 00000012 0000003c 00000000 00000011 00000005 00000000 00000000
0001 07 637469617070 00 // ClientID "ctiapp"
0002 04 70772121        // ClientPassword
0004 05 31303031 00     // AgentExtension
0006 05 31303031 00     // AgentInstrument
00c2 05 34323432 00     // AgentID
`))
	onlyExperts(t, m)
	m2 := s.Decode(hx(t, setAgentStateV18))
	if m.Layout != Layout21 || m2.Layout != Layout21 || s.Layout != Layout21 || s.LayoutSource != SourceDetected {
		t.Errorf("UCCX v18: OPEN_REQ %s, next %s, session %s/%s", m.Layout, m2.Layout, s.Layout, s.LayoutSource)
	}
}

// Once settled, the connection's layout wins; a message that cannot parse
// under it at all switches with a warning, and the session keeps its layout.
func TestSettledLayoutWinsAndSwitchesLoudly(t *testing.T) {
	s := NewSession(Options{})
	s.Decode(hx(t, callHeldV13))
	if s.Layout != Layout11 || s.LayoutSource != SourceDetected {
		t.Fatalf("not settled by a clean message: %s/%s", s.Layout, s.LayoutSource)
	}
	m := s.Decode(hx(t, callHeldV18))
	expectExpert(t, m, SeverityWarning, ExpLayoutMismatch, "")
	if m.Layout != Layout21 || s.Layout != Layout11 {
		t.Errorf("message %s, session %s", m.Layout, s.Layout)
	}
}

// Tags this message does not declare but the tag table knows count for a
// layout, not against it: they decode by the table's name and type, with a
// note. A reading full of tags nobody knows loses.
func TestTableTagsCountForALayout(t *testing.T) {
	// CALL_HELD_EVENT (v13, no OPEN_REQ) carrying Text (tag 7) and AgentID
	// (tag 194), which the table knows but the message does not declare.
	m := NewSession(Options{}).Decode(hx(t, `
00000031 // BodyLength 49
0000000b // CALL_HELD_EVENT
00000000 00000000 0000 0001 00000064 004c 0004 ffff
19 05 32303030 00 // ConnectionDeviceID "2000"
1f 06 322e333030 00 // HoldingDeviceID "2.300"
07 03 6869 00     // Text "hi" (not declared here)
c2 05 34323432 00 // AgentID "4242" (not declared here)
`))
	if m.Layout != Layout11 {
		t.Fatalf("layout %s: %s", m.Layout, dumpFields(m))
	}
	onlyExperts(t, m, ExpNotAllowed)
	if e := findExpert(m, ExpNotAllowed); len(e) != 2 || e[0].Severity != SeverityNote {
		t.Errorf("not_allowed items %+v", e)
	}
	if v, _ := m.String("Text"); v != "hi" {
		t.Errorf("Text %q", v)
	}
	if v, _ := m.String("AgentID"); v != "4242" {
		t.Errorf("AgentID %q", v)
	}
}

func TestLengthFits(t *testing.T) {
	for _, tc := range []struct {
		t    Type
		max  int
		data string
		want bool
	}{
		{TypeUINT, 4, "00000001", true}, {TypeUINT, 4, "0001", false},
		{TypeUSHORT, 2, "0001", true}, {TypeUSHORT, 2, "00000001", false},
		{TypeSTRING, 16, "", true}, {TypeSTRING, 16, "616200", true}, {TypeSTRING, 16, "6162", false},
		{TypeSTRING, 2, "61626300", false}, {TypeUNSPEC, 4, "0102030405", true},
	} {
		if got := lengthFits(tc.t, tc.max, hx(t, tc.data)); got != tc.want {
			t.Errorf("%v max %d %s: %v", tc.t, tc.max, tc.data, got)
		}
	}
}
