package dissect

import (
	"reflect"
	"testing"
)

const callHeldV18 = `
00000027 // BodyLength 39
0000000b // CALL_HELD_EVENT
00000000 00000000 0000 0001 00000064 004c 0004 ffff
0019 05 32303030 00   // ConnectionDeviceID "2000"
001f 06 322e333030 00 // HoldingDeviceID "2.300"
`

const callHeldV13 = `
00000025 // BodyLength 37
0000000b // CALL_HELD_EVENT
00000000 00000000 0000 0001 00000064 004c 0004 ffff
19 05 32303030 00   // ConnectionDeviceID "2000"
1f 06 322e333030 00 // HoldingDeviceID "2.300"
`

func TestDetectLayout(t *testing.T) {
	for _, tc := range []struct {
		name  string
		frame string
		want  []Layout
	}{
		{"v13 CONFIG_AGENT_EVENT", configAgentV13, []Layout{Layout11}},
		{"v13 OPEN_REQ", openReqV13, []Layout{Layout11}},
		{"v13 BEGIN_CALL_EVENT", beginCallV14, []Layout{Layout11}},
		{"v13 CALL_HELD_EVENT", callHeldV13, []Layout{Layout11}},
		{"v18 SET_AGENT_STATE_REQ", setAgentStateV18, []Layout{Layout21}},
		{"v18 CALL_HELD_EVENT", callHeldV18, []Layout{Layout21}},
		{"no floating part", "00000004 00000005 0000002a", nil},
		{"unknown type", "00000004 000000c8 0000002a", nil},
		{"short", "000000", nil},
		{"garbage floating part", "00000006 00000005 0000002a ffff", nil},
	} {
		if got := DetectLayout(hx(t, tc.frame)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: DetectLayout = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Extra bytes past BodyLength do not confuse it.
	if got := DetectLayout(append(hx(t, callHeldV18), 0xde, 0xad)); !reflect.DeepEqual(got, []Layout{Layout21}) {
		t.Errorf("with trailing bytes: %v", got)
	}
}

// A capture that starts after OPEN_REQ: the session learns the layout from
// the first message with a floating part and decodes the rest with it.
func TestSessionLearnsLayout(t *testing.T) {
	for _, tc := range []struct {
		name          string
		first, second string
		layout        Layout
	}{
		{"v13", configAgentV13, callHeldV13, Layout11},
		{"v18", setAgentStateV18, callHeldV18, Layout21},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, viaSummary := range []bool{false, true} {
				s := NewSession(Options{})
				hb := hx(t, "00000004 00000005 0000002a")
				if viaSummary {
					var sum Summary
					s.Summarize(hb, &sum)
				} else {
					s.Decode(hb)
				}
				if s.Layout != LayoutUnknown || s.LayoutSource != SourceNone {
					t.Fatalf("learned %s/%s from a message without floating part", s.Layout, s.LayoutSource)
				}
				if viaSummary {
					var sum Summary
					s.Summarize(hx(t, tc.first), &sum)
					if sum.Layout != tc.layout || sum.LayoutSource != SourceDetected || sum.Malformed {
						t.Errorf("summary layout %s/%s malformed %v", sum.Layout, sum.LayoutSource, sum.Malformed)
					}
				} else {
					m := s.Decode(hx(t, tc.first))
					onlyExperts(t, m)
				}
				expectNote(t, s, ExpLayoutDetected)
				if s.Layout != tc.layout || s.LayoutSource != SourceDetected || s.Version != 0 {
					t.Fatalf("session layout %s/%s version %d", s.Layout, s.LayoutSource, s.Version)
				}
				m := s.Decode(hx(t, tc.second))
				if m.Layout != tc.layout || m.LayoutSource != SourceDetected {
					t.Errorf("second message layout %s/%s", m.Layout, m.LayoutSource)
				}
				onlyExperts(t, m) // the learned layout fits: nothing to say
				if v, _ := m.String("HoldingDeviceID"); v != "2.300" {
					t.Errorf("HoldingDeviceID %q", v)
				}
			}
		})
	}
}

// An OPEN_REQ seen later still sets the version and layout, over a
// detected one.
func TestSessionOpenReqOverridesDetected(t *testing.T) {
	s := NewSession(Options{})
	s.Decode(hx(t, setAgentStateV18))
	if s.Layout != Layout21 || s.LayoutSource != SourceDetected {
		t.Fatalf("layout %s/%s", s.Layout, s.LayoutSource)
	}
	s.Decode(hx(t, openReqV13))
	if s.Layout != Layout11 || s.LayoutSource != SourceVersion || s.Version != 13 {
		t.Errorf("after OPEN_REQ: layout %s/%s version %d", s.Layout, s.LayoutSource, s.Version)
	}
}

// A forced layout is never replaced by what the bytes say.
func TestSessionForcedLayout(t *testing.T) {
	s := NewSession(Options{Layout: Layout22})
	s.Decode(hx(t, openReqV13))
	m := s.Decode(hx(t, setAgentStateV18))
	if s.Layout != Layout22 || s.LayoutSource != SourceForced || s.Version != 13 {
		t.Errorf("session %s/%s v%d", s.Layout, s.LayoutSource, s.Version)
	}
	if m.Layout != Layout22 || m.Worst() < SeverityWarning {
		t.Errorf("a 2+1 frame read as forced 2+2 should not parse cleanly: %s %q", m.Layout, expertCodes(m))
	}
}

func TestParseLayout(t *testing.T) {
	for _, l := range Layouts {
		got, err := ParseLayout(l.String())
		if err != nil || got != l {
			t.Errorf("ParseLayout(%q) = %v, %v", l.String(), got, err)
		}
		if l.HeaderLen() != map[Layout]int{Layout11: 2, Layout21: 3, Layout22: 4}[l] {
			t.Errorf("%s header %d", l, l.HeaderLen())
		}
	}
	if _, err := ParseLayout("1+2"); err == nil {
		t.Error("ParseLayout(1+2) did not fail")
	}
	if LayoutForVersion(17) != Layout11 || LayoutForVersion(18) != Layout21 || LayoutForVersion(0) != Layout11 {
		t.Error("LayoutForVersion")
	}
}
