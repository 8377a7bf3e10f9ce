package stats

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect/diag"
)

type jsonReport struct {
	Messages int `json:"messages"`
	Types    []struct {
		Type      string `json:"type"`
		Direction string `json:"direction"`
		Count     int    `json:"count"`
	} `json:"message_types"`
	Requests []struct {
		Type       string `json:"type"`
		Sent       int    `json:"sent"`
		Answered   int    `json:"answered"`
		Failed     int    `json:"failed"`
		Unanswered int    `json:"unanswered"`
		Min        int64  `json:"min_us"`
		Mean       int64  `json:"mean_us"`
		P50        int64  `json:"p50_us"`
		P95        int64  `json:"p95_us"`
		Max        int64  `json:"max_us"`
	} `json:"requests"`
	Failures []struct {
		Type   string `json:"type"`
		Status string `json:"status"`
		Count  int    `json:"count"`
	} `json:"failures"`
	Sessions []struct {
		Stream            int    `json:"stream"`
		Client            string `json:"client"`
		Mode              string `json:"mode"`
		ClientID          string `json:"client_id"`
		IdleTimeout       int64  `json:"idle_timeout_us"`
		Heartbeats        int    `json:"heartbeats"`
		HeartbeatInterval int64  `json:"heartbeat_interval_us"`
		IdleViolations    int    `json:"idle_violations"`
		Version           int    `json:"version"`
		Dialect           string `json:"dialect"`
		DialectWhy        string `json:"dialect_why"`
	} `json:"sessions"`
}

func generate(t *testing.T, cfg gen.Config) (string, []byte, gen.Result) {
	t.Helper()
	return testutil.Capture(t, cfg)
}

func runStats(t *testing.T, args ...string) (jsonReport, string, error) {
	t.Helper()
	out, errOut, err := testutil.Exec(t, NewCmdStats, append([]string{"-T", "json"}, args...)...)
	var rep jsonReport
	if jerr := json.Unmarshal([]byte(out), &rep); jerr != nil {
		t.Fatalf("output is not one JSON document: %v\n%s", jerr, out)
	}
	return rep, errOut, err
}

type latencies struct {
	n, failed     int
	min, max, sum time.Duration
}

// expected groups the generator's request/confirm pairs by request type
// (pairs without InvokeID are event exchanges the pipeline does not pair).
func expected(pairs []gen.Pair) map[string]*latencies {
	want := map[string]*latencies{}
	for _, p := range pairs {
		if p.InvokeID == 0 {
			continue
		}
		l := want[p.Request]
		if l == nil {
			l = &latencies{min: p.Latency, max: p.Latency}
			want[p.Request] = l
		}
		l.n++
		l.sum += p.Latency
		l.min = min(l.min, p.Latency)
		l.max = max(l.max, p.Latency)
		if p.Failed {
			l.failed++
		}
	}
	return want
}

func TestResponseTimesMatchGenerator(t *testing.T) {
	for _, cfg := range []gen.Config{gen.DefaultConfig(), {Seed: 7, Agents: 5, Calls: 40, Version: 18, Duration: 20 * time.Minute}} {
		path, _, res := generate(t, cfg)
		rep, _, err := runStats(t, path)
		if err != nil {
			t.Fatal(err)
		}
		want := expected(res.Pairs)
		seen := 0
		for _, q := range rep.Requests {
			w := want[q.Type]
			if w == nil {
				if q.Answered != 0 {
					t.Errorf("%s: %d answered, the generator paired none", q.Type, q.Answered)
				}
				continue
			}
			seen++
			if q.Answered != w.n || q.Failed != w.failed || q.Unanswered != 0 ||
				q.Min != w.min.Microseconds() || q.Max != w.max.Microseconds() || q.Mean != (w.sum/time.Duration(w.n)).Microseconds() {
				t.Errorf("%s: answered %d failed %d unanswered %d min %d mean %d max %d µs; want %d %d 0 %d %d %d",
					q.Type, q.Answered, q.Failed, q.Unanswered, q.Min, q.Mean, q.Max,
					w.n, w.failed, w.min.Microseconds(), (w.sum / time.Duration(w.n)).Microseconds(), w.max.Microseconds())
			}
			if q.P50 < q.Min || q.P50 > q.P95 || q.P95 > q.Max {
				t.Errorf("%s: quantiles out of order: min %d p50 %d p95 %d max %d", q.Type, q.Min, q.P50, q.P95, q.Max)
			}
		}
		if seen != len(want) {
			t.Errorf("%d request types reported with answers, the generator has %d", seen, len(want))
		}
		// Message counts by type and direction.
		counts := map[[2]string]int{}
		for _, m := range res.Messages {
			dir := "server->client"
			if m.FromClient {
				dir = "client->server"
			}
			counts[[2]string{m.Type, dir}]++
		}
		for _, c := range rep.Types {
			k := [2]string{c.Type, c.Direction}
			if counts[k] != c.Count {
				t.Errorf("%s %s: %d messages, want %d", c.Type, c.Direction, c.Count, counts[k])
			}
			delete(counts, k)
		}
		if len(counts) != 0 || rep.Messages != res.NumMsgs {
			t.Errorf("missing types %v; %d messages, want %d", counts, rep.Messages, res.NumMsgs)
		}
	}
}

