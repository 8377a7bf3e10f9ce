package check

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/cmd/read"
	"github.com/ctishark/ctishark/dissect"
)

type result0 struct {
	out, err string
	code     int
}

// run executes `check` through NewCmdCheck and the real checkRun.
func run(t *testing.T, args ...string) result0 {
	t.Helper()
	out, e, err := testutil.Exec(t, NewCmdCheck, args...)
	if err != nil && err.Error() != "" {
		e += err.Error()
	}
	return result0{out, e, testutil.ExitCode(err)}
}

// generated writes a capture from cfg and returns its path and what gen says it holds.
func generated(t *testing.T, cfg gen.Config) (string, gen.Result) {
	t.Helper()
	p, _, res := testutil.Capture(t, cfg)
	return p, res
}

// failing is the default scenario plus the request-failed fault: the
// sample itself has no failed request.
func failing() gen.Config {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"request-failed"}
	return cfg
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// verdicts returns the PASS/FAIL word of each rule line of a report.
func verdicts(out string) []string {
	var v []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "PASS ") || strings.HasPrefix(l, "FAIL ") {
			v = append(v, l[:4])
		}
	}
	return v
}

func TestCheckAgainstGeneratedFacts(t *testing.T) {
	capture, res := generated(t, failing())
	var maxLat time.Duration
	for _, p := range res.Pairs {
		if p.InvokeID != 0 { // CONFIG_REQUEST_KEY_EVENT is an event, not a request
			maxLat = max(maxLat, p.Latency)
		}
	}
	requests := 0
	for _, m := range res.Messages {
		// Requests are what an answer names by InvokeID: not
		// CONFIG_REQUEST_EVENT or CONFIG_REQUEST_KEY_EVENT.
		d := dissect.LookupName(m.Type)
		if d != nil && d.Kind == dissect.KindRequest && slices.ContainsFunc(d.Fixed, func(f dissect.FieldDef) bool { return f.Name == "InvokeID" }) {
			requests++
		}
	}
	slowAt := maxLat - time.Microsecond
	slow := 0
	for _, p := range res.Pairs {
		if p.InvokeID != 0 && p.Latency > slowAt {
			slow++
		}
	}
	failures := res.Counts["FAILURE_CONF"] + res.Counts["CONTROL_FAILURE_CONF"] + res.Counts["FAILURE_EVENT"]
	states := res.Counts["AGENT_STATE_EVENT"]
	if failures == 0 || states == 0 || requests == 0 {
		t.Fatalf("the capture should have failures, agent states and requests: %v", res.Counts)
	}
	dir := t.TempDir()
	rules := writeFile(t, dir, "rules.yaml", fmt.Sprintf(`rules:
  - answered_within: %s
  - answered_within: %s
  - count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', value: %d}
  - count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', op: ">", value: %d}
  - name: state events on stream 1 only
    filter: cti.stream == 1
    count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', op: "<", value: %d}
  - no_failures: {}
  - no_expert: error
`, maxLat, slowAt, states, states, states))
	r := run(t, rules, capture)
	if r.code != 1 {
		t.Fatalf("exit %d, want 1:\n%s%s", r.code, r.out, r.err)
	}
	want := []string{"PASS", "FAIL", "PASS", "FAIL", "PASS", "FAIL", "PASS"}
	if got := verdicts(r.out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("verdicts %v, want %v:\n%s", got, want, r.out)
	}
	for _, s := range []string{
		fmt.Sprintf("%d requests answered within %s", requests, maxLat),
		fmt.Sprintf("%d of %d requests not answered within %s", slow, requests, slowAt),
		fmt.Sprintf("count is %d, want > %d", states, states),
		fmt.Sprintf("%d failure messages", failures),
		"(rules.yaml:4)",
		"state events on stream 1 only (rules.yaml:6)",
		fmt.Sprintf("%d rules: 4 passed, 3 failed", len(want)),
	} {
		if !strings.Contains(r.out, s) {
			t.Errorf("report lacks %q:\n%s", s, r.out)
		}
	}
	// The failure lines name the offending messages by number and type.
	for _, p := range res.Pairs {
		if p.Failed && !strings.Contains(r.out, " "+p.Response) {
			t.Errorf("report does not list the %s answering %s", p.Response, p.Request)
		}
	}

	// Allowing every code the report named makes no_failures pass.
	var codes []string
	for _, l := range strings.Split(r.out, "\n") {
		if f := strings.Fields(l); len(f) >= 3 && strings.HasSuffix(f[1], "FAILURE_CONF") {
			codes = append(codes, f[2])
		}
	}
	allow := writeFile(t, dir, "allow.yaml", fmt.Sprintf("- no_failures: {allow: [%s]}\n- no_failures: {allow: [%s]}\n", strings.Join(codes, ", "), codes[0]))
	r = run(t, allow, capture)
	if got := verdicts(r.out); len(got) != 2 || got[0] != "PASS" || (got[1] == "PASS") != (failures == 1) {
		t.Fatalf("allow: %v\n%s", got, r.out)
	}
}

