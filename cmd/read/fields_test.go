package read

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"regexp"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/diag"
)

// sampleCapture generates the default capture and returns its file and
// gen's account of it.
func sampleCapture(t *testing.T) (string, gen.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, gen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return writeCapture(t, buf.Bytes()), res
}

// faultCapture generates the default capture with every fault scenario
// (which break the doctor's rules and leave requests unanswered) and
// returns its file.
func faultCapture(t *testing.T) string {
	t.Helper()
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"all"}
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	return writeCapture(t, buf.Bytes())
}

// TestFieldsAgentStates prints the agent state events as fields and
// compares them with gen's list of state changes (agent, state,
// capture frame) on the agents' own connections.
func TestFieldsAgentStates(t *testing.T) {
	capture, res := sampleCapture(t)
	r := run(t, false, nil, "-T", "fields", "-Y", `cti.msg_type == "AGENT_STATE_EVENT"`,
		"-e", "cti.AgentID", "-e", "cti.AgentState", "-e", "cti.msg_type", "-E", "display=y", "-E", "separator=,", capture)
	if r.e != nil {
		t.Fatalf("%v %s", r.e, r.err)
	}
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if len(lines) != res.Counts["AGENT_STATE_EVENT"] {
		t.Fatalf("%d lines, want %d AGENT_STATE_EVENTs", len(lines), res.Counts["AGENT_STATE_EVENT"])
	}
	seen := map[string]int{}
	for _, l := range lines {
		seen[l]++
	}
	for _, a := range res.AgentStates {
		key := fmt.Sprintf("%s,%s,AGENT_STATE_EVENT", a.AgentID, a.State)
		if seen[key] == 0 {
			t.Errorf("no line %q", key)
		}
	}
	// Without display=y the state is the raw number.
	r = run(t, false, nil, "-T", "fields", "-Y", `cti.msg_type == "AGENT_STATE_EVENT"`, "-e", "cti.AgentState", "-c", "1", capture)
	first := res.AgentStates[0]
	for _, m := range res.Messages {
		if m.Type == "AGENT_STATE_EVENT" {
			if m.Frame == first.Frame && r.out != fmt.Sprintf("%d\n", first.StateValue) {
				t.Errorf("raw state: %q, want %d", r.out, first.StateValue)
			}
			break
		}
	}
}

// TestFieldsPairs checks request numbers, names and response times against
// gen's request/confirm pairs.
func TestFieldsPairs(t *testing.T) {
	capture, res := sampleCapture(t)
	r := run(t, false, nil, "-T", "fields", "-Y", "cti.request_in", "-E", "header=y", "-E", "quote=d",
		"-e", "cti.frame", "-e", "cti.msg_type", "-e", "cti.response_time", "-e", "cti.InvokeID", capture)
	if r.e != nil {
		t.Fatalf("%v %s", r.e, r.err)
	}
	lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
	if lines[0] != `"cti.frame"	"cti.msg_type"	"cti.response_time"	"cti.InvokeID"` {
		t.Fatalf("header %q", lines[0])
	}
	got := map[string]bool{}
	for _, l := range lines[1:] {
		got[l] = true
	}
	n := 0
	for _, p := range res.Pairs {
		if p.InvokeID == 0 {
			continue
		}
		n++
		us := p.Latency.Microseconds()
		want := fmt.Sprintf(`"%d"	"%s"	"%d.%06d"	"%d"`, p.ResponseFrame, p.Response, us/1e6, us%1e6, p.InvokeID)
		if !got[want] {
			t.Errorf("no line %s", want)
		}
	}
	if len(lines)-1 != n {
		t.Errorf("%d answer lines, want %d", len(lines)-1, n)
	}
}

func TestFieldsUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-T", "fields"}, "needs at least one -e"},
		{[]string{"-e", "cti.num"}, "need -T fields"},
		{[]string{"-T", "fields", "-e", "cti.AgentId"}, "did you mean cti.AgentID"},
		{[]string{"-T", "fields", "-e", "cti.num == 1"}, "not an expression"},
		{[]string{"-T", "fields", "-e", "cti.num", "-E", "quote=x"}, `-E quote: invalid value "x"`},
		{[]string{"-T", "fields", "-e", "cti.num", "-E", "colour=y"}, "unknown option"},
		{[]string{"-T", "csv"}, "psml or fields"},
		{[]string{"-Y", "cti.msg_type =="}, "-Y"},
	} {
		r := run(t, false, nil, append(tc.args, "x.pcap")...)
		if testutil.ExitCode(r.e) != 2 || r.e == nil || !strings.Contains(r.e.Error(), tc.want) {
			t.Errorf("%v: exit %d, %v; want 2 and %q", tc.args, testutil.ExitCode(r.e), r.e, tc.want)
		}
	}
}

