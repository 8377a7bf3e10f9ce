package doctor

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/capture"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/diag"
)

type jsonDoc struct {
	Messages int            `json:"messages"`
	Rules    int            `json:"rules_checked"`
	Counts   map[string]int `json:"counts"`
	Findings []struct {
		Code     string   `json:"code"`
		Severity string   `json:"severity"`
		Count    int      `json:"count"`
		Messages []int    `json:"messages"`
		Streams  []int    `json:"streams"`
		Agents   []string `json:"agents"`
		Examples []struct {
			Num    int    `json:"num"`
			Detail string `json:"detail"`
		} `json:"examples"`
	} `json:"findings"`
}

func doctor(t *testing.T, args ...string) (jsonDoc, int) {
	t.Helper()
	out, errOut, err := testutil.Exec(t, NewCmdDoctor, append([]string{"-T", "json"}, args...)...)
	var rp jsonDoc
	if jerr := json.Unmarshal([]byte(out), &rp); jerr != nil {
		t.Fatalf("doctor %v: %v (%v %s)\n%s", args, jerr, err, errOut, out)
	}
	return rp, testutil.ExitCode(err)
}

func codes(rp jsonDoc) map[string]int {
	m := map[string]int{}
	for _, f := range rp.Findings {
		m[strings.TrimPrefix(f.Code, diag.Prefix)] = f.Count
	}
	return m
}

// typesByNum decodes the capture (without the doctor) to name each message.
func typesByNum(t *testing.T, path string) map[int]string {
	t.Helper()
	all, err := capture.ReadAll(path, "", capture.WithoutDiagnosis())
	if err != nil {
		t.Fatal(err)
	}
	m := map[int]string{}
	for _, x := range all {
		m[x.Num()] = x.Type()
	}
	return m
}

// onTypes names the message types each rule may fire on.
var onTypes = map[string][]string{
	"version_below_min":             {"OPEN_REQ"},
	"idle_timeout_range":            {"OPEN_REQ", "HEARTBEAT_REQ"},
	"mode_fields":                   {"OPEN_REQ"},
	"services_not_granted":          {"OPEN_CONF"},
	"open_refused":                  {"FAILURE_CONF"},
	"open_retry_too_soon":           {"OPEN_REQ"},
	"open_storm":                    {"OPEN_REQ"},
	"server_not_master":             {"FAILURE_CONF"},
	"failover_reconnect":            {"OPEN_REQ"},
	"heartbeat_missed":              {"HEARTBEAT_REQ"},
	"heartbeat_late":                {"HEARTBEAT_REQ"},
	"session_idle":                  {"HEARTBEAT_REQ"},
	"agent_reason":                  {"AGENT_STATE_EVENT"},
	"foreign_logout":                {"AGENT_STATE_EVENT"},
	"agent_two_sessions":            {"OPEN_REQ"},
	"state_rejected":                {"FAILURE_CONF"},
	"established_without_delivered": {"CALL_ESTABLISHED_EVENT"},
	"cleared_unknown_call":          {"CALL_CLEARED_EVENT"},
	"callid_reuse":                  {"BEGIN_CALL_EVENT"},
	"rtp_mismatch":                  {"RTP_STOPPED_EVENT"},
	"consult_not_completed":         {"END_CALL_EVENT"},
	"request_failed":                {"FAILURE_CONF", "CONTROL_FAILURE_CONF"},
	"request_unanswered":            {"QUERY_AGENT_STATE_REQ"},
	"slow_response":                 {"QUERY_AGENT_STATE_CONF"},
}