// TestSequence checks two-step per-call sequences against gen's message
// list: a (connection, call) group fails when its last first-step message
// is not followed by the second step (with two steps nothing can come
// early, so open cycles are the only failures).
func TestSequence(t *testing.T) {
	capture, res := generated(t, gen.DefaultConfig())
	type key struct {
		conn int
		call uint32
	}
	open := func(first, second string) int {
		st := map[key]bool{}
		for _, m := range res.Messages {
			k := key{m.Conn, m.CallID}
			switch m.Type {
			case first:
				st[k] = true
			case second:
				st[k] = false
			}
		}
		n := 0
		for _, o := range st {
			if o {
				n++
			}
		}
		return n
	}
	fwd, rev := open("BEGIN_CALL_EVENT", "END_CALL_EVENT"), open("END_CALL_EVENT", "BEGIN_CALL_EVENT")
	if rev == 0 {
		t.Fatal("no END_CALL_EVENT in the capture")
	}
	dir := t.TempDir()
	rules := writeFile(t, dir, "seq.yaml", `rules:
  - sequence: {per: call, steps: [BEGIN_CALL_EVENT, END_CALL_EVENT]}
  - sequence: {per: call, steps: [END_CALL_EVENT, BEGIN_CALL_EVENT]}
  - sequence: {per: stream, steps: [OPEN_REQ, OPEN_CONF]}
  - sequence: {per: stream, steps: [OPEN_CONF, OPEN_REQ]}
`)
	r := run(t, rules, capture)
	want := "FAIL FAIL PASS FAIL"
	if fwd == 0 {
		want = "PASS FAIL PASS FAIL"
	}
	if got := verdicts(r.out); strings.Join(got, " ") != want {
		t.Fatalf("verdicts %v, want %s:\n%s", got, want, r.out)
	}
	for _, s := range []string{
		fmt.Sprintf("%d broken sequences", rev),
		"BEGIN_CALL_EVENT never came",
		fmt.Sprintf("%d complete cycles", len(res.Connections)),
		fmt.Sprintf("%d broken sequences", len(res.Connections)),
	} {
		if !strings.Contains(r.out, s) {
			t.Errorf("report lacks %q:\n%s", s, r.out)
		}
	}
	if fwd > 0 && !strings.Contains(r.out, fmt.Sprintf("%d broken sequences", fwd)) {
		t.Errorf("want %d open BEGIN/END cycles:\n%s", fwd, r.out)
	}
}

