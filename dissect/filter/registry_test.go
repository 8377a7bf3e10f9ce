package filter

import (
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

func TestFieldsCoverCatalog(t *testing.T) {
	fs := Fields()
	if !sort.SliceIsSorted(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name }) {
		t.Error("Fields() is not sorted by name")
	}
	by := map[string]FieldInfo{}
	for _, f := range fs {
		if _, dup := by[f.Name]; dup {
			t.Errorf("%s listed twice", f.Name)
		}
		by[f.Name] = f
		if f.Type == "" || f.Description == "" {
			t.Errorf("%s: empty type or description: %+v", f.Name, f)
		}
		// Every listed field compiles, alone and in a comparison.
		mustCompile(t, f.Name)
		mustCompile(t, "!"+f.Name+" || "+f.Name)
	}
	for _, m := range dissect.Messages() {
		for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
			for _, fd := range list {
				f, ok := by[fd.Filter]
				if !ok {
					t.Errorf("%s.%s: %s not in Fields()", m.Name, fd.Name, fd.Filter)
					continue
				}
				if i := sort.SearchStrings(f.Messages, m.Name); i == len(f.Messages) || f.Messages[i] != m.Name {
					t.Errorf("%s: Messages lacks %s", fd.Filter, m.Name)
				}
			}
		}
	}
	for _, name := range []string{"cti.msg_type", "cti.num", "cti.expert", "cti.expert.severity", "cti.response_time",
		"cti.unanswered", "cti.event", "cti.length", "cti.data", "cti.NamedVariable.name", "cti.NamedArray.index",
		"cti.AlertingDeviceID.primary", "cti.AlertingDeviceID.actual"} {
		if _, ok := by[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
}

func TestFieldsEnumsAndMasks(t *testing.T) {
	by := map[string]FieldInfo{}
	for _, f := range Fields() {
		by[f.Name] = f
	}
	as := by["cti.AgentState"]
	if as.Mask || !hasValue(as.Enum, "AGENT_STATE_READY", 3) || as.Type != "USHORT" {
		t.Errorf("cti.AgentState: %+v", as)
	}
	sr := by["cti.ServicesRequested"]
	if !sr.Mask || !hasValue(sr.Enum, "CTI_SERVICE_SUPERVISOR", 0x80) {
		t.Errorf("cti.ServicesRequested: %+v", sr)
	}
	st := by["cti.Status"] // several tables merged: both meanings listed
	if !hasValue(st.Enum, "CONFIG_UNKNOWN_DATA", 2) || !hasValue(st.Enum, "CONFIG_UNKNOWN_DATA", 3) {
		t.Errorf("cti.Status enum lacks a table: %v", st.Enum)
	}
	if sev := by["cti.expert.severity"]; !hasValue(sev.Enum, "error", uint64(dissect.SeverityError)) {
		t.Errorf("severity: %+v", sev)
	}
	if r := by["cti.reserved"]; r.Type == "" || len(r.Messages) < 10 {
		t.Errorf("cti.reserved: %+v", r)
	}
}

func hasValue(vs []EnumValue, name string, v uint64) bool {
	for _, e := range vs {
		if e.Name == name && e.Value == v {
			return true
		}
	}
	return false
}

// UCCE-only fields have filter names of their own; a name both dialects
// use keeps UCCX's description. Every UCCE field is filterable.
func TestUCCEFields(t *testing.T) {
	by := map[string]FieldInfo{}
	for _, f := range Fields() {
		by[f.Name] = f
	}
	ucce := dissect.CatalogFor(dissect.DialectUCCE)
	for _, m := range ucce.Messages() {
		for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
			for _, fd := range list {
				if _, ok := by[fd.Filter]; !ok {
					t.Errorf("UCCE %s.%s: %s not in Fields()", m.Name, fd.Name, fd.Filter)
				}
			}
		}
	}
	d := by["cti.DepartmentID"]
	if !d.UCCEOnly || !strings.HasSuffix(d.Description, "(UCCE only)") || !slices.Contains(d.Messages, "OPEN_CONF") || !slices.Contains(d.Messages, "AGENT_STATE_EVENT") {
		t.Errorf("cti.DepartmentID: %+v", d)
	}
	if a := by["cti.AgentID"]; a.UCCEOnly || strings.Contains(a.Description, "UCCE") {
		t.Errorf("cti.AgentID, a UCCX name, described as UCCE's: %+v", a)
	}
}

// A UCCE message matches by its UCCE name, by its type ID, and by its
// UCCE-only fields.
func TestUCCEMatches(t *testing.T) {
	// CALL_REACHED_NETWORK_EVENT (34) as the uccertweb samples send it
	// (nshimaza/uccertweb, see dissect/testdata/independent).
	frame, _ := hex.DecodeString("0000006200000022" +
		"01020304020304050011000103040506040500040046004a00030016" +
		"1913436f6e6e656374696f6e446576696365494400" +
		"30125472756e6b55736564446576696365494400" +
		"1c0f43616c6c6564446576696365494400" +
		"790404050607" + "7a0405060708")
	m := dissect.NewSession(dissect.Options{Dialect: dissect.DialectUCCE, Version: 19}).Decode(frame)
	if m.Name() != "CALL_REACHED_NETWORK_EVENT" {
		t.Fatalf("decoded as %s", m.Name())
	}
	checkMatches(t, &Target{Msg: m}, []matchCase{
		{"cti.msg_type == CALL_REACHED_NETWORK_EVENT", true},
		{"cti.msg_type == 34", true},
		{"cti.msg_type == 35", false},
		{"cti.msg_type_id == CALL_REACHED_NETWORK_EVENT", true},
		{`cti.TrunkUsedDeviceID == "TrunkUsedDeviceID"`, true},
		{"cti.msg_type == OPEN_REQ", false},
	})
}
