package stats

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// A capture mixing gen's UCCX and UCCE contact centers: stats lists every
// session once, the UCCE ones with their dialect and why (JSON), and a
// DIALECT column saying which is which; the requests of both sides pair.
func TestMixedDialects(t *testing.T) {
	mx := testutil.MixedCapture(t, 2, 2)
	rep, errOut, err := runStats(t, mx.Path)
	if err != nil {
		t.Fatalf("stats: %v %s", err, errOut)
	}
	if want := mx.UCCX.NumMsgs + mx.UCCE.NumMsgs; rep.Messages != want {
		t.Errorf("%d messages, gen wrote %d", rep.Messages, want)
	}
	if want := len(mx.UCCX.Connections) + len(mx.UCCE.Connections); len(rep.Sessions) != want {
		t.Fatalf("%d sessions, want %d", len(rep.Sessions), want)
	}
	ucce := 0
	for _, s := range rep.Sessions {
		if mx.UCCEClient(s.Client) {
			ucce++
			if s.Dialect != "ucce" || s.Version != 20 || !strings.Contains(s.DialectWhy, "version 20") {
				t.Errorf("UCCE session %s: dialect %q v%d (%q)", s.Client, s.Dialect, s.Version, s.DialectWhy)
			}
		} else if s.Dialect != "" || s.DialectWhy != "" || s.Version != 13 {
			t.Errorf("UCCX session %s: dialect %q v%d (%q)", s.Client, s.Dialect, s.Version, s.DialectWhy)
		}
	}
	if ucce != len(mx.UCCE.Connections) {
		t.Errorf("%d UCCE sessions, gen opened %d", ucce, len(mx.UCCE.Connections))
	}
	answered := 0
	for _, q := range rep.Requests {
		answered += q.Answered
		if q.Unanswered != 0 {
			t.Errorf("%s: %d unanswered", q.Type, q.Unanswered)
		}
	}
	pairs := 0 // gen's pairs by InvokeID (CONFIG_KEY_EVENT answers without one)
	for _, p := range slices.Concat(mx.UCCX.Pairs, mx.UCCE.Pairs) {
		if p.InvokeID != 0 {
			pairs++
		}
	}
	if answered != pairs {
		t.Errorf("%d requests answered, gen paired %d by InvokeID", answered, pairs)
	}

	out, _, err := testutil.Exec(t, NewCmdStats, mx.Path)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^  \d+\s+(\S+)\s+\S+\s+(\d+)\s+(UCCE|UCCX)\s`)
	rows := row.FindAllStringSubmatch(out, -1)
	if len(rows) != len(rep.Sessions) || !strings.Contains(out, " VERSION  DIALECT  MODE ") {
		t.Fatalf("sessions table without a DIALECT column for each session:\n%s", out)
	}
	for _, r := range rows {
		if want := map[bool]string{true: "UCCE", false: "UCCX"}[mx.UCCEClient(r[1])]; r[3] != want {
			t.Errorf("session %s: DIALECT %s, want %s", r[1], r[3], want)
		}
	}

	// A UCCX-only capture keeps its table: no DIALECT column.
	path, _, _ := generate(t, gen.DefaultConfig())
	if out, _, err := testutil.Exec(t, NewCmdStats, path); err != nil || strings.Contains(out, "DIALECT") {
		t.Errorf("UCCX capture: %v\n%s", err, out)
	}
}
