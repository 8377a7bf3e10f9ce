package gen

import (
	"bytes"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
)

func generate(t *testing.T, cfg Config) ([]byte, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Bytes != int64(buf.Len()) {
		t.Fatalf("Result.Bytes %d, wrote %d", res.Bytes, buf.Len())
	}
	return buf.Bytes(), res
}

// scenarioMessages is every message type the default capture must hold.
var scenarioMessages = []string{
	"OPEN_REQ", "OPEN_CONF", "HEARTBEAT_REQ", "HEARTBEAT_CONF", "CLOSE_REQ", "CLOSE_CONF",
	"QUERY_AGENT_STATE_REQ", "QUERY_AGENT_STATE_CONF", "SET_AGENT_STATE_REQ", "SET_AGENT_STATE_CONF", "AGENT_STATE_EVENT",
	"CONFIG_REQUEST_KEY_EVENT", "CONFIG_KEY_EVENT", "CONFIG_REQUEST_EVENT", "CONFIG_BEGIN_EVENT",
	"CONFIG_APPLICATION_EVENT", "CONFIG_CSQ_EVENT", "CONFIG_AGENT_EVENT", "CONFIG_DEVICE_EVENT", "CONFIG_END_EVENT",
	"TEAM_CONFIG_REQ", "TEAM_CONFIG_EVENT", "TEAM_CONFIG_CONF",
	"BEGIN_CALL_EVENT", "CALL_DELIVERED_EVENT", "CALL_QUEUED_EVENT", "CALL_DEQUEUED_EVENT",
	"ANSWER_CALL_REQ", "ANSWER_CALL_CONF", "CALL_ESTABLISHED_EVENT",
	"HOLD_CALL_REQ", "HOLD_CALL_CONF", "CALL_HELD_EVENT", "RETRIEVE_CALL_REQ", "RETRIEVE_CALL_CONF", "CALL_RETRIEVED_EVENT",
	"CONSULT_CALL_REQ", "CONSULT_CALL_CONF", "CALL_ORIGINATED_EVENT",
	"TRANSFER_CALL_REQ", "TRANSFER_CALL_CONF", "CALL_TRANSFERRED_EVENT",
	"CONFERENCE_CALL_REQ", "CONFERENCE_CALL_CONF", "CALL_CONFERENCED_EVENT",
	"SET_CALL_DATA_REQ", "SET_CALL_DATA_CONF", "CALL_DATA_UPDATE_EVENT",
	"CLEAR_CONNECTION_REQ", "CLEAR_CONNECTION_CONF", "CALL_CONNECTION_CLEARED_EVENT", "CALL_CLEARED_EVENT", "END_CALL_EVENT",
	"SYSTEM_EVENT",
}

// failureMessages answer failed requests: the default capture has none.
var failureMessages = []string{"CONTROL_FAILURE_CONF", "FAILURE_CONF"}

