package dissect

import (
	"bytes"
	"runtime"
	"testing"
)

// Regression tests for what fuzzing and the hand-written tests found. The
// fuzz inputs themselves stay in testdata/fuzz.

// testdata/fuzz/FuzzDecode/6b0d97df17ee475a: a NamedVariable whose name has
// no NUL put its (empty) value child one byte past the end of the frame.
func TestRegressNamedVarWithoutNULValueOffset(t *testing.T) {
	frame := hx(t, `
30303030       // BodyLength far beyond the frame
00000037       // HOLD_CALL_CONF
30303030       // InvokeID
52 30          // NamedVariable (82, not a HOLD_CALL_CONF field) says 48 bytes, none follow
`)
	m := Decode(frame, ctxFor(13))
	checkBounds(t, m)
	nv := m.Fields[1]
	checkChildren(t, &nv, "name=@14+0", "value=@14+0")

	// Same inside a message: name "ab" without NUL, value empty after it.
	m = Decode(fr(t, typBeginCall, `
00000000 00000000 0000 0001 0001 0000 0001 0000 00000064 000f
52 02 6162
`), ctxFor(13))
	checkBounds(t, m)
	checkChildren(t, m.Get("NamedVariable"), "name=ab@36+2", "value=@38+0")
}

// testdata/fuzz/FuzzDecode/75e4e4f3b462c51f: a string padded with NULs
// decoded with only a note, but re-encoding dropped the padding.
func TestRegressStringPaddingRoundTrip(t *testing.T) {
	for _, body := range []string{
		"00000007 00000003  07 06 6869 00000000",    // Text "hi" + 3 NULs of padding
		"00000007 00000003  07 01 00",               // empty Text
		"00000007 00000003  07 03 000000",           // empty Text, padded
		"00000007 00000003  07 03 6869 00 07 01 00", // two Texts
	} {
		frame := fr(t, typFailureConf, body)
		m := Decode(frame, ctxFor(13))
		noWarnings(t, m)
		again, err := Encode(m, m.Layout)
		if err != nil || !bytes.Equal(again, frame) {
			t.Errorf("%s: re-encoded %x (%v), want %x", body, again, err, frame)
		}
	}
	// NamedVariable value padding too.
	frame := fr(t, typBeginCall, `
00000000 00000000 0000 0001 0001 0000 0001 0000 00000064 000f
52 06 61 00 62 00 0000
`)
	m := Decode(frame, ctxFor(13))
	noWarnings(t, m)
	if again, _ := Encode(m, m.Layout); !bytes.Equal(again, frame) {
		t.Errorf("NamedVariable re-encoded %x, want %x", again, frame)
	}
}

// testdata/fuzz/FuzzSession/320692a1f32ffafa: an OPEN_REQ cut inside its
// fixed part taught a session fed by Summarize that OPEN_REQ carries no
// reserved UINTs, while one fed by Decode (rightly) learned nothing.
func TestRegressTruncatedOpenReqLearning(t *testing.T) {
	frame := hx(t, "30303030 00000003") // OPEN_REQ header, no body
	dec, sum := NewSession(Options{Version: 13}), NewSession(Options{Version: 13})
	dec.Decode(frame)
	var s Summary
	sum.Summarize(frame, &s)
	if dec.OpenReqExtra != -1 || sum.OpenReqExtra != -1 || s.FixedSize != 0 {
		t.Errorf("OpenReqExtra: Decode %d, Summarize %d (fixed %d); want -1", dec.OpenReqExtra, sum.OpenReqExtra, s.FixedSize)
	}
}

// A session that detected its layout flagged every later message with a
// layout mismatch naming the same layout twice.
func TestRegressNoMismatchInDetectedSession(t *testing.T) {
	s := NewSession(Options{})
	s.Decode(hx(t, setAgentStateV18))
	m := s.Decode(hx(t, callHeldV18))
	if e := findExpert(m, ExpLayoutMismatch); len(e) != 0 {
		t.Errorf("unexpected %s: %s", e[0].Code, e[0].Message)
	}
	// A message that does not fit the detected layout still says so.
	m = s.Decode(hx(t, callHeldV13))
	expectExpert(t, m, SeverityWarning, ExpLayoutMismatch, "")
}

