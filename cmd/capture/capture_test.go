package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

func generate(t *testing.T) (string, []byte, gen.Result) {
	t.Helper()
	return testutil.Capture(t, gen.DefaultConfig())
}

// TestMessagesMatchGen checks numbering, types, times, directions and
// packets of every message against gen's own list.
func TestMessagesMatchGen(t *testing.T) {
	path, _, res := generate(t)
	msgs, err := ReadAll(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(res.Messages) {
		t.Fatalf("%d messages, gen wrote %d", len(msgs), len(res.Messages))
	}
	for i, m := range msgs {
		g := res.Messages[i]
		pk := m.Packets()
		if m.Num() != i+1 || m.Type() != g.Type || !m.Time().Equal(g.Time) || m.FromClient() != g.FromClient ||
			pk[0] != g.FirstFrame || pk[len(pk)-1] != g.Frame {
			t.Fatalf("message %d: %d %s %v client=%v %v; gen %+v", i+1, m.Num(), m.Type(), m.Time(), m.FromClient(), pk, g)
		}
		if g.InvokeID != 0 {
			if v, ok := m.Uint("InvokeID"); !ok || v != uint64(g.InvokeID) {
				t.Fatalf("message %d InvokeID %d %v, gen %d", i+1, v, ok, g.InvokeID)
			}
		}
	}
}

// TestPairsAndStates checks response times against gen's pairs and the
// READY counts the example prints against gen's agent states.
func TestPairsAndStates(t *testing.T) {
	path, _, res := generate(t)
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	byNum := map[int]*Message{}
	for m, err := range c.Messages() {
		if err != nil {
			t.Fatal(err)
		}
		byNum[m.Packets()[len(m.Packets())-1]] = m // by last frame: unique per message here
	}
	for _, p := range res.Pairs {
		if p.InvokeID == 0 {
			continue
		}
		req, conf := byNum[p.RequestFrame], byNum[p.ResponseFrame]
		if req == nil || conf == nil {
			t.Fatalf("pair %+v: messages not found", p)
		}
		d, ok := req.ResponseTime()
		if !ok || d != p.Latency || !req.Answered() || req.Unanswered() {
			t.Errorf("%s #%d: response time %v %v, gen %v", req.Type(), req.Num(), d, ok, p.Latency)
		}
		if conf.IsFailure() != p.Failed {
			t.Errorf("%s failure=%v, gen %v", conf.Type(), conf.IsFailure(), p.Failed)
		}
	}
	want := map[string]int{}
	for _, a := range res.AgentStates {
		if a.State == "AGENT_STATE_READY" {
			want[a.AgentID]++
		}
	}
	got := map[string]int{}
	msgs, err := ReadAll(path, `cti.msg_type == "AGENT_STATE_EVENT" && cti.AgentState == AGENT_STATE_READY && cti.stream != 0`)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		a, _ := m.Field("AgentID")
		got[a]++
		if s, _ := m.Display("cti.AgentState"); s != "AGENT_STATE_READY" {
			t.Errorf("display %q", s)
		}
	}
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("READY per agent %v, gen %v", got, want)
	}
	for a, n := range want {
		if got[a] != n {
			t.Errorf("agent %s READY %d times, gen %d", a, got[a], n)
		}
	}
}

// passwordCapture is one SET_AGENT_STATE_REQ carrying a real password.
func passwordCapture(t *testing.T) []byte {
	t.Helper()
	m := dissect.NewMessage(dissect.LookupName("SET_AGENT_STATE_REQ"))
	if err := m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, 7)); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("AgentPassword", dissect.Str("hunter2")); err != nil {
		t.Fatal(err)
	}
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	c.Handshake()
	c.Send(true, b)
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}

func TestSecretsAndErrors(t *testing.T) {
	path, raw, _ := generate(t)
	pw := passwordCapture(t)
	masked, err := Decode(bytes.NewReader(pw), "cti.AgentPassword")
	if err != nil || len(masked) != 1 {
		t.Fatalf("%d messages with a password, %v", len(masked), err)
	}
	if v, _ := masked[0].Field("cti.AgentPassword"); v != "********" {
		t.Errorf("password not masked: %q", v)
	}
	shown, _ := Decode(bytes.NewReader(pw), "", WithSecrets())
	if v, _ := shown[0].Field("AgentPassword"); v != "hunter2" {
		t.Errorf("WithSecrets: %q", v)
	}
	if !shown[0].Unanswered() || shown[0].Answered() {
		t.Error("a request alone in its capture is unanswered")
	}
	if _, err := Open(path, WithFilter("cti.msg_type ==")); err == nil {
		t.Error("bad filter accepted")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.pcap")); err == nil {
		t.Error("missing file accepted")
	}
	// A truncated capture yields what decodes, then the error.
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	os.WriteFile(cut, raw[:len(raw)/2+7], 0o644)
	msgs, err := ReadAll(cut, "")
	if err == nil || !strings.Contains(err.Error(), "truncated") || len(msgs) == 0 {
		t.Errorf("truncated: %d messages, %v", len(msgs), err)
	}
	// Decode from a reader gives the same as from the file; breaking out stops early.
	all, _ := Decode(bytes.NewReader(raw), `cti.msg_type == "HEARTBEAT_REQ"`)
	if len(all) == 0 || all[0].Type() != "HEARTBEAT_REQ" {
		t.Fatalf("Decode: %d", len(all))
	}
	c, _ := Open(path)
	n := 0
	for range c.Messages() {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("break: %d", n)
	}
}