// checkCapture decodes every message and checks it against the protocol
// and against the Result.
func checkCapture(t *testing.T, data []byte, res Result, cfg Config) *readback {
	t.Helper()
	rb := readCapture(t, data)
	if rb.frames != res.Frames {
		t.Errorf("read %d frames, Result says %d", rb.frames, res.Frames)
	}
	if len(rb.msgs) != res.NumMsgs || len(res.Messages) != res.NumMsgs {
		t.Fatalf("read %d messages, Result says %d (%d listed)", len(rb.msgs), res.NumMsgs, len(res.Messages))
	}
	notes := map[string]int{}
	for _, m := range rb.msgs {
		if m.msg.Def == nil {
			t.Errorf("%s: unknown message", describe(m))
			continue
		}
		for _, e := range m.msg.AllExpert() {
			if e.Severity >= dissect.SeverityWarning {
				t.Errorf("%s: %s %s: %s", describe(m), e.Severity, e.Code, e.Message)
			} else {
				notes[e.Code]++
			}
		}
		if m.msg.Version != 0 && m.msg.Version != cfg.Version {
			t.Errorf("%s: decoded as version %d", describe(m), m.msg.Version)
		}
	}
	t.Logf("notes: %v", notes)
	for k, s := range rb.sessions {
		if s.Version != cfg.Version || s.Layout != dissect.LayoutFor(cfg.dialect(), cfg.Version) {
			t.Errorf("%v: session version %d layout %v", k, s.Version, s.Layout)
		}
	}
	// The Result's message list is the capture.
	conns := map[int]Connection{}
	for _, c := range res.Connections {
		conns[c.Index] = c
	}
	for i, m := range rb.msgs {
		r := res.Messages[i]
		if r.Type != m.typ || r.Frame != m.frame || !r.Time.Equal(m.time) || conns[r.Conn].Client != m.conn || r.FromClient != m.c2s {
			t.Fatalf("message %d: Result %+v, capture %s at %v", i, r, describe(m), m.time)
		}
		if m.hasInv && r.InvokeID != m.invoke {
			t.Fatalf("message %d: Result InvokeID %d, capture %d", i, r.InvokeID, m.invoke)
		}
		if r.Length != len(m.msg.Frame) {
			t.Fatalf("message %d: length %d, capture %d", i, r.Length, len(m.msg.Frame))
		}
	}
	// Counts add up.
	got := rb.counts()
	for k, v := range res.Counts {
		if got[k] != v {
			t.Errorf("%s: Result counts %d, capture has %d", k, v, got[k])
		}
	}
	return rb
}

func TestDefaultCapture(t *testing.T) {
	cfg := DefaultConfig()
	data, res := generate(t, cfg)
	rb := checkCapture(t, data, res, cfg)
	counts := rb.counts()
	for _, name := range scenarioMessages {
		if counts[name] == 0 {
			t.Errorf("no %s in the default capture", name)
		}
	}
	for _, name := range failureMessages {
		if counts[name] != 0 {
			t.Errorf("%d %s in the default capture", counts[name], name)
		}
	}
	if n := res.NumMsgs; n < 150 || n > 400 {
		t.Errorf("%d CTI messages, want 150..400", n)
	}
	if len(data) > 100_000 {
		t.Errorf("%d bytes, want well under 100 KB", len(data))
	}
	if rb.split == 0 {
		t.Error("no message spans two segments")
	}
	if rb.multi == 0 {
		t.Error("no segment carries several messages")
	}
	if rb.pureACKs == 0 || rb.syns != 2*(cfg.Agents+1) || rb.fins < 2 {
		t.Errorf("pure ACKs %d, SYNs %d, FINs %d", rb.pureACKs, rb.syns, rb.fins)
	}
	t.Logf("%d bytes, %d frames, %d messages, %d pure ACKs, %d coalesced segments, %d split messages",
		len(data), res.Frames, res.NumMsgs, rb.pureACKs, rb.multi, rb.split)

	// Sessions: agents in agent mode with their identity, one bridge.
	modes := map[dissect.ClientMode]int{}
	for _, s := range rb.sessions {
		modes[s.Mode]++
		if s.Mode == dissect.ModeAgent && (s.AgentID == "" || s.AgentExtension == "") {
			t.Errorf("agent session without identity: %+v", s)
		}
	}
	if modes[dissect.ModeAgent] != cfg.Agents || modes[dissect.ModeBridge] != 1 {
		t.Errorf("session modes %v", modes)
	}
}

// Requests and confirms: InvokeIDs rise per client, every request is
// answered once, and Result.Pairs has the latencies the timestamps give.
// The default capture has no failed request; the request-failed fault adds
// one of each failure.
func TestPairsMatchTimestamps(t *testing.T) {
	t.Run("default", func(t *testing.T) { checkPairs(t, DefaultConfig(), nil) })
	cfg := DefaultConfig()
	cfg.Faults = []string{"request-failed"}
	t.Run("request-failed", func(t *testing.T) {
		checkPairs(t, cfg, []string{"ANSWER_CALL_REQ CONTROL_FAILURE_CONF", "SET_CALL_DATA_REQ FAILURE_CONF"})
	})
}