// TestGolden makes a golden file with `read -T jsonl -Y`, then checks the
// same capture (pass), a capture with other timing (fail, unless times
// and InvokeIDs are ignored... and they are not the only difference) and
// an edited golden line (fail naming the key, pass when it is ignored).
func TestGolden(t *testing.T) {
	capture, _ := generated(t, gen.DefaultConfig())
	const expr = `cti.msg_type == "AGENT_STATE_EVENT"`
	ios, _, out, _ := iostreams.Test()
	cmd := read.NewCmdRead(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs([]string{"-T", "jsonl", "-Y", expr, capture})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "states.jsonl", out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// Edit line 3: another time and another AgentState value.
	edited := append([]string(nil), lines...)
	edited[2] = strings.Replace(edited[2], `"time":"2026-03-02T`, `"time":"2027-03-02T`, 1)
	writeFile(t, dir, "time.jsonl", strings.Join(edited, "\n")+"\n")
	short := strings.Join(lines[:len(lines)-2], "\n") + "\n"
	writeFile(t, dir, "short.jsonl", short)

	rules := writeFile(t, dir, "golden.yaml", fmt.Sprintf(`rules:
  - {filter: '%[1]s', golden: states.jsonl}
  - {filter: '%[1]s', golden: time.jsonl}
  - {filter: '%[1]s', golden: time.jsonl, ignore: [time]}
  - {filter: '%[1]s', golden: short.jsonl}
  - {golden: states.jsonl}
`, expr))
	r := run(t, rules, capture)
	if got := verdicts(r.out); strings.Join(got, " ") != "PASS FAIL PASS FAIL FAIL" {
		t.Fatalf("verdicts %v:\n%s", got, r.out)
	}
	for _, s := range []string{
		fmt.Sprintf("%d messages equal", len(lines)),
		"time.jsonl:3: time is \"2026-03-02T",
		"short.jsonl ends at line",
	} {
		if !strings.Contains(r.out, s) {
			t.Errorf("report lacks %q:\n%s", s, r.out)
		}
	}

	// Another seed decodes differently; ignoring time and InvokeID does
	// not hide that.
	cfg := gen.DefaultConfig()
	cfg.Seed = 7
	other, _ := generated(t, cfg)
	r = run(t, writeFile(t, dir, "g2.yaml", fmt.Sprintf("- {filter: '%s', golden: states.jsonl, ignore: [time, cti.InvokeID]}\n", expr)), other)
	if r.code != 1 || !strings.Contains(r.out, "differs from") {
		t.Fatalf("other seed: exit %d\n%s", r.code, r.out)
	}
}

func TestJUnit(t *testing.T) {
	capture, res := generated(t, failing())
	dir := t.TempDir()
	rules := writeFile(t, dir, "ci.yaml", fmt.Sprintf(`rules:
  - name: states
    count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', value: %d}
  - name: no failures
    no_failures: {}
`, res.Counts["AGENT_STATE_EVENT"]))
	report := filepath.Join(dir, "report.xml")
	r := run(t, "--junit", report, rules, capture)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, data)
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("JUnit shape: %+v", doc)
	}
	c := doc.Suites[0].Cases
	if c[0].Name != "states" || c[0].Failure != nil {
		t.Errorf("first case: %+v", c[0])
	}
	f := c[1].Failure
	if c[1].Name != "no failures" || f == nil || f.Type != "no_failures" || !strings.Contains(f.Message, "failure messages") ||
		!strings.Contains(f.Text, "ci.yaml:4:") || !strings.Contains(f.Text, "messages: ") {
		t.Errorf("failing case: %+v %+v", c[1], f)
	}
}

