package read

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/agents"
	"github.com/ctishark/ctishark/cmd/calls"
	"github.com/ctishark/ctishark/cmd/check"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/stats"
)

// hostile is wire text meant to act on a terminal: an ANSI colour and
// title sequence, BEL, CR (to overwrite the line), a right-to-left
// override and a TAB (to shift columns).
const hostile = "ev\x1b[31mil\x1b]0;pwn\x07\rX\u202eY\tZ"

// hostileSession is an agent session whose AgentID, ANI, DNIS and a call
// variable carry the hostile text.
func hostileSession(t *testing.T) string {
	t.Helper()
	c := newCapture(captureStart)
	c.handshake()
	ms := time.Millisecond
	c.send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 120, "ServicesRequested", 0x05},
		"ClientID", hostile, "AgentExtension", "1001", "AgentID", hostile), ms)
	c.send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 0x05, "Unified CCX Online", 1, "AgentState", 2},
		"AgentExtension", "1001", "AgentID", hostile), 2*ms)
	c.send(false, msg(t, "AGENT_STATE_EVENT", []any{"AgentState", 3}, "AgentExtension", "1001", "AgentID", hostile), 3*ms)
	c.send(false, msg(t, "BEGIN_CALL_EVENT", []any{"CallType", 1, "ConnectionDeviceType", 1, "CallID", 16777217},
		"ConnectionDeviceID", "1001", "ANI", hostile, "DNIS", hostile, "CallVariable2", "a\tb\x1b[2Jc"), time.Second)
	c.send(false, msg(t, "CALL_DELIVERED_EVENT", []any{"ConnectionDeviceType", 1, "CallID", 16777217, "LocalConnectionState", 2, "EventCause", 22},
		"ConnectionDeviceID", "1001", "CallingDeviceID", hostile, "CalledDeviceID", "1001", "ANI", hostile), ms)
	c.send(false, msg(t, "END_CALL_EVENT", []any{"ConnectionDeviceType", 1, "CallID", 16777217}, "ConnectionDeviceID", "1001"), time.Second)
	return writeCapture(t, c.bytes())
}

// rawControl reports a control character (other than the newline ending
// lines) or a bidi override in terminal output.
func rawControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u202e'
	})
}

// Every text view escapes what the wire sends (termtext.Escape): table
// Info, tree values, -T fields cells (TAB included), the calls, agents
// and stats reports and check's report. The escaped form shows up, so
// the text was printed, not dropped.
func TestHostileTextEscaped(t *testing.T) {
	p := hostileSession(t)
	want := `ev\033[31mil\033]0;pwn\a\rX\u202eY\tZ`
	views := map[string]string{}
	for name, args := range map[string][]string{
		"table":  {p},
		"tty":    {"--color", "never", p},
		"tree":   {"-V", p},
		"fields": {"-T", "fields", "-e", "cti.AgentID", "-e", "cti.ANI", "-e", "cti.CallVariable2", p},
	} {
		r := run(t, name == "tty", nil, args...)
		if r.e != nil {
			t.Fatalf("%s: %v %s", name, r.e, r.err)
		}
		views["read "+name] = r.out
	}
	for name, f := range map[string]func(args ...string) (string, string, error){
		"calls":  func(a ...string) (string, string, error) { return testutil.Exec(t, calls.NewCmdCalls, a...) },
		"agents": func(a ...string) (string, string, error) { return testutil.Exec(t, agents.NewCmdAgents, a...) },
		"stats":  func(a ...string) (string, string, error) { return testutil.Exec(t, stats.NewCmdStats, a...) },
	} {
		out, _, err := f(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		views[name] = out
	}
	out, _, _ := testutil.Exec(t, calls.NewCmdCalls, "--call", "16777217", p)
	views["calls --call"] = out
	rules := filepath.Join(t.TempDir(), "r.yaml")
	os.WriteFile(rules, []byte("rules:\n  - sequence: {per: agent, steps: [AGENT_STATE_EVENT, OPEN_REQ]}\n"), 0o644)
	out, _, _ = testutil.Exec(t, check.NewCmdCheck, rules, p)
	views["check"] = out
	for name, out := range views {
		if name == "read fields" {
			out = strings.ReplaceAll(out, "\t", " ") // the column separator
		}
		if rawControl(out) {
			t.Errorf("%s prints raw control characters:\n%q", name, out)
		}
		if name != "stats" && !strings.Contains(out, want) && !strings.Contains(out, `a\tb\033[2Jc`) {
			t.Errorf("%s lacks the escaped text %s:\n%s", name, want, out)
		}
	}
	if !strings.Contains(views["read fields"], `a\tb\033[2Jc`) || strings.Count(views["read fields"], "\t") != 2*strings.Count(views["read fields"], "\n") {
		t.Errorf("fields: the TAB in a value must not add a column:\n%q", views["read fields"])
	}
}