// Every rule has a fault that triggers it, and the fault triggers nothing
// else: the default capture it is added to breaks no rule of its own.
func TestEachFaultTriggersItsRules(t *testing.T) {
	covered := map[string]bool{}
	for _, name := range gen.FaultNames() {
		t.Run(name, func(t *testing.T) {
			cfg := gen.DefaultConfig()
			cfg.Faults = []string{name}
			path, _, _ := testutil.Capture(t, cfg)
			rp, code := doctor(t, path)
			want := map[string]bool{}
			for _, c := range gen.FaultCodes(name) {
				want[c] = true
				covered[c] = true
			}
			got := codes(rp)
			for c := range want {
				if got[c] == 0 {
					t.Errorf("fault %s: no %s finding", name, c)
				}
			}
			for c := range got {
				if !want[c] {
					t.Errorf("fault %s: unexpected %s finding", name, c)
				}
			}
			types := typesByNum(t, path)
			for _, f := range rp.Findings {
				c := strings.TrimPrefix(f.Code, diag.Prefix)
				for _, n := range f.Messages {
					if !slices.Contains(onTypes[c], types[n]) {
						t.Errorf("%s on message %d, a %s", c, n, types[n])
					}
				}
			}
			wantExit := 0
			if rp.Counts["error"] > 0 {
				wantExit = 1
			}
			if code != wantExit {
				t.Errorf("exit %d with counts %v", code, rp.Counts)
			}
		})
	}
	for _, ru := range diag.Rules {
		c := strings.TrimPrefix(ru.Code, diag.Prefix)
		if !covered[c] {
			t.Errorf("no fault triggers %s", c)
		}
		if onTypes[c] == nil {
			t.Errorf("the test does not know where %s fires", c)
		}
	}
}

// The sample (the default capture) gives no finding at all, in the report
// and in the table; neither does a capture without calls.
func TestCleanCaptures(t *testing.T) {
	rp, code := doctor(t, "../../testdata/sample.pcap")
	if len(rp.Findings) != 0 || code != 0 || rp.Messages != 395 || rp.Rules != len(diag.Rules) {
		t.Errorf("sample: %v in %d messages, %d rules, exit %d", codes(rp), rp.Messages, rp.Rules, code)
	}
	if out, _, err := testutil.Exec(t, NewCmdDoctor, "../../testdata/sample.pcap"); err != nil || !strings.HasPrefix(out, "No findings: 395 messages") {
		t.Errorf("sample table: %q %v", out, err)
	}
	path, _, _ := testutil.Capture(t, gen.Config{Seed: 8, Agents: 2, Calls: 0, Version: 17, Duration: 2 * time.Minute})
	rp, code = doctor(t, path)
	if len(rp.Findings) != 0 || code != 0 || rp.Messages == 0 {
		t.Errorf("no calls: %+v, exit %d", rp, code)
	}
	out, _, err := testutil.Exec(t, NewCmdDoctor, path)
	if err != nil || !strings.HasPrefix(out, "No findings: ") {
		t.Errorf("table: %q %v", out, err)
	}
}

// A UCCE capture from gen breaks no rule either, at a 1+1 version and a
// 2+2 one: the rules read UCCE's sessions, pairs and calls as UCCX's.
func TestCleanUCCECapture(t *testing.T) {
	for _, v := range []int{18, 20} {
		cfg := gen.DefaultConfig()
		cfg.Dialect, cfg.Version = dissect.DialectUCCE, v
		path, _, res := testutil.Capture(t, cfg)
		rp, code := doctor(t, path)
		if len(rp.Findings) != 0 || code != 0 || rp.Messages != res.NumMsgs {
			t.Errorf("UCCE v%d: %+v, exit %d (%d messages written)", v, rp, code, res.NumMsgs)
		}
	}
}

// With every fault, each code is listed once, ranked by severity then
// count, and doctor exits 1 (there are errors).
func TestReportRanksEveryFinding(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"all"}
	path, _, _ := testutil.Capture(t, cfg)
	rp, code := doctor(t, path)
	if code != 1 || len(rp.Findings) != len(diag.Rules) || rp.Rules != len(diag.Rules) {
		t.Fatalf("exit %d, %d findings of %d rules", code, len(rp.Findings), len(diag.Rules))
	}
	rank := map[string]int{"error": 3, "warning": 2, "note": 1}
	seen := map[string]bool{}
	for i, f := range rp.Findings {
		if seen[f.Code] {
			t.Errorf("%s listed twice", f.Code)
		}
		seen[f.Code] = true
		if r := diag.Lookup(f.Code); r == nil || r.Severity.String() != f.Severity {
			t.Errorf("%s: severity %s", f.Code, f.Severity)
		}
		if i > 0 {
			p := rp.Findings[i-1]
			if rank[p.Severity] < rank[f.Severity] || p.Severity == f.Severity && p.Count < f.Count {
				t.Errorf("%s (%s x%d) ranked after %s (%s x%d)", f.Code, f.Severity, f.Count, p.Code, p.Severity, p.Count)
			}
		}
		if len(f.Messages) == 0 || len(f.Messages) != min(f.Count, 5) || len(f.Streams) == 0 {
			t.Errorf("%s: messages %v streams %v for %d", f.Code, f.Messages, f.Streams, f.Count)
		}
	}
	// The table: errors first, one block per code, the explanation and source.
	out, _, _ := testutil.Exec(t, NewCmdDoctor, path)
	if e, w, n := strings.Index(out, "\nERROR "), strings.Index(out, "\nWARNING "), strings.Index(out, "\nNOTE "); e < 0 || e > w || w > n {
		t.Errorf("table order: error at %d, warning at %d, note at %d", e, w, n)
	}
	for _, ru := range diag.Rules {
		if strings.Count(out, " "+ru.Code+" ") != 1 || !strings.Contains(out, "why: "+ru.Explain) || !strings.Contains(out, "see: "+ru.Source) {
			t.Errorf("table: %s not once with its explanation and source", ru.Code)
		}
	}
}

