package crosscheck

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/cmd/read"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// A request with more than the look-ahead window of traffic after it
// (here 5,000 messages within a second) leaves the window before its
// verdict. It used to pass as answered: check's answered_within passed
// ("1 requests answered") and read flagged nothing. Now every command says
// it went unanswered: check fails, stats counts it, read -T jsonl marks it
// released and says at the end how it ended.
func TestRegressionReleasedRequestIsNotAnswered(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 7)) // #1, never answered
	for range 5000 {
		c.T = c.T.Add(100 * time.Microsecond)
		c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 99)) // answers nothing
	}
	c.T = c.T.Add(10 * time.Second)
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 99)) // answers nothing
	path := write(t, t.TempDir(), "released.pcap", ctitest.Pcap(ctitest.Ethernet, c.Segs))

	out, code := runCheck(t, "rules:\n  - filter: cti.msg_type == HEARTBEAT_REQ\n    answered_within: 5s\n", path)
	if code != 1 || !strings.Contains(out, "#1 HEARTBEAT_REQ never answered") {
		t.Errorf("check passed a request that was never answered (exit %d):\n%s", code, out)
	}
	if sent, answered, _, unanswered := runStats(t, path).request("HEARTBEAT_REQ"); sent != 1 || answered != 0 || unanswered != 1 {
		t.Errorf("stats: %d sent, %d answered, %d unanswered; want 1, 0, 1", sent, answered, unanswered)
	}
	stdout, _, err := testutil.Exec(t, read.NewCmdRead, "-T", "jsonl", "-c", "1", path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, `"released":true`) || strings.Contains(stdout, `"response_in"`) {
		t.Errorf("read shows the request as %s", stdout)
	}
	_, stderr, _ := testutil.Exec(t, read.NewCmdRead, "-T", "jsonl", path)
	if !strings.Contains(stderr, "0 answered later, 1 unanswered (#1)") {
		t.Errorf("read's stderr lacks the late verdict: %q", stderr)
	}
}

// An answer stamped before its request (clocks going backwards) gave a
// negative response time in read and the ladder and 0.000 in stats. Now
// every view counts it as 0, and the answer carries cti.time.backwards.
func TestRegressionBackwardsTimeIsNoNegativeLatency(t *testing.T) {
	path := write(t, t.TempDir(), "backwards.pcap", backwards(t))
	out := runRead(t, "-T", "fields", "-e", "cti.num", "-e", "cti.response_time", "-e", "cti.expert", "-Y", "cti.msg_type == HEARTBEAT_CONF", path)
	if strings.Contains(out, "-") || !strings.Contains(out, "cti.time.backwards") {
		t.Errorf("read: %q", out)
	}
	if strings.Contains(runRead(t, "-T", "fields", "-e", "cti.response_time", path), "-") {
		t.Error("a request shows a negative response time")
	}
}

// A request released by the look-ahead and answered right after must
// count as answered in stats. Its late verdict came from the reading
// goroutine while stats was still adding records on its own, so the
// verdict could arrive before the request (and was then dropped), and
// two goroutines wrote stats' maps. Verdicts now travel behind the
// records, to the same goroutine.
func TestRegressionReleasedThenAnsweredCountsAnswered(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	for i := range 3 {
		invoke := uint64(7 + i)
		c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", invoke))
		for range 4200 { // past the look-ahead's 4,096 records
			c.T = c.T.Add(10 * time.Microsecond)
			c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 99)) // answers nothing
		}
		c.T = c.T.Add(time.Millisecond)
		c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", invoke))
	}
	capture := ctitest.Pcap(ctitest.Ethernet, c.Segs)
	path := write(t, t.TempDir(), "released-answered.pcap", capture)

	// The pipeline itself: each verdict comes after its request was
	// handed out, on the callback's goroutine (the callback is slow, so
	// a verdict that overtook the records would be seen doing so).
	handed := map[int]bool{}
	verdicts := 0
	opts := pipeline.Options{Lookahead: true, Async: true, Parallel: true, Recycle: true,
		OnVerdict: func(v record.Verdict) {
			if !handed[v.Num] {
				t.Errorf("the verdict on #%d came before the request", v.Num)
			}
			verdicts++
		}}
	src, err := reassembly.OpenReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	if err := pipeline.New(opts).Read(src, func(r *pipeline.Record) error {
		if r.Released {
			time.Sleep(20 * time.Millisecond)
		}
		handed[r.Num] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if verdicts != 3 {
		t.Errorf("%d late verdicts, want 3", verdicts)
	}
	if sent, answered, _, unanswered := runStats(t, path).request("HEARTBEAT_REQ"); sent != 3 || answered != 3 || unanswered != 0 {
		t.Errorf("stats: %d sent, %d answered, %d unanswered; want 3, 3, 0", sent, answered, unanswered)
	}
}
