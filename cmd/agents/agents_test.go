package agents

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

type agent struct {
	AgentID   string `json:"agent_id"`
	Extension string `json:"extension"`
	States    []struct {
		State    string `json:"state"`
		Reason   string `json:"reason"`
		Start    string `json:"start"`
		Duration int64  `json:"duration_us"`
		Open     bool   `json:"open"`
	} `json:"states"`
	Totals []struct {
		State    string `json:"state"`
		Spans    int    `json:"spans"`
		Duration int64  `json:"duration_us"`
	} `json:"totals"`
}

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return testutil.Exec(t, NewCmdAgents, args...)
}

func TestStateDurationsMatchGenerator(t *testing.T) {
	for _, cfg := range []gen.Config{gen.DefaultConfig(), {Seed: 11, Agents: 6, Calls: 25, Version: 18, Duration: 10 * time.Minute}} {
		path, _, res := testutil.Capture(t, cfg)
		out, _, err := run(t, "-T", "json", path)
		if err != nil {
			t.Fatal(err)
		}
		var got []agent
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		end := res.Messages[len(res.Messages)-1].Time // the last message: the capture end as the command sees it
		want := map[string][]gen.AgentStateChange{}
		for _, s := range res.AgentStates {
			want[s.AgentID] = append(want[s.AgentID], s)
		}
		if len(got) != len(want) {
			t.Errorf("%d agents, want %d", len(got), len(want))
		}
		for _, a := range got {
			w := want[a.AgentID]
			if len(a.States) != len(w) {
				t.Errorf("%s: %d states, want %d", a.AgentID, len(a.States), len(w))
				continue
			}
			totals := map[string]int64{}
			for i, s := range a.States {
				next := end
				if i+1 < len(w) {
					next = w[i+1].Time
				}
				d := next.Sub(w[i].Time).Microseconds()
				totals[w[i].State] += d
				if s.State != w[i].State || s.Duration != d || s.Open != (i == len(w)-1) || (w[i].ReasonCode == 0) != (s.Reason == "none") {
					t.Errorf("%s state %d: %s %s %d µs open %v; want %s (reason %d) %d µs", a.AgentID, i, s.State, s.Reason, s.Duration, s.Open, w[i].State, w[i].ReasonCode, d)
				}
			}
			for _, tot := range a.Totals {
				if tot.Duration != totals[tot.State] {
					t.Errorf("%s total %s: %d µs, want %d", a.AgentID, tot.State, tot.Duration, totals[tot.State])
				}
			}
			if a.Extension != w[0].Extension {
				t.Errorf("%s: extension %s, want %s", a.AgentID, a.Extension, w[0].Extension)
			}
		}
	}
}

func TestAgentFilter(t *testing.T) {
	path, _, res := testutil.Capture(t, gen.DefaultConfig())
	id := res.AgentStates[0].AgentID
	out, _, err := run(t, "--agent", id, path)
	if err != nil || !strings.Contains(out, "Agent "+id) || strings.Count(out, "Agent ") != 1 || !strings.Contains(out, "open") {
		t.Errorf("--agent %s: %v\n%s", id, err, out)
	}
	if _, stderr, err := run(t, "--agent", "nobody", path); err == nil || !strings.Contains(stderr, "nobody") {
		t.Errorf("unknown agent: %v %q", err, stderr)
	}
}
