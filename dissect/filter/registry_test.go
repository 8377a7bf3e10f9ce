package filter

import (
	"sort"
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