// The same findings are expert items every command reads: -Y in the Go
// API (and read), and doctor's own -Y narrows its jsonDoc.
func TestFindingsAreExpertItems(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"heartbeat-loss", "silence"}
	path, _, _ := testutil.Capture(t, cfg)
	hb, err := capture.ReadAll(path, "cti.expert == cti.diag.heartbeat_missed")
	if err != nil || len(hb) != 3 {
		t.Fatalf("-Y heartbeat_missed: %d messages, %v", len(hb), err)
	}
	for _, m := range hb {
		if m.Type() != "HEARTBEAT_REQ" || !m.Unanswered() {
			t.Errorf("message %d: %s unanswered %v", m.Num(), m.Type(), m.Unanswered())
		}
	}
	rp, _ := doctor(t, "-Y", "cti.stream == "+strconv.Itoa(hb[0].Stream()), path)
	if got := codes(rp); len(got) != 1 || got["heartbeat_missed"] != 3 {
		t.Errorf("-Y on the heartbeat stream: %v", got)
	}
	if none, _ := capture.ReadAll(path, "cti.expert == cti.diag.heartbeat_missed", capture.WithoutDiagnosis()); len(none) != 0 {
		t.Errorf("WithoutDiagnosis: %d findings", len(none))
	}
}

func TestRuleSelection(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"silence"}
	path, _, _ := testutil.Capture(t, cfg)
	rp, code := doctor(t, "--rule", "heartbeat_late", path)
	if got := codes(rp); len(got) != 1 || got["heartbeat_late"] != 1 || code != 0 || rp.Rules != 1 {
		t.Errorf("--rule heartbeat_late: %v exit %d rules %d", got, code, rp.Rules)
	}
	rp, code = doctor(t, "--skip", "cti.diag.session_idle,request_failed", path)
	if got := codes(rp); len(got) != 1 || got["heartbeat_late"] != 1 || code != 0 {
		t.Errorf("--skip: %v exit %d", got, code)
	}
	for _, args := range [][]string{{"--rule", "nope", path}, {"--rule", "session_idle", "--skip", "session_idle", path}, {path, "-T", "xml"}} {
		if _, _, err := testutil.Exec(t, NewCmdDoctor, args...); testutil.ExitCode(err) != 2 {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	out, _, err := testutil.Exec(t, NewCmdDoctor, "--list-rules")
	if err != nil || strings.Count(out, "\n") != len(diag.Rules) {
		t.Errorf("--list-rules: %v\n%s", err, out)
	}
}

// The request-failed fault's two notes are one failure of each kind, each
// naming the request it answers: the late Answer click and the late
// wrap-up data.
func TestRequestFailedFault(t *testing.T) {
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"request-failed"}
	path, _, _ := testutil.Capture(t, cfg)
	rp, _ := doctor(t, path)
	if got := codes(rp); len(got) != 1 || got["request_failed"] != 2 {
		t.Fatalf("findings %v", got)
	}
	types := typesByNum(t, path)
	f := rp.Findings[0]
	var got []string
	for _, n := range f.Messages {
		got = append(got, types[n])
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"CONTROL_FAILURE_CONF", "FAILURE_CONF"}) {
		t.Errorf("request_failed on %v", got)
	}
	var answered []string
	for _, e := range f.Examples {
		req, _, _ := strings.Cut(e.Detail, " #")
		answered = append(answered, req)
	}
	slices.Sort(answered)
	if !slices.Equal(answered, []string{"ANSWER_CALL_REQ", "SET_CALL_DATA_REQ"}) {
		t.Errorf("failed requests %v", answered)
	}
}