func TestRulesErrors(t *testing.T) {
	capture, _ := generated(t, gen.DefaultConfig())
	dir := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"rules:\n  - name: x\n    count: {op: \"=<\", value: 1}\n", `bad.yaml:3: unknown op "=<"`},
		{"rules:\n  - no_expert: error\n  - colour: red\n", `bad.yaml:3: unknown key "colour"`},
		{"rules:\n  - answered_within: soon\n", `bad.yaml:2: answered_within "soon" is not a positive duration`},
		{"rules:\n  - name: x\n", "bad.yaml:2: rule without an assertion"},
		{"rules:\n  - no_expert: error\n    count: {value: 1}\n", "bad.yaml:3: a rule has one assertion"},
		{"rules:\n  - filter: 'cti.msg_type =='\n    no_expert: error\n", "bad.yaml:2: filter:"},
		// A bad filter is pointed at on its own line, not the rule's.
		{"rules:\n  - name: x\n    filter: 'cti.msg_type =='\n    no_expert: error\n", "bad.yaml:3: filter:"},
		{"rules:\n  - name: x\n    count:\n      filter: 'cti.num =='\n      value: 1\n", "bad.yaml:4: count filter:"},
		{"rules:\n  - count: {value: many}\n", `bad.yaml:2: count value "many"`},
		{"rules:\n  - sequence: {per: call, steps: [A_EVENT, B]}\n", "bad.yaml:2: sequence step A_EVENT is not a message type"},
		{"rules:\n  - golden: missing.jsonl\n", "bad.yaml:2: golden:"},
		{"rules: [\n", "bad.yaml:"},
		{"", "bad.yaml: empty rules file"},
	} {
		p := writeFile(t, dir, "bad.yaml", tc.text)
		r := run(t, p, capture)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.text, r.code, r.err, tc.want)
		}
	}
	good := writeFile(t, dir, "good.yaml", "- no_expert: error\n")
	if r := run(t, good, filepath.Join(dir, "nope.pcap")); r.code != 2 || !strings.Contains(r.err, "nope.pcap") {
		t.Errorf("missing capture: exit %d %q", r.code, r.err)
	}
	if r := run(t, good, good); r.code != 2 || !strings.Contains(r.err, "not a pcap") {
		t.Errorf("not a capture: exit %d %q", r.code, r.err)
	}
	if r := run(t, good); r.code != 2 {
		t.Errorf("no capture: exit %d", r.code)
	}
	if r := run(t, good, capture); r.code != 0 || !strings.Contains(r.out, "1 rule: 1 passed, 0 failed") {
		t.Errorf("passing run: exit %d\n%s", r.code, r.out)
	}
}

// -Y scopes every rule: a count without its own filter sees only the
// messages -Y keeps, and a bad -Y is a usage error.
func TestGlobalDisplayFilter(t *testing.T) {
	capture, res := generated(t, gen.DefaultConfig())
	states := res.Counts["AGENT_STATE_EVENT"]
	if states == 0 || states == len(res.Messages) {
		t.Fatalf("the default capture should hold agent states among other messages: %v", res.Counts)
	}
	rules := writeFile(t, t.TempDir(), "rules.yaml", fmt.Sprintf("rules:\n  - count: {value: %d}\n", states))
	if r := run(t, "-Y", `cti.msg_type == "AGENT_STATE_EVENT"`, rules, capture); r.code != 0 {
		t.Fatalf("with -Y: exit %d, want 0:\n%s%s", r.code, r.out, r.err)
	}
	if r := run(t, rules, capture); r.code != 1 {
		t.Fatalf("without -Y: exit %d, want 1:\n%s%s", r.code, r.out, r.err)
	}
	if r := run(t, "-Y", "cti.msg_type ==", rules, capture); r.code != 2 {
		t.Fatalf("bad -Y: exit %d, want 2:\n%s%s", r.code, r.out, r.err)
	}
}

// A golden "file" that never ends (/dev/urandom, a device or a FIFO) is
// refused at once instead of read forever.
func TestGoldenNotARegularFile(t *testing.T) {
	capture, _ := generated(t, gen.DefaultConfig())
	dir := t.TempDir()
	rules := writeFile(t, dir, "g.yaml", "- {golden: /dev/urandom}\n")
	r := run(t, rules, capture)
	if r.code != 2 || !strings.Contains(r.out+r.err, "not a regular file") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.out, r.err)
	}
}

// check's no_expert sees the doctor's findings: a capture whose client goes
// silent past its IdleTimeout (an error-level cti.diag.session_idle) fails
// no_expert: error; the same capture without the fault passes.
func TestNoExpertSeesDiagFindings(t *testing.T) {
	dir := t.TempDir()
	rules := writeFile(t, dir, "rules.yaml", "rules:\n  - no_expert: error\n")
	clean, _ := generated(t, gen.DefaultConfig())
	if r := run(t, rules, clean); r.code != 0 || !slices.Equal(verdicts(r.out), []string{"PASS"}) {
		t.Errorf("clean: exit %d\n%s%s", r.code, r.out, r.err)
	}
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"silence"}
	silent, _ := generated(t, cfg)
	if r := run(t, rules, silent); r.code != 1 || !slices.Equal(verdicts(r.out), []string{"FAIL"}) {
		t.Errorf("silence: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
