package crosscheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/agents"
	"github.com/ctishark/ctishark/cmd/calls"
	"github.com/ctishark/ctishark/cmd/check"
	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/fields"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/ladder"
	"github.com/ctishark/ctishark/cmd/read"
	"github.com/ctishark/ctishark/cmd/stats"
	"github.com/spf13/cobra"
)

// The commands, run as a user would (real run functions, test streams).

// runJSON runs a command with -T json and decodes what it printed.
func runJSON[T, O any](t *testing.T, newCmd func(*factory.Factory, func(*O) error) *cobra.Command, args ...string) T {
	t.Helper()
	var v T
	out, errOut, err := testutil.Exec(t, newCmd, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut)
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

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
	return runJSON[statsDoc](t, stats.NewCmdStats, args...)
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
	return runJSON[[]callRow](t, calls.NewCmdCalls, args...)
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
	return runJSON[timelineDoc](t, calls.NewCmdCalls, args...)
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
	return runJSON[ladderDoc](t, ladder.NewCmdLadder, args...)
}

type agentDoc struct {
	AgentID string `json:"agent_id"`
	States  []struct {
		State string `json:"state"`
	} `json:"states"`
}

func runAgents(t *testing.T, args ...string) []agentDoc {
	t.Helper()
	return runJSON[[]agentDoc](t, agents.NewCmdAgents, args...)
}

func runFields(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := testutil.Exec(t, fields.NewCmdFields, args...)
	if err != nil {
		t.Fatalf("fields %v: %v\n%s", args, err, errOut)
	}
	return out
}