// -E occurrence picks among a repeated field's values as in tshark: the
// three ApplicationNames of the sample's CONFIG_APPLICATION_EVENT.
func TestFieldsOccurrence(t *testing.T) {
	for occ, want := range map[string]string{
		"a": "Sales_Main,Support_Main,Billing_IVR",
		"f": "Sales_Main",
		"l": "Billing_IVR",
		"2": "Support_Main",
		"4": "",
	} {
		r := run(t, false, nil, "-T", "fields", "-Y", "cti.msg_type == CONFIG_APPLICATION_EVENT", "-e", "cti.ApplicationName", "-E", "occurrence="+occ, sampleCap)
		if r.e != nil || r.out != want+"\n" {
			t.Errorf("occurrence=%s: %q %v, want %q", occ, r.out, r.e, want)
		}
	}
	if r := run(t, false, nil, "-T", "fields", "-e", "cti.num", "-E", "occurrence=0", sampleCap); testutil.ExitCode(r.e) != 2 {
		t.Errorf("occurrence=0 accepted: %v", r.e)
	}
}

// -e takes the generic aliases too: frame.number prints cti.frame under
// the name typed.
func TestFieldsAliases(t *testing.T) {
	a := run(t, false, nil, "-T", "fields", "-E", "header=y", "-e", "frame.number", "-e", "tcp.stream", "-c", "3", sampleCap)
	b := run(t, false, nil, "-T", "fields", "-e", "cti.frame", "-e", "cti.stream", "-c", "3", sampleCap)
	if a.e != nil || b.e != nil {
		t.Fatal(a.e, b.e)
	}
	if want := "frame.number\ttcp.stream\n" + b.out; a.out != want || b.out == "" {
		t.Errorf("aliases:\n%s\nwant\n%s", a.out, want)
	}
}