// checkPairs checks the pairs of the capture cfg makes; failed are the
// failed ones, "REQUEST RESPONSE", in capture order.
func checkPairs(t *testing.T, cfg Config, failed []string) {
	data, res := generate(t, cfg)
	rb := readCapture(t, data)

	type key struct {
		conn   string
		invoke uint32
	}
	open := map[key]readMsg{}
	lastInvoke := map[string]uint32{}
	var pairs []Pair
	var configKeyReq *readMsg
	connIndex := map[string]int{}
	for _, c := range res.Connections {
		connIndex[c.Client.String()] = c.Index
	}
	for i := range rb.msgs {
		m := rb.msgs[i]
		cs := m.conn.String()
		switch {
		case m.typ == "CONFIG_REQUEST_KEY_EVENT":
			configKeyReq = &rb.msgs[i]
		case m.typ == "CONFIG_KEY_EVENT":
			pairs = append(pairs, Pair{Conn: connIndex[cs], Request: configKeyReq.typ, Response: m.typ,
				RequestFrame: configKeyReq.frame, ResponseFrame: m.frame, Latency: m.time.Sub(configKeyReq.time)})
		case m.c2s && m.hasInv:
			if m.invoke != lastInvoke[cs]+1 {
				t.Errorf("%s: InvokeID %d after %d", describe(m), m.invoke, lastInvoke[cs])
			}
			lastInvoke[cs] = m.invoke
			open[key{cs, m.invoke}] = m
		case !m.c2s && m.hasInv && m.msg.Def.Kind == dissect.KindConfirm:
			req, ok := open[key{cs, m.invoke}]
			if !ok {
				t.Errorf("%s answers InvokeID %d, never asked", describe(m), m.invoke)
				continue
			}
			delete(open, key{cs, m.invoke})
			if !m.msg.IsFailure() && req.msg.Def.ConfirmedBy != m.msg.Def {
				t.Errorf("%s answers %s", describe(m), describe(req))
			}
			pairs = append(pairs, Pair{Conn: connIndex[cs], InvokeID: m.invoke, Request: req.typ, Response: m.typ,
				RequestFrame: req.frame, ResponseFrame: m.frame, Latency: m.time.Sub(req.time), Failed: m.msg.IsFailure()})
		}
	}
	if len(open) != 0 {
		t.Errorf("%d requests never answered: %v", len(open), open)
	}
	if len(pairs) != len(res.Pairs) {
		t.Fatalf("capture has %d pairs, Result %d", len(pairs), len(res.Pairs))
	}
	var gotFailed []string
	for i, p := range res.Pairs {
		q := pairs[i]
		if p.Conn != q.Conn || p.InvokeID != q.InvokeID || p.Request != q.Request || p.Response != q.Response ||
			p.RequestFrame != q.RequestFrame || p.ResponseFrame != q.ResponseFrame || p.Latency != q.Latency || p.Failed != q.Failed {
			t.Fatalf("pair %d: Result %+v, capture %+v", i, p, q)
		}
		if p.Latency <= 0 || p.Latency > 20*time.Millisecond {
			t.Errorf("pair %d: latency %v", i, p.Latency)
		}
		if !p.RequestTime.Equal(rb.times[p.RequestFrame-1]) || !p.ResponseTime.Equal(rb.times[p.ResponseFrame-1]) {
			t.Errorf("pair %d: times do not match frames %d and %d", i, p.RequestFrame, p.ResponseFrame)
		}
		if p.Failed {
			gotFailed = append(gotFailed, p.Request+" "+p.Response)
		}
	}
	if !slices.Equal(gotFailed, failed) {
		t.Errorf("failed requests %q, want %q", gotFailed, failed)
	}
}

