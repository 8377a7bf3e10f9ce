package dissect

import (
	"strings"
	"testing"
)

// TestUCCELookupByVersion: UCCE reuses IDs 236-238 (TEAM_CONFIG_* up to
// version 18, configuration events from 19) and moved TEAM_CONFIG_* to
// 242-244 (catalog-ucce.json, sources cisco-ged188-v18 / cisco24-changes).
func TestUCCELookupByVersion(t *testing.T) {
	c := CatalogFor(DialectUCCE)
	for _, tc := range []struct {
		id      uint32
		version int
		want    string
	}{
		{236, 18, "TEAM_CONFIG_REQ"}, {236, 19, "CONFIG_SKILL_GROUP_EVENT"}, {236, 0, "CONFIG_SKILL_GROUP_EVENT"},
		{238, 14, "TEAM_CONFIG_CONF"}, {238, 24, "CONFIG_DEVICE_EVENT"},
		{242, 18, ""}, {242, 19, "TEAM_CONFIG_REQ"}, {242, 0, "TEAM_CONFIG_REQ"},
		{254, 19, ""}, {254, 20, "CONFIG_MRD_EVENT"},
		{3, 20, "OPEN_REQ"}, {999, 20, ""},
	} {
		got := ""
		if d := c.Lookup(tc.id, tc.version); d != nil {
			got = d.Name
		}
		if got != tc.want {
			t.Errorf("Lookup(%d, v%d) = %q, want %q", tc.id, tc.version, got, tc.want)
		}
	}
	if d := c.LookupName("TEAM_CONFIG_REQ", 15); d == nil || d.ID != 236 {
		t.Errorf("TEAM_CONFIG_REQ at v15: %v", d)
	}
	if d := c.LookupName("TEAM_CONFIG_REQ", 0); d == nil || d.ID != 242 {
		t.Errorf("TEAM_CONFIG_REQ, version unknown: %v", d)
	}
	if conf := c.LookupName("TEAM_CONFIG_CONF", 24); conf.Confirms == nil || conf.Confirms.ID != 242 {
		t.Errorf("v24 TEAM_CONFIG_CONF confirms %v", conf.Confirms)
	}
	// The UCCX catalog is untouched: 236 is CONFIG_CSQ_EVENT whatever the version.
	if Lookup(236).Name != "CONFIG_CSQ_EVENT" || uccxCatalog.Lookup(236, 24).Name != "CONFIG_CSQ_EVENT" || Lookup(22) != nil {
		t.Error("UCCX lookups changed")
	}
	if CatalogFor(DialectUnknown) != uccxCatalog || c.Enum("AgentInternalState") == nil || c.Enum("AgentInternalState") == Enum("AgentInternalState") {
		t.Error("catalog selection")
	}
}

func TestParseDialect(t *testing.T) {
	for s, want := range map[string]Dialect{"uccx": DialectUCCX, "ucce": DialectUCCE, "auto": DialectUnknown} {
		if d, err := ParseDialect(s); err != nil || d != want {
			t.Errorf("ParseDialect(%q) = %s, %v", s, d, err)
		}
	}
	if _, err := ParseDialect("UCCE "); err == nil {
		t.Error("ParseDialect accepted junk")
	}
}

// A v20 OPEN_CONF from the ucce-ctidriver samples (nshimaza/ucce-ctidriver
// test/Network/CceCti/MessageSampleSpec.hs): UCCE's DepartmentID follows
// the fixed part UCCX would read, so only UCCE's layout parses it. Seen
// mid-session (no OPEN_REQ, no version) it decodes as UCCE's and counts
// for UCCE; a second such message settles the session.
func TestDialectFromFieldsOnlyUCCEParses(t *testing.T) {
	frame := hx(t, `
00000045 00000004
01020304 00000010 02030405 00000013 04050607 0001 0011 0003
05060708                 // DepartmentID (version 20)
0004 0005 3330303100     // AgentExtension
0005 0005 3130303100     // AgentID
0006 0005 3330303100     // AgentInstrument
00e4 0002 0506           // NumPeripherals
00e0 0002 0000           // MultilineAgentControl
`)
	s := NewSession(Options{})
	m := s.Decode(frame)
	if m.Def == nil || m.Def.Dialect != DialectUCCE || m.Get("DepartmentID") == nil {
		t.Fatalf("decoded as %s's %s: %s", dialectOf(m), m.Name(), dumpFields(m))
	}
	if v, _ := m.Uint("DepartmentID"); v != 0x05060708 {
		t.Errorf("DepartmentID %#x", v)
	}
	if s.Dialect != DialectUnknown {
		t.Errorf("one message settled the dialect: %s", s.Dialect)
	}
	s.Decode(frame)
	if s.Dialect != DialectUCCE || !strings.Contains(s.DialectWhy, "OPEN_CONF parses cleanly only under UCCE") {
		t.Errorf("dialect %s (%q)", s.Dialect, s.DialectWhy)
	}
	expectNote(t, s, ExpDialectDetected)

	// Forced UCCX: the same bytes are read as UCCX's OPEN_CONF, however badly.
	f := NewSession(Options{Dialect: DialectUCCX})
	if m := f.Decode(frame); m.Def != Lookup(4) || f.Dialect != DialectUCCX || f.DialectWhy != "forced" {
		t.Errorf("forced: %s's %s, session %s (%s)", dialectOf(m), m.Name(), f.Dialect, f.DialectWhy)
	}
}

// An opaque UCCE message (the catalog names it but not its layout) keeps
// its body as raw data with a note, not a warning.
func TestOpaqueMessageBodyRaw(t *testing.T) {
	m := Decode(fr(t, 200, "01020304 0506"), Context{Dialect: DialectUCCE, Version: 20})
	if m.Name() != "TASK_DATA_UPDATE_EVENT" || len(m.Fields) != 1 || m.Fields[0].Def != &rawData || m.Fields[0].Size != 6 {
		t.Fatalf("%s: %s", m.Name(), dumpFields(m))
	}
	expectExpert(t, m, SeverityNote, ExpOpaque, "cti.msg_type_id")
	onlyExperts(t, m, ExpOpaque)
	var sum Summary
	Summarize(m.Frame, Context{Dialect: DialectUCCE, Version: 20}, &sum)
	if sum.Def != m.Def || sum.Malformed {
		t.Errorf("summary %+v", sum)
	}
}

// Version 18 leaves the layout to the bytes (UCCX 2+1, UCCE 1+1); once
// OPEN_REQ's reserved UINTs say UCCE, the session takes UCCE's 1+1.
func TestUCCEVersion18TakesUCCELayout(t *testing.T) {
	open := fullMessage(t, ucceCatalog.LookupName("OPEN_REQ", 18), 18, Layout11)
	frame, err := Encode(open, Layout11)
	mustOK(t, err)
	s := NewSession(Options{})
	s.Decode(frame)
	if s.Dialect != DialectUCCE || s.Layout != Layout11 || s.LayoutSource != SourceVersion {
		t.Errorf("session %s, layout %s (%s)", s.Dialect, s.Layout, s.LayoutSource)
	}
	if f := NewSession(Options{Dialect: DialectUCCE, Version: 18}); f.Layout != Layout11 || f.LayoutSource != SourceVersion {
		t.Errorf("forced UCCE v18: layout %s (%s)", f.Layout, f.LayoutSource)
	}
	if f := NewSession(Options{Dialect: DialectUCCX, Version: 18}); f.Layout != LayoutUnknown {
		t.Errorf("forced UCCX v18: layout %s (%s), want it left to the bytes", f.Layout, f.LayoutSource)
	}
}