// TestFieldsCSQEntries: AGENT_STATE_EVENT carries a CSQID in its fixed
// part (the CSQ whose state changed) and one per CSQ of the agent in its
// floating part. -e cti.CSQID prints the fixed one only, -e cti.CSQs.CSQID
// the floating ones, and -E occurrence picks among those; each line is
// checked against the fields the JSON view gives the same message.
func TestFieldsCSQEntries(t *testing.T) {
	const expr = "cti.msg_type == AGENT_STATE_EVENT && cti.CSQs.CSQID"
	js := run(t, false, nil, "-T", "jsonl", "-Y", expr, sampleCap)
	if js.e != nil {
		t.Fatal(js.e, js.err)
	}
	var fixed, entries []string
	several := false // some message lists more than one CSQ
	for _, l := range strings.Split(strings.TrimSpace(js.out), "\n") {
		var m struct {
			Fields []struct {
				Name   string `json:"name"`
				Filter string `json:"filter"`
				Tag    int    `json:"tag"`
				Value  any    `json:"value"`
			} `json:"fields"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		var f, e []string
		for _, fl := range m.Fields {
			if fl.Name != "CSQID" {
				continue
			}
			v := fmt.Sprint(fl.Value)
			switch {
			case fl.Tag == 0 && fl.Filter == "cti.CSQID":
				f = append(f, v)
			case fl.Tag == 62 && fl.Filter == "cti.CSQs.CSQID":
				e = append(e, v)
			default:
				t.Fatalf("CSQID field %+v: want cti.CSQID in the fixed part, cti.CSQs.CSQID for tag 62", fl)
			}
		}
		if len(f) != 1 || len(e) == 0 {
			t.Fatalf("message with fixed CSQIDs %v and entries %v, want one and some", f, e)
		}
		several = several || len(e) > 1
		fixed = append(fixed, f[0])
		entries = append(entries, strings.Join(e, ","))
	}
	if !several {
		t.Fatalf("%s: no message with several CSQs (%d messages)", expr, len(fixed))
	}
	pick := map[string]func(string) string{
		"a": func(s string) string { return s },
		"f": func(s string) string { a, _, _ := strings.Cut(s, ","); return a },
		"l": func(s string) string { return s[strings.LastIndex(s, ",")+1:] },
	}
	for occ, fn := range pick {
		r := run(t, false, nil, "-T", "fields", "-Y", expr, "-e", "cti.CSQID", "-e", "cti.CSQs.CSQID", "-E", "occurrence="+occ, sampleCap)
		if r.e != nil {
			t.Fatal(r.e, r.err)
		}
		lines := strings.Split(strings.TrimSuffix(r.out, "\n"), "\n")
		if len(lines) != len(fixed) {
			t.Fatalf("occurrence=%s: %d lines, want %d", occ, len(lines), len(fixed))
		}
		for i, l := range lines {
			if want := fixed[i] + "\t" + fn(entries[i]); l != want {
				t.Errorf("occurrence=%s line %d: %q, want %q", occ, i+1, l, want)
			}
		}
	}
}

// TestFieldsOldSpellings: -Y and -e take the names ctishark used before
// names were made UpperCamel, print what the new names print, and say on
// standard error which name to use.
func TestFieldsOldSpellings(t *testing.T) {
	old := run(t, false, nil, "-T", "fields", "-Y", "cti.agentState || cti.numCSQs", "-e", "cti.numCSQs", "-e", "cti.lineType", sampleCap)
	now := run(t, false, nil, "-T", "fields", "-Y", "cti.AgentState || cti.NumCSQs", "-e", "cti.NumCSQs", "-e", "cti.LineType", sampleCap)
	if old.e != nil || now.e != nil || old.out != now.out || now.out == "" {
		t.Fatalf("old names: %v %q\nnew names: %v %q", old.e, old.out[:min(80, len(old.out))], now.e, now.out[:min(80, len(now.out))])
	}
	for _, want := range []string{"-Y: cti.agentState is now called cti.AgentState", "-Y: cti.numCSQs is now called cti.NumCSQs", "-e: cti.numCSQs is now called cti.NumCSQs", "-e: cti.lineType is now called cti.LineType"} {
		if !strings.Contains(old.err, want) {
			t.Errorf("stderr %q lacks %q", old.err, want)
		}
	}
	if now.err != "" {
		t.Errorf("new names: stderr %q", now.err)
	}
}

// -T fields evaluates the doctor's rules only for the columns that can
// show their findings (cti.expert, cti.expert.severity, cti.info) or a -Y
// that may test them. The findings must still be there in those columns,
// the same as without -T fields, on a capture that breaks every rule.
func TestFieldsShowFindingsOnlyWhereAsked(t *testing.T) {
	capture := faultCapture(t)
	count := func(args ...string) int {
		t.Helper()
		r := run(t, false, nil, append([]string{"-T", "fields"}, append(args, capture)...)...)
		if r.e != nil {
			t.Fatalf("%v %s", r.e, r.err)
		}
		return strings.Count(r.out, "cti.diag.")
	}
	jsonl := run(t, false, nil, "-T", "jsonl", capture)
	want := strings.Count(jsonl.out, `"cti.diag.`)
	if want == 0 {
		t.Fatal("no findings in the JSON of a capture of every fault")
	}
	if got := count("-e", "cti.num", "-e", "cti.expert"); got != want {
		t.Errorf("-e cti.expert: %d findings, the JSON has %d", got, want)
	}
	if got := count("-Y", "cti.expert contains \"cti.diag.\"", "-e", "cti.expert"); got != want {
		t.Errorf("-Y on findings: %d findings, the JSON has %d", got, want)
	}
	// Info names a message's errors and warnings by their summaries.
	info := run(t, false, nil, "-T", "fields", "-e", "cti.info", capture)
	named := 0
	for _, code := range regexp.MustCompile(`cti\.diag\.[a-z_]+`).FindAllString(jsonl.out, -1) {
		if ru := diag.Lookup(code); ru != nil && ru.Severity >= dissect.SeverityWarning && strings.Contains(info.out, ru.Summary) {
			named++
		}
	}
	if named == 0 {
		t.Error("-e cti.info: no finding named in any Info")
	}
}

// A -T fields view holds requests for their answers only when a column
// shows a verdict (or a finding, whose rules read verdicts): the verdict
// columns without -Y must still match the JSON's on a capture with
// unanswered requests.
func TestFieldsVerdictColumnsWithoutFilter(t *testing.T) {
	capture := faultCapture(t)
	jsonl := run(t, false, nil, "-T", "jsonl", capture)
	answered, unanswered := strings.Count(jsonl.out, `"response_in"`), strings.Count(jsonl.out, `"unanswered"`)
	if answered == 0 || unanswered == 0 {
		t.Fatalf("capture of every fault: %d answered and %d unanswered requests in the JSON", answered, unanswered)
	}
	r := run(t, false, nil, "-T", "fields", "-e", "cti.num", "-e", "cti.response_in", "-e", "cti.unanswered", capture)
	if r.e != nil {
		t.Fatalf("%v %s", r.e, r.err)
	}
	gotAnswered, gotUnanswered := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(r.out, "\n"), "\n") {
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			t.Fatalf("line %q: want 3 columns", line)
		}
		if cols[1] != "" {
			gotAnswered++
		}
		if cols[2] != "" {
			gotUnanswered++
		}
	}
	if gotAnswered != answered || gotUnanswered != unanswered {
		t.Errorf("-T fields: %d answered, %d unanswered; the JSON has %d and %d", gotAnswered, gotUnanswered, answered, unanswered)
	}
}
