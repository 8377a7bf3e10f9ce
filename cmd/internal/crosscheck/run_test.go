package crosscheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/agents"
	"github.com/ctishark/ctishark/cmd/calls"
	"github.com/ctishark/ctishark/cmd/check"
	"github.com/ctishark/ctishark/cmd/fields"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/ladder"
	"github.com/ctishark/ctishark/cmd/read"
	"github.com/ctishark/ctishark/cmd/stats"
)

// The commands, run as a user would (real run functions, test streams).

func runRead(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := testutil.Exec(t, read.NewCmdRead, args...)
	if err != nil {
		t.Fatalf("read %v: %v\n%s", args, err, errOut)
	}
	return out
}

// readColumn runs read -T fields with one -e and returns the lines.
func readColumn(t *testing.T, field string, args ...string) []string {
	t.Helper()
	out := runRead(t, append([]string{"-T", "fields", "-e", field}, args...)...)
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// readNums is the message numbers read prints for args (a -Y and files).
func readNums(t *testing.T, args ...string) []string {
	t.Helper()
	out := runRead(t, append([]string{"-T", "fields", "-e", "cti.num"}, args...)...)
	return strings.Fields(out)
}

type statsDoc struct {
	Messages int `json:"messages"`
	Requests []struct {
		Type       string `json:"type"`
		Sent       int    `json:"sent"`
		Answered   int    `json:"answered"`
		Failed     int    `json:"failed"`
		Unanswered int    `json:"unanswered"`
	} `json:"requests"`
	Sessions []struct {
		Stream   int `json:"stream"`
		Messages int `json:"messages"`
	} `json:"sessions"`
}

func runStats(t *testing.T, args ...string) statsDoc {
	t.Helper()
	out, errOut, err := testutil.Exec(t, stats.NewCmdStats, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("stats %v: %v\n%s", args, err, errOut)
	}
	var d statsDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// request is stats' row of one request type (zero when absent).
func (d statsDoc) request(typ string) (sent, answered, failed, unanswered int) {
	for _, q := range d.Requests {
		if q.Type == typ {
			return q.Sent, q.Answered, q.Failed, q.Unanswered
		}
	}
	return
}

// runCheck writes rules and runs check; it returns the report and the
// exit code.
func runCheck(t *testing.T, rules string, args ...string) (string, int) {
	t.Helper()
	path := write(t, t.TempDir(), "rules.yaml", []byte(rules))
	out, errOut, err := testutil.Exec(t, check.NewCmdCheck, append([]string{path}, args...)...)
	code := testutil.ExitCode(err)
	if code == 2 {
		t.Fatalf("check: %v\n%s%s", err, out, errOut)
	}
	return out, code
}

type callRow struct {
	CallID uint32 `json:"call_id"`
	File   string `json:"file"`
	ANI    string `json:"ani"`
	End    string `json:"end"`
	Agent  string `json:"agent_id"`
	Links  []struct {
		CallID uint32 `json:"call_id"`
		Kind   string `json:"kind"`
	} `json:"links"`
}

func runCalls(t *testing.T, args ...string) []callRow {
	t.Helper()
	out, errOut, err := testutil.Exec(t, calls.NewCmdCalls, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("calls %v: %v\n%s", args, err, errOut)
	}
	var rows []callRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

type timelineDoc struct {
	Call   callRow   `json:"call"`
	Legs   []callRow `json:"legs"`
	Events []struct {
		Num    int    `json:"num"`
		CallID uint32 `json:"call_id"`
		Type   string `json:"msg_type"`
	} `json:"events"`
}

func runTimeline(t *testing.T, args ...string) timelineDoc {
	t.Helper()
	out, errOut, err := testutil.Exec(t, calls.NewCmdCalls, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("calls %v: %v\n%s", args, err, errOut)
	}
	var d timelineDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

type ladderDoc struct {
	Arrows []struct {
		Num        int    `json:"num"`
		Type       string `json:"msg_type"`
		Kind       string `json:"kind"`
		Unanswered bool   `json:"unanswered"`
	} `json:"arrows"`
}

func runLadder(t *testing.T, args ...string) ladderDoc {
	t.Helper()
	out, errOut, err := testutil.Exec(t, ladder.NewCmdLadder, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("ladder %v: %v\n%s", args, err, errOut)
	}
	var d ladderDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

type agentDoc struct {
	AgentID string `json:"agent_id"`
	States  []struct {
		State string `json:"state"`
	} `json:"states"`
}

func runAgents(t *testing.T, args ...string) []agentDoc {
	t.Helper()
	out, errOut, err := testutil.Exec(t, agents.NewCmdAgents, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("agents %v: %v\n%s", args, err, errOut)
	}
	var d []agentDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func runFields(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := testutil.Exec(t, fields.NewCmdFields, args...)
	if err != nil {
		t.Fatalf("fields %v: %v\n%s", args, err, errOut)
	}
	return out
}
