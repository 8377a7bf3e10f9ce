package crosscheck

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/capture"
	"github.com/ctishark/ctishark/dissect"
)

// The six disagreements of issue 12, each pinned by a test that failed
// before the fix.

// 1. stats -Y 'cti.msg_type == HEARTBEAT_REQ' reported every heartbeat
// unanswered (it paired the filtered records, which hold no confirm)
// while read -Y and check -Y showed each answered.
func TestRegressionStatsPairsBeforeFiltering(t *testing.T) {
	path, _, res := sample(t, t.TempDir())
	want := res.Counts["HEARTBEAT_REQ"]
	const hb = "cti.msg_type == HEARTBEAT_REQ"
	sent, answered, _, unanswered := runStats(t, "-Y", hb, path).request("HEARTBEAT_REQ")
	if sent != want || answered != want || unanswered != 0 || want == 0 {
		t.Errorf("stats -Y: %d sent, %d answered, %d unanswered; want all %d answered", sent, answered, unanswered, want)
	}
	in := readColumn(t, "cti.response_in", "-Y", hb, path)
	if len(in) != want || slices.Contains(in, "") {
		t.Errorf("read -Y: response_in of %d heartbeats %q, want %d answered", len(in), in, want)
	}
	out, code := runCheck(t, "rules:\n  - answered_within: 100ms\n", "-Y", hb, path)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d requests answered within 100ms", want)) {
		t.Errorf("check -Y (exit %d):\n%s", code, out)
	}
}

// 2. With one HEARTBEAT_CONF lost (a capture gap), check's answered_within
// passed ("24 requests answered"), stats said 23 answered and 1
// unanswered, and read -Y cti.unanswered printed nothing: the request held
// the look-ahead past its time and went out with no verdict.
func TestRegressionLostConfirmIsUnansweredEverywhere(t *testing.T) {
	dir := t.TempDir()
	_, data, res := sample(t, dir)
	lost, reqNum, frame := lostConfirm(t, data, res)
	path := write(t, dir, "drop.pcap", lost)
	hbs := res.Counts["HEARTBEAT_REQ"]

	out, code := runCheck(t, "rules:\n  - filter: cti.msg_type == HEARTBEAT_REQ\n    answered_within: 100ms\n", path)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("1 of %d requests not answered within 100ms", hbs)) ||
		!strings.Contains(out, fmt.Sprintf("#%d HEARTBEAT_REQ never answered", reqNum)) {
		t.Errorf("check without frame %d (exit %d):\n%s", frame, code, out)
	}
	sent, answered, _, unanswered := runStats(t, path).request("HEARTBEAT_REQ")
	if sent != hbs || answered != hbs-1 || unanswered != 1 {
		t.Errorf("stats: %d sent, %d answered, %d unanswered; want %d, %d, 1", sent, answered, unanswered, hbs, hbs-1)
	}
	if got := readNums(t, "-Y", "cti.unanswered", path); !slices.Equal(got, []string{strconv.Itoa(reqNum)}) {
		t.Errorf("read -Y cti.unanswered: %v, want [%d]", got, reqNum)
	}
	msgs, err := capture.ReadAll(path, "cti.msg_type == HEARTBEAT_REQ")
	if err != nil {
		t.Fatal(err)
	}
	var api []int
	for _, m := range msgs {
		if m.Unanswered() {
			api = append(api, m.Num())
		}
	}
	if !slices.Equal(api, []int{reqNum}) {
		t.Errorf("capture API: unanswered %v, want [%d]", api, reqNum)
	}
}

// 3. calls merged different calls that share a CallID (CCX reuses them):
// across captures a row carried one file's caller and agent and the
// other's last-seen time; within one capture a CallID used again after
// its call ended extended the old row.
func TestRegressionReusedCallIDIsANewCall(t *testing.T) {
	dir := t.TempDir()
	_, data, _ := sample(t, dir)
	a, b := write(t, dir, "day1.pcap", data), write(t, dir, "day2.pcap", data)
	one := runCalls(t, a)
	two := runCalls(t, a, b)
	if len(one) == 0 || len(two) != 2*len(one) {
		t.Fatalf("%d calls in one capture, %d in two copies of it", len(one), len(two))
	}
	for i, r := range one {
		for j, f := range []string{a, b} {
			got := two[i+j*len(one)]
			if got.CallID != r.CallID || got.ANI != r.ANI || got.End != r.End || got.Agent != r.Agent || got.File != f {
				t.Errorf("call %d of %s: %+v, want %+v", r.CallID, f, got, r)
			}
		}
	}

	rows := runCalls(t, write(t, dir, "reuse.pcap", reuse(t)))
	var anis []string
	for _, r := range rows {
		if r.CallID == 7 && r.End == "cleared" {
			anis = append(anis, r.ANI)
		}
	}
	if len(rows) != 2 || !slices.Equal(anis, []string{"3125550101", "3125550202"}) {
		t.Errorf("CallID 7 used twice: %+v", rows)
	}
}

