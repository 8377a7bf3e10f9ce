package fields

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect/filter"
)

func run(t *testing.T, tty bool, args ...string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	cmd := NewCmdFields(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// A pipe gets a header and one tab-separated line per field, every field
// of the registry, in its order.
func TestPlainListsEveryField(t *testing.T) {
	out, _, err := run(t, false)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	all := filter.Fields()
	if len(lines) != len(all)+1 || lines[0] != "NAME\tTYPE\tVALUES\tMESSAGES\tDESCRIPTION" {
		t.Fatalf("%d lines for %d fields; header %q", len(lines), len(all), lines[0])
	}
	for i, f := range all {
		cols := strings.Split(lines[i+1], "\t")
		if len(cols) != 5 || cols[0] != f.Name || cols[1] != f.Type {
			t.Fatalf("line %d = %q, want %s %s", i+1, lines[i+1], f.Name, f.Type)
		}
	}
	for _, want := range []string{
		"cti.AgentState\tUSHORT\t12 names\tAGENT_STATE_EVENT, ",
		"cti.ServicesRequested\tUINT\t7 bits\t",
		"cti.response_time\tseconds\t-\t-\t",
	} {
		if !strings.Contains(out, "\n"+want) {
			t.Errorf("no line starting %q", want)
		}
	}
}

func TestSubstringAndEnums(t *testing.T) {
	out, _, err := run(t, false, "--enums", "agentstatemask")
	if err != nil {
		t.Fatal(err)
	}
	want := "NAME\tTYPE\tVALUES\tMESSAGES\tDESCRIPTION\n" +
		"cti.AgentStateMask\tUINT\t9 bits\tOPEN_REQ\tAgentStateMask: fixed part\n" +
		"\nFIELD\tVALUE\tNAME\n" +
		"cti.AgentStateMask\t0x1\tAGENT_LOGIN_MASK\n"
	if !strings.HasPrefix(out, want) || !strings.HasSuffix(out, "cti.AgentStateMask\t0x100\tAGENT_RESERVED_MASK\n") {
		t.Errorf("got\n%s", out)
	}
	// Without --enums no value table.
	out, _, _ = run(t, false, "cti.AgentState")
	if strings.Contains(out, "AGENT_STATE_READY") {
		t.Error("values printed without --enums")
	}
	out, _, _ = run(t, false, "--enums", "cti.AgentState")
	if !strings.Contains(out, "cti.AgentState\t3\tAGENT_STATE_READY\n") {
		t.Errorf("enum values missing:\n%s", out)
	}
}

func TestAlignedOnTTY(t *testing.T) {
	out, _, err := run(t, true, "cti.time_")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 3 || strings.Contains(out, "\t") {
		t.Fatalf("not an aligned table:\n%s", out)
	}
	// Columns line up: TYPE starts at the same offset on the header and rows.
	col := strings.Index(lines[0], "TYPE")
	for _, l := range lines[2:] {
		if !strings.HasPrefix(l[col:], "seconds") {
			t.Errorf("row %q: TYPE not at column %d", l, col)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blanks in %q", l)
		}
	}
}

func TestJSON(t *testing.T) {
	out, _, err := run(t, false, "-T", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Name        string   `json:"name"`
		Type        string   `json:"type"`
		Description string   `json:"description"`
		Messages    []string `json:"messages"`
		Values      []struct {
			Name  string `json:"name"`
			Value uint64 `json:"value"`
		} `json:"values"`
		Mask *bool `json:"mask"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	all := filter.Fields()
	if len(got) != len(all) {
		t.Fatalf("%d fields, want %d", len(got), len(all))
	}
	if strings.Contains(out, "null") {
		t.Error("JSON holds null; arrays must be empty instead")
	}
	for i, f := range got {
		if f.Name != all[i].Name || f.Type != all[i].Type || f.Mask == nil || len(f.Values) != len(all[i].Enum) {
			t.Errorf("%d: %+v vs %+v", i, f, all[i])
		}
		if f.Name == "cti.CallMsgMask" {
			if !*f.Mask || f.Values[0].Name != "CALL_DELIVERED_MASK" || f.Values[0].Value != 1 {
				t.Errorf("cti.CallMsgMask: %+v", f)
			}
		}
	}
}

func TestNoMatchAndUsage(t *testing.T) {
	_, errOut, err := run(t, false, "no_such_thing")
	var se *factory.SilentError
	if !errors.As(err, &se) || se.Code != factory.ExitError || !strings.Contains(errOut, `no field name contains "no_such_thing"`) {
		t.Errorf("err %v, stderr %q", err, errOut)
	}
	_, _, err = run(t, false, "a", "b")
	var ue *factory.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("two arguments: %v", err)
	}
	_, _, err = run(t, false, "-T", "xml")
	if !errors.As(err, &ue) {
		t.Errorf("-T xml: %v", err)
	}
}