// Summarize read DNIS and DialedNumber from CONFIG_DEVICE_EVENT's tags 10
// and 11 (reserved, DeviceField2), and the last AgentID of a
// TEAM_CONFIG_EVENT where Decode gives the first.
func TestRegressSummaryTagNames(t *testing.T) {
	var s Summary
	Summarize(fr(t, 238, `
0001
b7 02 0000
0b 04 616263 00 // DeviceField2 (11)
0a 04 646566 00 // reserved (10)
`), ctxFor(13), &s)
	if s.DNIS != nil || s.DialedNumber != nil || s.Malformed {
		t.Errorf("CONFIG_DEVICE_EVENT: DNIS %q DialedNumber %q", s.DNIS, s.DialedNumber)
	}
	Summarize(fr(t, 243, `
00000001 0002 0001 0000000000000000
cc 02 41 00        // TeamName "A"
c2 03 3131 00      // AgentID "11"
c2 03 3232 00      // AgentID "22"
`), ctxFor(13), &s)
	if string(s.AgentID) != "11" {
		t.Errorf("TEAM_CONFIG_EVENT AgentID %q, want the first", s.AgentID)
	}
}

// Lengths and counts read from the wire never size an allocation: frames
// that claim huge bodies, fields and repeat counts cost what their bytes do.
func TestNoWireSizedAllocation(t *testing.T) {
	frames := [][]byte{
		hx(t, "ffffffff 00000005 0000002a"), // BodyLength 4 GiB
		hx(t, "ffffffff 000000ed ffff"),     // CONFIG_AGENT_EVENT, 65535 records announced
		fr(t, typBeginCall, "00000000 00000000 0000 ffff ffff ffff 0001 0000 00000064 000f"), // 65535 NamedVariables announced
		fr(t, typFailureConf, "00000007 00000003 0007 ffff 6869"),                            // FieldLength 65535 at 2+2
		hx(t, "ffffffff 00000001 00000007 00000003 07ff"),                                    // FieldLength 255, no data
	}
	ctxs := []Context{ctxFor(13), ctxFor(18), NewSession(Options{Layout: Layout22}).Context(), {OpenReqExtra: -1}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const rounds = 50
	for range rounds {
		for _, f := range frames {
			for _, ctx := range ctxs {
				m := Decode(f, ctx)
				_ = m.AllExpert()
				var s Summary
				Summarize(f, ctx, &s)
			}
		}
	}
	runtime.ReadMemStats(&after)
	per := (after.TotalAlloc - before.TotalAlloc) / uint64(rounds*len(frames)*len(ctxs))
	if per > 16<<10 {
		t.Errorf("a decode of a tiny frame allocates %d bytes on average", per)
	}
}

// testdata/fuzz/FuzzSession/c15809f8ebca901f: an unknown type ID whose body
// parses as CONFIG_TERMINAL_EVENT taught a session fed by Decode a layout; a
// session fed by Summarize (which does not guess types) learned nothing.
func TestRegressNoLearningFromGuessedType(t *testing.T) {
	frame := fr(t, 0x30303030, "3030 06 06 303030303030")
	dec, sum := NewSession(Options{}), NewSession(Options{})
	m := dec.Decode(frame)
	if m.Def == nil || m.Def.Name != "CONFIG_TERMINAL_EVENT" {
		t.Fatalf("decoded as %s", m.Name())
	}
	var s Summary
	sum.Summarize(frame, &s)
	if dec.Layout != LayoutUnknown || sum.Layout != LayoutUnknown {
		t.Errorf("learned %s (Decode) and %s (Summarize) from a guessed type", dec.Layout, sum.Layout)
	}
}