// consultPair finds, in calls' rows, a call with a consult leg.
func consultPair(t *testing.T, rows []callRow) (call, leg uint32) {
	t.Helper()
	for _, r := range rows {
		for _, l := range r.Links {
			if l.Kind == "consult" {
				for _, o := range rows {
					if o.CallID == l.CallID && slices.ContainsFunc(o.Links, func(x struct {
						CallID uint32 `json:"call_id"`
						Kind   string `json:"kind"`
					}) bool {
						return x.CallID == r.CallID
					}) && o.End == "transferred" {
						return r.CallID, o.CallID
					}
				}
			}
		}
	}
	t.Fatal("no transferred consult leg in the capture")
	return 0, 0
}

// 4. ladder --call 16777516 left out the consult leg 16777517 that calls
// links to it.
func TestRegressionCallFollowsLinkedLegs(t *testing.T) {
	path, _, _ := sample(t, t.TempDir())
	call, leg := consultPair(t, runCalls(t, path))
	id := strconv.Itoa(int(call))

	tl := runTimeline(t, "--call", id, path)
	var legNums []int
	for _, e := range tl.Events {
		if e.CallID == leg {
			legNums = append(legNums, e.Num)
		}
	}
	if len(legNums) == 0 || len(tl.Legs) != 1 || tl.Legs[0].CallID != leg {
		t.Fatalf("calls --call %s: legs %+v, %d messages of leg %d", id, tl.Legs, len(legNums), leg)
	}
	drawn := map[int]bool{}
	for _, a := range runLadder(t, "--call", id, path).Arrows {
		drawn[a.Num] = true
	}
	for _, n := range legNums {
		if !drawn[n] {
			t.Errorf("ladder --call %s leaves out #%d of consult leg %d", id, n, leg)
		}
	}

	// --no-linked: the call alone, in both.
	alone := runTimeline(t, "--call", id, "--no-linked", path)
	for _, e := range alone.Events {
		if e.CallID != call {
			t.Errorf("calls --no-linked shows #%d of call %d", e.Num, e.CallID)
		}
	}
	if len(alone.Legs) != 0 || len(alone.Events) >= len(tl.Events) {
		t.Errorf("calls --no-linked: %d legs, %d of %d messages", len(alone.Legs), len(alone.Events), len(tl.Events))
	}
	only := map[int]bool{}
	for _, a := range runLadder(t, "--call", id, "--no-linked", path).Arrows {
		only[a.Num] = true
	}
	for _, e := range tl.Events {
		if e.CallID == leg && e.Type == "CALL_ORIGINATED_EVENT" && only[e.Num] {
			t.Errorf("ladder --no-linked draws #%d %s of the leg", e.Num, e.Type)
		}
	}
}

