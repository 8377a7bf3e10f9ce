package dissect

import "testing"

func TestValueText(t *testing.T) {
	for _, tc := range []struct {
		v    Value
		want string
	}{
		{Int(TypeCHAR, -2), "-2"},
		{Int(TypeSHORT, -300), "-300"},
		{Int(TypeINT, -70000), "-70000"},
		{Uint(TypeUINT, 4294967295), "4294967295"},
		{Bool(true), "true"},
		{Bool(false), "false"},
		{Uint(TypeTIME, 0), "0"},
		{Str("x"), "x"},
		{Bytes([]byte{0xab, 0x01}), "ab01"},
		{NamedVar("n", "v"), "n=v"},
		{NamedArray(3, "a", "b"), "a[3]=b"},
	} {
		if got := tc.v.Text(); got != tc.want {
			t.Errorf("%#v: %q, want %q", tc.v, got, tc.want)
		}
	}
	// Decoded signed fields are sign-extended.
	m := Decode(fr(t, typQueryAgentReq, "00000001 00000000 fffffffe 80000000"), ctxFor(13))
	if f := m.Fields[2]; f.Value.Int64() != -2 || f.Value.Text() != "-2" {
		t.Errorf("INT -2 decoded as %d %q", f.Value.Int64(), f.Value.Text())
	}
	if f := m.Fields[3]; f.Value.Int64() != -2147483648 {
		t.Errorf("INT min decoded as %d", f.Value.Int64())
	}
}

func TestFraming(t *testing.T) {
	var fr Framing
	if fr.HeaderLen() != HeaderLen {
		t.Fatal("HeaderLen")
	}
	for _, tc := range []struct {
		hdr  string
		n    int
		ok   bool
		name string
	}{
		{"00000004 00000005", 12, true, "HEARTBEAT_REQ"},
		{"00000006 00000005", 14, false, "HEARTBEAT_REQ longer than its fixed part"},
		{"00000002 00000005", 10, false, "HEARTBEAT_REQ shorter than its fixed part"},
		{"00000044 00000003", 76, true, "OPEN_REQ"},
		{"00008001 00000003", 8 + 0x8001, false, "above MaxFrameBody"},
		{"00000004 000003e7", 12, false, "unknown type"},
		{"00000004 000000c8", 12, true, "UCCE's TASK_DATA_UPDATE_EVENT, layout unknown: any size"},
		{"00000002 00000016", 10, false, "UCCE's CALL_TRANSLATION_ROUTE_EVENT shorter than its fixed part"},
		{"00000060 00000016", 104, true, "UCCE's CALL_TRANSLATION_ROUTE_EVENT"},
		{"ffffffff 00000003", 8 + 0x7fffffff, false, "huge"},
		{"000000", 0, false, "short header"},
	} {
		n, ok := fr.FrameLen(hx(t, tc.hdr))
		if n != tc.n || ok != tc.ok {
			t.Errorf("%s: FrameLen = %d, %v; want %d, %v", tc.name, n, ok, tc.n, tc.ok)
		}
	}
	if !fr.ClientOnly(hx(t, "00000044 00000003")) || fr.ClientOnly(hx(t, "00000004 00000004")) || fr.ClientOnly(nil) {
		t.Error("ClientOnly")
	}
}

func TestMessageAccessors(t *testing.T) {
	m := Decode(hx(t, setAgentStateV18), ctxFor(18))
	if v, ok := m.Uint("AgentState"); !ok || v != 3 {
		t.Errorf("Uint(AgentState) = %d, %v", v, ok)
	}
	if _, ok := m.Uint("AgentID"); ok {
		t.Error("Uint of a string field")
	}
	if v, ok := m.String("AgentID"); !ok || v != "4242" {
		t.Errorf("String(AgentID) = %q, %v", v, ok)
	}
	if _, ok := m.String("nope"); ok || m.Get("nope") != nil {
		t.Error("missing field found")
	}
	if m.Worst() != 0 {
		t.Errorf("Worst = %s", m.Worst())
	}
	def := LookupName("SET_AGENT_STATE_REQ")
	if def.ConfirmedBy == nil || def.ConfirmedBy.Name != "SET_AGENT_STATE_CONF" || def.ConfirmedBy.Confirms != def {
		t.Error("confirm links")
	}
	if Lookup(38) != def || Lookup(1<<20) != nil || LookupName("nope") != nil {
		t.Error("Lookup")
	}
	if FilterName("Unified CCX Online") != "cti.UnifiedCCXOnline" {
		t.Error("FilterName")
	}
	if Enum("AgentState") == nil || Mask("CallMsgMask") == nil || len(Tags()) == 0 || len(Enums()) == 0 || len(Masks()) == 0 {
		t.Error("catalog accessors")
	}
}

// Every class has at least one message, and every message a class.
func TestClasses(t *testing.T) {
	count := map[Class]int{}
	for _, m := range Messages() {
		count[m.Class]++
	}
	for _, c := range Classes {
		if count[c] == 0 {
			t.Errorf("no message of class %s", c)
		}
	}
	if count[ClassOther] != 0 {
		t.Errorf("%d messages without class", count[ClassOther])
	}
}
