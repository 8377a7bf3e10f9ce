package render

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// Every view shows a request's answer, an answer's request, and a request
// that was never answered.
func TestPairingInEveryView(t *testing.T) {
	req := mkrec(recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(7)}), 3, time.Second)
	req.Response = &record.Response{Num: 4, Latency: 1500 * time.Microsecond}
	conf := mkrec(recordtest.Build(t, "HEARTBEAT_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(7)}), 4, time.Second+1500*time.Microsecond)
	conf.Request = &record.Request{Num: 3, Latency: 1500 * time.Microsecond}
	lost := mkrec(recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(8)}), 5, 2*time.Second)
	lost.Unanswered = true

	lines := strings.Split(strings.TrimSpace(render(t, FormatJSONL, Options{}, req, conf, lost)), "\n")
	type pairing struct {
		RequestIn    *int     `json:"request_in"`
		ResponseIn   *int     `json:"response_in"`
		ResponseTime *float64 `json:"response_time"`
		Unanswered   bool     `json:"unanswered"`
	}
	var got [3]pairing
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatalf("line %d: %v: %s", i, err, l)
		}
	}
	if g := got[0]; g.ResponseIn == nil || *g.ResponseIn != 4 || g.RequestIn != nil || g.ResponseTime == nil || *g.ResponseTime != 0.0015 {
		t.Errorf("request JSON: %+v", lines[0])
	}
	if g := got[1]; g.RequestIn == nil || *g.RequestIn != 3 || g.ResponseIn != nil || g.ResponseTime == nil || *g.ResponseTime != 0.0015 {
		t.Errorf("confirm JSON: %+v", lines[1])
	}
	if g := got[2]; !g.Unanswered || g.ResponseIn != nil || g.ResponseTime != nil {
		t.Errorf("unanswered JSON: %s", lines[2])
	}

	table := render(t, FormatTable, Options{}, req, conf, lost)
	for _, want := range []string{"[response #4, 1.500 ms]", "[request #3, 1.500 ms]", "[unanswered]"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	tree := render(t, FormatTree, Options{}, req, conf, lost)
	for _, want := range []string{"[Response in: message 4]", "[Request in: message 3]", "[Response time: 1.500 ms]", record.UnansweredCode} {
		if !strings.Contains(tree, want) {
			t.Errorf("tree lacks %q:\n%s", want, tree)
		}
	}
}