// 5. -Y 'cti.time_relative < 0' matched a message -e cti.time_relative
// printed as 0.000000; cti.frame worked with -e but not in -Y and was
// missing from ctishark fields (as were cti.file and cti.info).
func TestRegressionMetadataFieldsMeanTheSameEverywhere(t *testing.T) {
	path := write(t, t.TempDir(), "backwards.pcap", backwards(t))
	if got := readNums(t, "-Y", "cti.time_relative < 0", path); len(got) != 0 {
		t.Errorf("-Y cti.time_relative < 0 matches %v", got)
	}
	rel := readColumn(t, "cti.time_relative", path)
	var zero []string
	for i, v := range rel {
		if v == "0.000000" {
			zero = append(zero, strconv.Itoa(i+1))
		}
	}
	if got := readNums(t, "-Y", "cti.time_relative == 0", path); !slices.Equal(got, zero) || len(zero) == 0 {
		t.Errorf("-Y cti.time_relative == 0 matches %v; -e prints 0.000000 for %v (of %v)", got, zero, rel)
	}
	frames := readColumn(t, "cti.frame", path)
	for i, f := range frames {
		if got := readNums(t, "-Y", "cti.frame == "+f, path); !slices.Equal(got, []string{strconv.Itoa(i + 1)}) {
			t.Errorf("-Y cti.frame == %s matches %v, want [%d]", f, got, i+1)
		}
	}
	if got := readColumn(t, "cti.file", "-c", "1", path); !slices.Equal(got, []string{path}) {
		t.Errorf("-e cti.file: %q", got)
	}
	info := readColumn(t, "cti.info", path)
	if got := readNums(t, "-Y", `cti.info == "`+info[2]+`"`, path); !slices.Equal(got, []string{"3"}) {
		t.Errorf("-Y cti.info == %q matches %v", info[2], got)
	}
	list := runFields(t)
	for _, name := range []string{"cti.frame", "cti.file", "cti.info", "cti.time_relative"} {
		if !strings.Contains(list, "\n"+name+"\t") {
			t.Errorf("ctishark fields does not list %s", name)
		}
	}
}

// isRequest says whether a message type is answered by InvokeID.
func isRequest(name string) bool {
	d := dissect.LookupName(name)
	return d != nil && d.Kind == dissect.KindRequest && slices.ContainsFunc(d.Fixed, func(f dissect.FieldDef) bool { return f.Name == "InvokeID" })
}

// 6. CONFIG_REQUEST_EVENT and CONFIG_REQUEST_KEY_EVENT counted as requests
// in stats and check ("62 requests") though nothing answers them by
// InvokeID.
func TestRegressionConfigRequestsAreNoRequests(t *testing.T) {
	path, _, res := sample(t, t.TempDir())
	if res.Counts["CONFIG_REQUEST_EVENT"] == 0 || res.Counts["CONFIG_REQUEST_KEY_EVENT"] == 0 {
		t.Fatalf("the sample should ask for configuration: %v", res.Counts)
	}
	want := 0
	for _, m := range res.Messages {
		if isRequest(m.Type) {
			want++
		}
	}
	st := runStats(t, path)
	total := 0
	for _, q := range st.Requests {
		if strings.HasPrefix(q.Type, "CONFIG_REQUEST") {
			t.Errorf("stats counts %s as a request", q.Type)
		}
		total += q.Sent
	}
	out, _ := runCheck(t, "rules:\n  - answered_within: 1h\n", path)
	if total != want || !strings.Contains(out, fmt.Sprintf(" %d requests answered within 1h0m0s", want)) {
		t.Errorf("%d requests by InvokeID; stats sent %d; check:\n%s", want, total, out)
	}
}

// The Go API names calls and agents as the commands do: the two calls
// with CallID 7 of the reuse capture are two call numbers, and a bridge
// session's messages are about no agent unless they name one.
func TestAPICallAndAgentKeys(t *testing.T) {
	msgs, err := capture.ReadAll(write(t, t.TempDir(), "reuse.pcap", reuse(t)), "cti.msg_type == BEGIN_CALL_EVENT")
	if err != nil || len(msgs) != 2 {
		t.Fatalf("%d BEGIN_CALL_EVENTs, %v", len(msgs), err)
	}
	a, b := msgs[0].Calls(), msgs[1].Calls()
	if len(a) != 1 || len(b) != 1 || a[0].CallID != 7 || b[0].CallID != 7 || a[0].N == b[0].N {
		t.Errorf("calls of the two BEGIN_CALL_EVENTs: %+v, %+v", a, b)
	}
	if ag := msgs[0].Agent(); ag != "" {
		t.Errorf("bridge message about agent %q", ag)
	}
	// An agent desktop's heartbeats are about the agent it logged in.
	path, _, res := sample(t, t.TempDir())
	hbs, err := capture.ReadAll(path, "cti.msg_type == HEARTBEAT_REQ")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, m := range hbs {
		c := res.Connections[m.Stream()]
		if m.Agent() != c.AgentID {
			t.Errorf("#%d on a %s session of %q: agent %q", m.Num(), c.Mode, c.AgentID, m.Agent())
		}
		if c.AgentID != "" {
			checked++
		}
	}
	if checked == 0 {
		t.Error("no agent-mode heartbeat checked")
	}
}
