package crosscheck

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/capture"
)

// verdict is what read says about one request.
type verdict struct {
	num                          int
	typ                          string
	answered, failed, unanswered bool
}

// readRequests reads every message's number, type, answer and unanswered
// mark through read -T fields and returns the requests.
func readRequests(t *testing.T, files []string) []verdict {
	t.Helper()
	out := runRead(t, append([]string{"-T", "fields", "-e", "cti.num", "-e", "cti.msg_type", "-e", "cti.response_in", "-e", "cti.unanswered"}, files...)...)
	types := map[string]string{}
	var reqs []verdict
	var answers []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		c := strings.Split(line, "\t")
		if len(c) != 4 || c[0] == "" {
			continue // a stream event
		}
		types[c[0]] = c[1]
		if !isRequest(c[1]) {
			continue
		}
		n, _ := strconv.Atoi(c[0])
		reqs = append(reqs, verdict{num: n, typ: c[1], answered: c[2] != "", unanswered: c[3] == "1"})
		answers = append(answers, c[2])
	}
	for i, a := range answers {
		if a != "" {
			typ := types[a]
			reqs[i].failed = typ == "FAILURE_CONF" || typ == "CONTROL_FAILURE_CONF"
		}
	}
	return reqs
}

// The commands agree about the same captures: one with nothing lost
// (failures, consult transfers and conferences), one with a lost confirm
// behind a capture gap, a purpose-built one with a reused CallID, an
// unanswered request and a FAILURE_CONF, and two captures read together.
func TestCommandsAgree(t *testing.T) {
	dir := t.TempDir()
	path, data, res := sample(t, dir)
	lost, _, _ := lostConfirm(t, data, res)
	sets := map[string][]string{
		"sample": {path},
		"lost":   {write(t, dir, "lost.pcap", lost)},
		"reuse":  {write(t, dir, "reuse.pcap", reuse(t))},
		"two":    {write(t, dir, "a.pcap", data), write(t, dir, "b.pcap", data)},
	}
	for name, files := range sets {
		t.Run(name, func(t *testing.T) {
			requestsAgree(t, files)
			filtersAgree(t, files)
			reportsFollowAnalysis(t, files)
		})
	}
}

// requestsAgree: read's pairing verdicts, stats' request table, check's
// answered_within, the ladder's UNANSWERED marks and the Go API.
func requestsAgree(t *testing.T, files []string) {
	reqs := readRequests(t, files)
	type tally struct{ sent, answered, failed, unanswered int }
	want := map[string]*tally{}
	var total tally
	for _, q := range reqs {
		w := want[q.typ]
		if w == nil {
			w = &tally{}
			want[q.typ] = w
		}
		for _, tl := range []*tally{w, &total} {
			tl.sent++
			if q.answered {
				tl.answered++
			}
			if q.failed {
				tl.failed++
			}
			if q.unanswered {
				tl.unanswered++
			}
		}
	}
	st := runStats(t, files...)
	if len(st.Requests) != len(want) {
		t.Errorf("stats lists %d request types, read shows %d", len(st.Requests), len(want))
	}
	for typ, w := range want {
		s, a, f, u := st.request(typ)
		if (tally{s, a, f, u}) != *w {
			t.Errorf("%s: stats sent/answered/failed/unanswered %d/%d/%d/%d, read %+v", typ, s, a, f, u, *w)
		}
	}
	out, _ := runCheck(t, "rules:\n  - answered_within: 1h\n", files...)
	verdict := fmt.Sprintf(": %d requests answered within 1h0m0s", total.sent-total.unanswered)
	if total.unanswered > 0 {
		verdict += fmt.Sprintf(" (%d still open at the capture's end, not judged)", total.unanswered)
	}
	if !strings.Contains(out, verdict+"\n") {
		t.Errorf("check says\n%swant %q", out, verdict)
	}
	marks := 0
	for _, a := range runLadder(t, files...).Arrows {
		if a.Unanswered {
			marks++
		}
	}
	if marks != total.unanswered {
		t.Errorf("ladder marks %d arrows UNANSWERED, read %d", marks, total.unanswered)
	}
	if len(files) != 1 {
		return
	}
	msgs, err := capture.ReadAll(files[0], "")
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, m := range msgs {
		if !isRequest(m.Type()) {
			continue
		}
		if i >= len(reqs) || reqs[i].num != m.Num() || reqs[i].answered != m.Answered() || reqs[i].unanswered != m.Unanswered() {
			t.Fatalf("Go API: request #%d answered %v unanswered %v; read %+v", m.Num(), m.Answered(), m.Unanswered(), reqs[min(i, len(reqs)-1)])
		}
		i++
	}
	if i != len(reqs) {
		t.Errorf("Go API: %d requests, read %d", i, len(reqs))
	}
}

// filtersAgree: the same -Y selects the same messages in read, stats,
// check and the Go API, analysis fields included.
func filtersAgree(t *testing.T, files []string) {
	for _, f := range []string{
		"cti.unanswered",
		"cti.response_time > 0.005",
		"cti.request_in && cti.msg_type != HEARTBEAT_CONF",
		"cti.msg_type == AGENT_STATE_EVENT || cti.msg_type == FAILURE_CONF",
		"cti.stream == 1",
		"cti.time_relative < 60",
	} {
		n := len(readNums(t, "-Y", f, files[0]))
		if got := runStats(t, "-Y", f, files[0]).Messages; got != n {
			t.Errorf("-Y %q: stats counts %d messages, read shows %d", f, got, n)
		}
		rules := fmt.Sprintf("rules:\n  - count: {filter: '%s', value: %d}\n", f, n)
		if out, code := runCheck(t, rules, files[0]); code != 0 {
			t.Errorf("-Y %q: read shows %d; check:\n%s", f, n, out)
		}
		msgs, err := capture.ReadAll(files[0], f)
		if err != nil || len(msgs) != n {
			t.Errorf("-Y %q: Go API %d messages (%v), read %d", f, len(msgs), err, n)
		}
	}
}

// reportsFollowAnalysis: calls and agents compute over the whole capture,
// so a filter that keeps everything they read changes nothing, and calls
// shown for part of the capture are rows of the whole.
func reportsFollowAnalysis(t *testing.T, files []string) {
	all := runCalls(t, files...)
	if got := runCalls(t, append([]string{"-Y", "cti.msg_type matches \"CALL|AGENT\""}, files...)...); !reflect.DeepEqual(got, all) {
		t.Errorf("calls -Y keeping every call event: %d rows, %d without", len(got), len(all))
	}
	part := runCalls(t, append([]string{"-Y", "cti.stream == 0"}, files...)...)
	for _, r := range part {
		found := false
		for _, a := range all {
			found = found || reflect.DeepEqual(a, r)
		}
		if !found {
			t.Errorf("calls -Y 'cti.stream == 0' shows %+v, not a row of the whole capture", r)
		}
	}
	ag := runAgents(t, files...)
	if got := runAgents(t, append([]string{"-Y", "cti.msg_type == AGENT_STATE_EVENT"}, files...)...); !reflect.DeepEqual(got, ag) && len(ag) > 0 {
		t.Errorf("agents -Y keeping every state change differs from agents")
	}
}
