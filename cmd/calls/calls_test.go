package calls

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

type call struct {
	CallID   uint32 `json:"call_id"`
	First    string `json:"first_seen"`
	ANI      string `json:"ani"`
	DNIS     string `json:"dnis"`
	CSQID    uint32 `json:"csq_id"`
	AgentID  string `json:"agent_id"`
	Answered string `json:"answered"`
	Ended    string `json:"ended"`
	Duration int64  `json:"duration_us"`
	End      string `json:"end"`
	Sessions int    `json:"sessions"`
	Links    []struct {
		CallID    uint32 `json:"call_id"`
		Kind      string `json:"kind"`
		Direction string `json:"direction"`
	} `json:"links"`
	Vars []struct{ Name, Value string } `json:"variables"`
}

func generate(t *testing.T, cfg gen.Config) (string, gen.Result) {
	t.Helper()
	path, _, res := testutil.Capture(t, cfg)
	return path, res
}

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return testutil.Exec(t, NewCmdCalls, args...)
}

func jt(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

func TestCallsMatchGenerator(t *testing.T) {
	for _, cfg := range []gen.Config{gen.DefaultConfig(), {Seed: 3, Agents: 4, Calls: 30, Version: 16, Duration: 15 * time.Minute}} {
		path, res := generate(t, cfg)
		out, _, err := run(t, "-T", "json", path)
		if err != nil {
			t.Fatal(err)
		}
		var got []call
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		byID := map[uint32]call{}
		for _, c := range got {
			byID[c.CallID] = c
		}
		kinds := map[uint32]string{}
		for _, w := range res.Calls {
			kinds[w.CallID] = w.Kind
		}
		chains := 0
		for _, w := range res.Calls {
			c, ok := byID[w.CallID]
			if !ok {
				t.Errorf("call %d (%s) missing", w.CallID, w.Kind)
				continue
			}
			if c.ANI != w.ANI || c.DNIS != w.DNIS || c.AgentID != w.AgentID || c.Answered != jt(w.Answered) || c.Ended != jt(w.Cleared) {
				t.Errorf("call %d (%s):\n got ani %s dnis %s agent %s answered %s ended %s\nwant ani %s dnis %s agent %s answered %s ended %s",
					w.CallID, w.Kind, c.ANI, c.DNIS, c.AgentID, c.Answered, c.Ended, w.ANI, w.DNIS, w.AgentID, jt(w.Answered), jt(w.Cleared))
			}
			if w.Kind != "consult" && (c.CSQID != w.CSQID || c.First != jt(w.Offered)) {
				t.Errorf("call %d: csq %d first %s, want %d %s", w.CallID, c.CSQID, c.First, w.CSQID, jt(w.Offered))
			}
			from := w.Answered
			if from.IsZero() {
				from = w.Offered
			}
			if c.Duration != w.Cleared.Sub(from).Microseconds() {
				t.Errorf("call %d: duration %d µs, want %d", w.CallID, c.Duration, w.Cleared.Sub(from).Microseconds())
			}
			wantEnd := "cleared"
			switch {
			case w.Kind == "abandoned" || w.Kind == "lateanswer":
				wantEnd = "abandoned"
			case w.Kind == "consult" && kinds[w.RelatedCallID] == "transfer":
				wantEnd = "transferred"
			case w.Kind == "consult" && kinds[w.RelatedCallID] == "conference":
				wantEnd = "conferenced"
			}
			if c.End != wantEnd {
				t.Errorf("call %d (%s): end %q, want %q", w.CallID, w.Kind, c.End, wantEnd)
			}
			if w.Kind == "consult" {
				chains++
				merge := map[string]string{"transfer": "transfer", "conference": "conference"}[kinds[w.RelatedCallID]]
				if !hasLink(c, w.RelatedCallID, "consult", "to") || merge != "" && !hasLink(c, w.RelatedCallID, merge, "to") {
					t.Errorf("consult call %d: links %+v, want → %d (consult, %s)", w.CallID, c.Links, w.RelatedCallID, merge)
				}
				orig := byID[w.RelatedCallID]
				if merge != "" && !hasLink(orig, w.CallID, merge, "from") {
					t.Errorf("call %d: links %+v, want ← %d (%s)", orig.CallID, orig.Links, w.CallID, merge)
				}
			}
		}
		if chains == 0 {
			t.Error("no consult chain in the capture: the test proves nothing")
		}
		if len(got) != len(res.Calls) {
			t.Errorf("%d calls, the generator made %d", len(got), len(res.Calls))
		}
	}
}

func hasLink(c call, id uint32, kind, dir string) bool {
	for _, l := range c.Links {
		if l.CallID == id && l.Kind == kind && l.Direction == dir {
			return true
		}
	}
	return false
}

func TestTimelineShowsVariableChangesOnce(t *testing.T) {
	path, res := generate(t, gen.DefaultConfig())
	var id uint32
	for _, c := range res.Calls {
		if c.Kind == "setdata" {
			id = c.CallID
		}
	}
	out, _, err := run(t, "-T", "json", "--call", itoa(id), path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Call   call `json:"call"`
		Events []struct {
			Num     int                            `json:"num"`
			Type    string                         `json:"msg_type"`
			Changed []struct{ Name, Value string } `json:"variables_changed"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// Replaying the changes must give the final variables, and no change
	// may repeat the value it replaces.
	vars := map[string]string{}
	changes := 0
	for _, e := range doc.Events {
		for _, v := range e.Changed {
			if old, ok := vars[v.Name]; ok && old == v.Value {
				t.Errorf("message %d repeats %s=%s", e.Num, v.Name, v.Value)
			}
			vars[v.Name] = v.Value
			changes++
		}
	}
	if changes == 0 || len(doc.Call.Vars) != len(vars) {
		t.Fatalf("%d changes, final variables %v vs replayed %v", changes, doc.Call.Vars, vars)
	}
	for _, v := range doc.Call.Vars {
		if vars[v.Name] != v.Value {
			t.Errorf("%s: final %q, replayed %q", v.Name, v.Value, vars[v.Name])
		}
	}
	// Every message of the capture naming the call is in the timeline.
	n := 0
	for _, m := range res.Messages {
		if m.CallID == id {
			n++
		}
	}
	if len(doc.Events) < n {
		t.Errorf("%d timeline entries, the generator wrote %d messages naming call %d", len(doc.Events), n, id)
	}
	table, _, err := run(t, "--call", itoa(id), path)
	if err != nil || !strings.Contains(table, "SET_CALL_DATA_REQ") && !strings.Contains(table, "CALL_DATA_UPDATE_EVENT") {
		t.Errorf("table timeline: %v\n%s", err, table)
	}
}

func TestUnknownCallAndUsage(t *testing.T) {
	path, _ := generate(t, gen.DefaultConfig())
	if _, stderr, err := run(t, "--call", "42", path); err == nil || !strings.Contains(stderr, "42") {
		t.Errorf("unknown call: err %v stderr %q", err, stderr)
	}
	var ue *factory.UsageError
	if _, _, err := run(t, "--call", "x", path); !asUsage(err, &ue) {
		t.Errorf("--call x: %v, want a usage error", err)
	}
}

func TestActiveAtCaptureEnd(t *testing.T) {
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, gen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	first := res.Calls[0]
	// Keep the packets up to the first call's answer.
	var last gen.Message
	for _, m := range res.Messages {
		if !m.Time.After(first.Answered) {
			last = m
		}
	}
	data := buf.Bytes()
	off := 24
	for i := 0; i < last.Frame; i++ {
		off += 16 + int(uint32(data[off+8])|uint32(data[off+9])<<8|uint32(data[off+10])<<16|uint32(data[off+11])<<24)
	}
	path := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(path, data[:off], 0o644)
	out, _, err := run(t, "-T", "json", path)
	if err != nil {
		t.Fatal(err)
	}
	var got []call
	json.Unmarshal([]byte(out), &got)
	if len(got) == 0 || got[0].CallID != first.CallID || got[0].End != "active" || got[0].Ended != "" ||
		got[0].Duration != last.Time.Sub(first.Answered).Microseconds() {
		t.Errorf("cut at the answer of call %d: %+v; want it active for %d µs", first.CallID, got, last.Time.Sub(first.Answered).Microseconds())
	}
}

// calls -T csv is the JSON document as rows: the same calls, ids, times
// and durations (seconds), with a header of the JSON keys.
func TestCallsCSV(t *testing.T) {
	path, _ := generate(t, gen.DefaultConfig())
	js, _, err := run(t, "-T", "json", path)
	if err != nil {
		t.Fatal(err)
	}
	var calls []call
	if err := json.Unmarshal([]byte(js), &calls); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "-T", "csv", path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(calls)+1 || rows[0][0] != "call_id" || rows[0][13] != "duration_s" {
		t.Fatalf("%d rows for %d calls, header %v", len(rows), len(calls), rows[0])
	}
	for i, c := range calls {
		r := rows[i+1]
		secs, _ := strconv.ParseFloat(r[13], 64)
		if r[0] != itoa(c.CallID) || r[2] != c.First || r[4] != c.ANI || r[11] != c.Answered || int64(secs*1e6+0.5) != c.Duration || r[14] != c.End {
			t.Errorf("row %d %v\nvs JSON %+v", i+1, r, c)
		}
	}
	if _, _, err := run(t, "-T", "csv", "--call", "1", path); testutil.ExitCode(err) != 2 {
		t.Errorf("-T csv --call: %v", err)
	}
}

// The calls table gives dates with its times and people's durations.
func TestCallsTableDatesAndDurations(t *testing.T) {
	path, _ := generate(t, gen.DefaultConfig())
	out, _, err := run(t, path)
	if err != nil {
		t.Fatal(err)
	}
	row := strings.Split(out, "\n")[1]
	if !regexp.MustCompile(`^\d+\s+2026-03-02 \d\d:\d\d:\d\d\.\d{6}\s`).MatchString(row) || !regexp.MustCompile(`\s\d+m\d\d\.\d{3}s\s|\s\d+\.\d{3}s\s`).MatchString(row) {
		t.Errorf("row without a date or a readable duration: %q", row)
	}
}