func TestFailuresAndSessions(t *testing.T) {
	path, _, res := generate(t, gen.DefaultConfig())
	rep, _, err := runStats(t, path)
	if err != nil {
		t.Fatal(err)
	}
	failures := map[string]int{}
	for _, p := range res.Pairs {
		if p.Failed {
			failures[p.Response]++
		}
	}
	for _, f := range rep.Failures {
		if f.Status == "" {
			t.Errorf("%s without a status name", f.Type)
		}
		failures[f.Type] -= f.Count
	}
	for k, n := range failures {
		if n != 0 {
			t.Errorf("%s: %d failures not reported as such", k, n)
		}
	}
	if len(rep.Sessions) != len(res.Connections) {
		t.Fatalf("%d sessions, want %d", len(rep.Sessions), len(res.Connections))
	}
	for i, s := range rep.Sessions {
		c := res.Connections[i]
		var hb []time.Time
		for _, m := range res.Messages {
			if m.Conn == i && m.Type == "HEARTBEAT_REQ" {
				hb = append(hb, m.Time)
			}
		}
		wantHB := (hb[len(hb)-1].Sub(hb[0]) / time.Duration(len(hb)-1)).Microseconds()
		if s.Client != c.Client.String() || s.Mode != c.Mode || s.ClientID != c.ClientID || s.Heartbeats != len(hb) ||
			s.HeartbeatInterval != wantHB || s.IdleTimeout != (4*gen.HeartbeatInterval).Microseconds() || s.IdleViolations != 0 {
			t.Errorf("session %d: %+v; want client %s mode %s id %s, %d heartbeats every %d µs, idle 100 s, no violation",
				i, s, c.Client, c.Mode, c.ClientID, len(hb), wantHB)
		}
	}
}

// cutAfter keeps the first n packets of a classic pcap.
func cutAfter(t *testing.T, pcap []byte, n int) []byte {
	t.Helper()
	off := 24
	for i := 0; i < n; i++ {
		incl := int(binary.LittleEndian.Uint32(pcap[off+8:]))
		off += 16 + incl
	}
	return pcap[:off]
}

func TestUnansweredRequests(t *testing.T) {
	_, data, res := generate(t, gen.DefaultConfig())
	// Cut the capture right after a request whose confirm comes a few
	// packets later: that request, and every other one still waiting at
	// that point, is unanswered.
	var cut int
	for _, p := range res.Pairs {
		if p.Request == "HOLD_CALL_REQ" {
			cut = p.RequestFrame
		}
	}
	if cut == 0 {
		t.Fatal("the sample has no HOLD_CALL_REQ")
	}
	want := map[string]int{}
	for _, p := range res.Pairs {
		if p.InvokeID != 0 && p.RequestFrame <= cut && p.ResponseFrame > cut {
			want[p.Request]++
		}
	}
	t.Logf("cut after packet %d: unanswered %v", cut, want)
	path := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(path, cutAfter(t, data, cut), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, _, err := runStats(t, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range rep.Requests {
		if q.Unanswered != want[q.Type] {
			t.Errorf("%s: %d unanswered, want %d", q.Type, q.Unanswered, want[q.Type])
		}
		delete(want, q.Type)
	}
	if len(want) != 0 || rep.Messages == 0 {
		t.Errorf("not reported: %v", want)
	}
}

func TestBadInput(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.pcap")
	os.WriteFile(path, []byte("not a capture at all"), 0o644)
	rep, stderr, err := runStats(t, path)
	var se *factory.SilentError
	if !errorsAs(err, &se) || se.Code != factory.ExitError || stderr == "" || rep.Messages != 0 {
		t.Errorf("junk input: err %v, stderr %q, %d messages", err, stderr, rep.Messages)
	}
}

// stats lists the doctor's findings by code with the other expert items:
// the agent fault's five system-reason state changes (desktop, Finesse
// session and bridge copies), its refused state change, and none of them
// on the clean capture.
func TestFindingsByCode(t *testing.T) {
	count := func(cfg gen.Config) map[string]int {
		path, _, _ := generate(t, cfg)
		out, _, err := testutil.Exec(t, NewCmdStats, "-T", "json", path)
		var doc struct {
			Expert []struct {
				Code     string `json:"code"`
				Severity string `json:"severity"`
				Count    int    `json:"count"`
			} `json:"expert"`
		}
		if err != nil || json.Unmarshal([]byte(out), &doc) != nil {
			t.Fatalf("stats: %v\n%s", err, out)
		}
		m := map[string]int{}
		for _, e := range doc.Expert {
			if strings.HasPrefix(e.Code, diag.Prefix) {
				m[e.Code+" "+e.Severity] = e.Count
			}
		}
		return m
	}
	if got := count(gen.DefaultConfig()); len(got) != 0 {
		t.Errorf("clean: %v", got)
	}
	cfg := gen.DefaultConfig()
	cfg.Faults = []string{"agent", "request-failed"}
	got := count(cfg)
	if len(got) != 5 || got[diag.CodeAgentReason+" note"] != 5 || got[diag.CodeStateRejected+" warning"] != 1 || got[diag.CodeForeignLogout+" warning"] != 1 ||
		got[diag.CodeAgentTwoSessions+" warning"] != 1 || got[diag.CodeRequestFailed+" note"] != 2 {
		t.Errorf("agent and request-failed faults: %v", got)
	}
}