// Calls and agent states in the Result are what the capture shows.
func TestCallsAndAgentStates(t *testing.T) {
	cfg := DefaultConfig()
	data, res := generate(t, cfg)
	rb := readCapture(t, data)
	frameTime := func(n int) time.Time { return rb.times[n-1] }

	kinds := map[string]int{}
	byID := map[uint32]Call{}
	for _, c := range res.Calls {
		kinds[c.Kind]++
		byID[c.CallID] = c
		if c.CallID < 16777216 || c.CallID > 16777999 {
			t.Errorf("CallID %d", c.CallID)
		}
		if c.Kind != kindConsult && (len(c.ANI) != 10 || len(c.DNIS) != 4) {
			t.Errorf("call %d: ANI %q DNIS %q", c.CallID, c.ANI, c.DNIS)
		}
		if c.Offered.IsZero() || c.Cleared.IsZero() || !c.Cleared.After(c.Offered) {
			t.Errorf("call %d: offered %v cleared %v", c.CallID, c.Offered, c.Cleared)
		}
		if (c.Kind == kindAbandoned || c.Kind == kindLateAnswer) != c.Answered.IsZero() {
			t.Errorf("call %d (%s): answered %v", c.CallID, c.Kind, c.Answered)
		}
	}
	for _, k := range scriptedKinds {
		if kinds[k] != 1 {
			t.Errorf("%d %s calls", kinds[k], k)
		}
	}
	if kinds[kindConsult] != 2 {
		t.Errorf("%d consult calls", kinds[kindConsult])
	}
	// Every call's events carry its CallID; BEGIN_CALL_EVENT comes at Offered.
	for _, m := range rb.msgs {
		if m.typ != "BEGIN_CALL_EVENT" {
			continue
		}
		id, _ := m.msg.Uint("CallID")
		c, ok := byID[uint32(id)]
		if !ok {
			t.Errorf("%s: CallID %d not in Result", describe(m), id)
			continue
		}
		if ani, _ := m.msg.String("ANI"); ani != c.ANI {
			t.Errorf("%s: ANI %q, Result %q", describe(m), ani, c.ANI)
		}
		if m.time.Before(c.Offered) {
			t.Errorf("%s before the call was offered", describe(m))
		}
	}
	for _, c := range res.Calls {
		if c.Kind == kindTransfer || c.Kind == kindConference {
			cons, ok := byID[c.RelatedCallID]
			if !ok || cons.RelatedCallID != c.CallID {
				t.Errorf("call %d: consult call %d not linked back", c.CallID, c.RelatedCallID)
			}
		}
	}
	// The transfer event links both calls.
	for _, m := range rb.msgs {
		if m.typ == "CALL_TRANSFERRED_EVENT" || m.typ == "CALL_CONFERENCED_EVENT" {
			p, _ := m.msg.Uint("PrimaryCallID")
			s, _ := m.msg.Uint("SecondaryCallID")
			if byID[uint32(p)].RelatedCallID != uint32(s) {
				t.Errorf("%s links %d and %d", describe(m), p, s)
			}
		}
	}
	// Agent states: each one is an AGENT_STATE_EVENT at that frame.
	states := map[string][]string{}
	for _, s := range res.AgentStates {
		if !frameTime(s.Frame).Equal(s.Time) {
			t.Errorf("state %+v: frame time %v", s, frameTime(s.Frame))
		}
		found := false
		for _, m := range rb.msgs {
			if m.frame == s.Frame && m.typ == "AGENT_STATE_EVENT" {
				v, _ := m.msg.Uint("AgentState")
				id, _ := m.msg.String("AgentID")
				r, _ := m.msg.Uint("EventReasonCode")
				if uint16(v) == s.StateValue && id == s.AgentID && uint16(r) == s.ReasonCode && !m.c2s {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("state %+v not in frame %d", s, s.Frame)
		}
		states[s.AgentID] = append(states[s.AgentID], strings.TrimPrefix(s.State, "AGENT_STATE_"))
	}
	// An agent wraps up in WORK exactly when it answered a call (or a
	// consult about one) of a CSQ with autoWork, and one at least does.
	autoWork := map[uint32]bool{}
	for _, q := range csqTable {
		autoWork[q.id] = q.autoWork
	}
	wantWork := map[string]bool{}
	for _, c := range res.Calls {
		if !c.Answered.IsZero() && autoWork[c.CSQID] {
			wantWork[c.AgentID] = true
		}
	}
	worked := 0
	for id, seq := range states {
		t.Logf("%s: %s", id, strings.Join(seq, " "))
		if len(seq) < 4 || seq[0] != "LOGIN" || seq[1] != "NOT_READY" || seq[2] != "READY" {
			t.Errorf("%s: states %v", id, seq)
		}
		if !slices.Contains(seq, "TALKING") {
			t.Errorf("%s: never talked: %v", id, seq)
		}
		if w := slices.Contains(seq, "WORK"); w != wantWork[id] {
			t.Errorf("%s: WORK %v, want %v (calls of an autoWork CSQ): %v", id, w, wantWork[id], seq)
		} else if w {
			worked++
		}
	}
	if len(states) != cfg.Agents || worked == 0 {
		t.Errorf("states for %d agents, %d wrapped up in WORK", len(states), worked)
	}
}

func TestDeterminism(t *testing.T) {
	cfg := DefaultConfig()
	a, _ := generate(t, cfg)
	b, _ := generate(t, cfg)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different bytes")
	}
	cfg.Seed++
	c, res := generate(t, cfg)
	if bytes.Equal(a, c) {
		t.Fatal("two seeds gave the same bytes")
	}
	checkCapture(t, c, res, cfg)
}

// testdata/sample.pcap is exactly what `ctishark gen` writes by default,
// and testdata/sample-ucce.pcap what `ctishark gen --dialect ucce` does.
// Regenerate them with `make sample` (from the repository root), or
// UPDATE_SAMPLE=1 go test ./cmd/gen.
func TestSampleIsCurrent(t *testing.T) {
	ucce := DefaultConfig()
	ucce.Dialect, ucce.Version = dissect.DialectUCCE, 0
	for name, cfg := range map[string]Config{"sample.pcap": DefaultConfig(), "sample-ucce.pcap": ucce} {
		checkSample(t, "../../testdata/"+name, cfg)
	}
}

func checkSample(t *testing.T, path string, cfg Config) {
	want, _ := generate(t, cfg)
	if os.Getenv("UPDATE_SAMPLE") != "" {
		if err := os.MkdirAll("../../testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s (%d bytes) is not what gen writes (%d bytes); regenerate it with UPDATE_SAMPLE=1 go test ./cmd/gen", path, len(got), len(want))
	}
}

func TestVersionsAndPcapng(t *testing.T) {
	for _, cfg := range []Config{
		{Seed: 3, Agents: 2, Calls: 6, Version: 18, Duration: 4 * time.Minute},
		{Seed: 4, Agents: 4, Calls: 9, Version: 10, Duration: 6 * time.Minute, PCAPNG: true},
		{Seed: 5, Agents: 1, Calls: 3, Version: 14, Duration: 3 * time.Minute},
		{Seed: 6, Agents: 12, Calls: 30, Version: 15, Duration: 10 * time.Minute},
		{Seed: 7, Agents: 1, Calls: 6, Version: 13, Duration: 5 * time.Minute}, // nobody to consult
		{Seed: 8, Agents: 2, Calls: 0, Version: 17, Duration: 2 * time.Minute}, // logins and heartbeats only
	} {
		t.Run("", func(t *testing.T) {
			data, res := generate(t, cfg)
			checkCapture(t, data, res, cfg)
		})
	}
}

func TestLoadMode(t *testing.T) {
	cfg := Config{Seed: 9, Version: 13, Connections: 40, TargetBytes: 2_000_000}
	var buf bytes.Buffer
	res, err := Generate(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 2_000_000 || buf.Len() > 2_100_000 {
		t.Errorf("%d bytes for a 2 MB target", buf.Len())
	}
	if res.Messages != nil || res.NumMsgs == 0 {
		t.Errorf("load mode Result: %d listed, %d written", len(res.Messages), res.NumMsgs)
	}
	rb := readCapture(t, buf.Bytes())
	if len(rb.sessions) != 40 {
		t.Errorf("%d sessions", len(rb.sessions))
	}
	bad := 0
	for _, m := range rb.msgs {
		if m.msg.Worst() >= dissect.SeverityWarning {
			bad++
			if bad < 5 {
				t.Errorf("%s: %v", describe(m), m.msg.AllExpert())
			}
		}
	}
	if len(rb.msgs) != res.NumMsgs {
		t.Errorf("read %d messages, wrote %d", len(rb.msgs), res.NumMsgs)
	}
}

func TestCommand(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &factory.Factory{IOStreams: ios}
	var got *GenOptions
	cmd := NewCmdGen(f, func(o *GenOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-w", "x.pcap", "--seed", "7", "--agents", "5", "--version", "18", "--pcapng", "--duration", "10m"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	cfg, err := got.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seed != 7 || cfg.Agents != 5 || cfg.Version != 18 || !cfg.PCAPNG || cfg.Duration != 10*time.Minute || cfg.Calls != 6 {
		t.Errorf("config %+v", cfg)
	}

	// Without -w: a usage error.
	cmd = NewCmdGen(f, func(*GenOptions) error { return nil })
	cmd.SetArgs(nil)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	var ue *factory.UsageError
	if err := cmd.Execute(); err == nil || !asUsage(err, &ue) {
		t.Errorf("no -w: %v", err)
	}

	// The real thing, to stdout.
	ios, _, out, errOut := iostreams.Test()
	cmd = NewCmdGen(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs([]string{"-w", "-"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	want, _ := generate(t, DefaultConfig())
	if !bytes.Equal(out.Bytes(), want) {
		t.Error("gen -w - differs from Generate(DefaultConfig())")
	}
	if !strings.Contains(errOut.String(), "CTI messages") {
		t.Errorf("stderr: %q", errOut.String())
	}

	// To a file.
	path := t.TempDir() + "/x.pcap"
	cmd = NewCmdGen(&factory.Factory{IOStreams: ios}, nil)
	cmd.SetArgs([]string{"-w", path, "--seed", strconv.FormatUint(DefaultConfig().Seed, 10)})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, want) {
		t.Error("gen -w file differs from Generate(DefaultConfig())")
	}

	// Bad values are usage errors.
	for _, args := range [][]string{{"-w", "-", "--version", "9"}, {"-w", "-", "--target-size", "lots"}, {"-w", "-", "--agents", "0"}} {
		cmd = NewCmdGen(&factory.Factory{IOStreams: ios}, nil)
		cmd.SetArgs(args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		if err := cmd.Execute(); err == nil || !asUsage(err, &ue) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func asUsage(err error, target **factory.UsageError) bool {
	for e := err; e != nil; {
		if u, ok := e.(*factory.UsageError); ok {
			*target = u
			return true
		}
		un, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = un.Unwrap()
	}
	return false
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1500": 1500, "64KB": 64000, "64KiB": 65536, "300MB": 300e6, "2GiB": 2 << 30, "1.5M": 1.5e6} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("%s: %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "x", "-5MB", "0"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestCountsSummary(t *testing.T) {
	_, res := generate(t, DefaultConfig())
	var names []string
	for k := range res.Counts {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%-32s %d", n, res.Counts[n])
	}
}

// BenchmarkGenerateLoad measures load mode: 40 connections, 5 MB per run.
func BenchmarkGenerateLoad(b *testing.B) {
	cfg := Config{Seed: 1, Version: 13, Connections: 40, TargetBytes: 5_000_000}
	b.SetBytes(cfg.TargetBytes)
	for b.Loop() {
		if _, err := Generate(io.Discard, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// gen -w picks the format by extension, as read -w does: .pcapng gets
// pcapng without --pcapng (block type 0x0a0d0d0a first), .pcap stays pcap.
func TestWriteFormatByExtension(t *testing.T) {
	dir := t.TempDir()
	for name, magic := range map[string][]byte{"g.pcapng": {0x0a, 0x0d, 0x0d, 0x0a}, "G.PCAPNG": {0x0a, 0x0d, 0x0d, 0x0a}, "g.pcap": {0xd4, 0xc3, 0xb2, 0xa1}} {
		ios, _, _, _ := iostreams.Test()
		cmd := NewCmdGen(&factory.Factory{IOStreams: ios}, nil)
		path := dir + "/" + name
		cmd.SetArgs([]string{"-w", path, "--calls", "1", "--agents", "1"})
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if len(b) < 4 || !bytes.Equal(b[:4], magic) {
			t.Errorf("%s starts % x, want % x", name, b[:min(4, len(b))], magic)
		}
		os.Remove(path)
	}
}
