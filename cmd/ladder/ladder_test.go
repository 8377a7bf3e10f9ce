package ladder

import (
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"github.com/ctishark/ctishark/render"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/render/ladder"
)

var (
	sampleOnce sync.Once
	samplePath string
	sampleRes  *gen.Result
	sampleErr  error
)

// sample writes gen's default capture with the request-failed fault once
// (testdata/sample.pcap plus an agent whose two requests fail, so the
// failure drawing has something to draw) and returns it with gen's known
// answers.
func sample(t *testing.T) (string, *gen.Result) {
	t.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ladder-test")
		if err != nil {
			sampleErr = err
			return
		}
		samplePath = filepath.Join(dir, "sample.pcap")
		f, err := os.Create(samplePath)
		if err != nil {
			sampleErr = err
			return
		}
		defer f.Close()
		cfg := gen.DefaultConfig()
		cfg.Faults = []string{"request-failed"}
		res, err := gen.Generate(f, cfg)
		sampleErr, sampleRes = err, &res
	})
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	return samplePath, sampleRes
}

// run executes `ctishark ladder args...` and returns stdout, stderr.
func run(t *testing.T, tweak func(*LadderOptions), args ...string) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	f := &factory.Factory{IOStreams: ios}
	cmd := NewCmdLadder(f, func(o *LadderOptions) error {
		if tweak != nil {
			tweak(o)
		}
		return ladderRun(o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

type doc struct {
	Title     string                `json:"title"`
	Arrows    []ladder.JSONArrow    `json:"arrows"`
	Endpoints []ladder.JSONEndpoint `json:"endpoints"`
}

func runJSON(t *testing.T, args ...string) doc {
	t.Helper()
	out, stderr, err := run(t, nil, append([]string{"-T", "json"}, args...)...)
	if err != nil {
		t.Fatalf("ladder %v: %v (%s)", args, err, stderr)
	}
	var d doc
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, out)
	}
	return d
}

func TestEndpointsAreServerAndSessions(t *testing.T) {
	path, res := sample(t)
	d := runJSON(t, path)
	if len(d.Endpoints) != len(res.Connections)+1 {
		t.Fatalf("%d endpoints, want the server and %d sessions", len(d.Endpoints), len(res.Connections))
	}
	srv := d.Endpoints[0]
	if srv.Role != "server" || srv.Addr != gen.Server.String() || srv.Name != "A" || srv.Stream != -1 {
		t.Errorf("first endpoint %+v, want the server %s as A", srv, gen.Server)
	}
	for i, c := range res.Connections {
		e := d.Endpoints[i+1]
		if e.Role != "client" || e.Addr != c.Client.String() || e.ClientID != c.ClientID || e.AgentID != c.AgentID || e.Mode != c.Mode || e.Stream != c.Index {
			t.Errorf("endpoint %d = %+v, want connection %+v", i+1, e, c)
		}
		if !strings.Contains(e.Label, c.ClientID) || !strings.Contains(e.Label, c.Mode+" mode") {
			t.Errorf("endpoint label %q lacks the client signature or mode", e.Label)
		}
	}
}

func TestArrowsOnePerMessageInOrder(t *testing.T) {
	path, res := sample(t)
	d := runJSON(t, path)
	if len(d.Arrows) != res.NumMsgs {
		t.Fatalf("%d arrows, gen wrote %d messages", len(d.Arrows), res.NumMsgs)
	}
	name := map[int]string{} // connection -> client endpoint name
	for _, e := range d.Endpoints {
		if e.Role == "client" {
			name[e.Stream] = e.Name
		}
	}
	for i, m := range res.Messages {
		a := d.Arrows[i]
		from, to := "A", name[m.Conn]
		if m.FromClient {
			from, to = to, from
		}
		at, err := time.Parse(time.RFC3339Nano, a.Time)
		if err != nil {
			t.Fatal(err)
		}
		if a.Num != i+1 || a.MsgType != m.Type || a.From != from || a.To != to || !at.Equal(m.Time) || a.Stream != m.Conn {
			t.Fatalf("arrow %d = %+v, want %s %s->%s at %v", i, a, m.Type, from, to, m.Time)
		}
	}
}

// msgIndex maps gen frame numbers to message numbers (1-based).
func msgIndex(res *gen.Result) map[int]int {
	idx := map[int]int{}
	for i, m := range res.Messages {
		idx[m.Frame] = i + 1
	}
	return idx
}

func TestPairLatenciesAndFailures(t *testing.T) {
	path, res := sample(t)
	d := runJSON(t, path)
	idx := msgIndex(res)
	failures := 0
	paired := map[int]bool{}
	for _, p := range res.Pairs {
		if p.InvokeID == 0 {
			continue // CONFIG_REQUEST_KEY_EVENT: no InvokeID to pair by
		}
		rq, cf := d.Arrows[idx[p.RequestFrame]-1], d.Arrows[idx[p.ResponseFrame]-1]
		if rq.MsgType != p.Request || cf.MsgType != p.Response {
			t.Fatalf("pair %+v matched arrows %s and %s", p, rq.MsgType, cf.MsgType)
		}
		want := float64(p.Latency.Microseconds()) / 1e6
		if cf.Latency == nil || *cf.Latency != want || cf.Request != rq.Num {
			t.Errorf("confirm #%d %s: latency %v request %d, want %v request %d", cf.Num, cf.MsgType, cf.Latency, cf.Request, want, rq.Num)
		}
		if rq.Response != cf.Num || rq.Latency == nil || *rq.Latency != want || rq.Unanswered {
			t.Errorf("request #%d %s: response %d latency %v unanswered %v, want #%d %v", rq.Num, rq.MsgType, rq.Response, rq.Latency, rq.Unanswered, cf.Num, want)
		}
		if cf.Failure != p.Failed {
			t.Errorf("confirm #%d %s failure=%v, gen says %v", cf.Num, cf.MsgType, cf.Failure, p.Failed)
		}
		if p.Failed {
			failures++
			prefix := map[string]string{"FAILURE_CONF": "E_CTI_", "CONTROL_FAILURE_CONF": "CF_"}[p.Response]
			if prefix == "" || !strings.HasPrefix(cf.Status, prefix) || !strings.Contains(cf.Label, cf.Status) {
				t.Errorf("failure #%d %s: status %q label %q", cf.Num, cf.MsgType, cf.Status, cf.Label)
			}
		}
		paired[rq.Num], paired[cf.Num] = true, true
	}
	if failures == 0 {
		t.Fatal("the capture has no failed request: the failure checks did not run")
	}
	for _, a := range d.Arrows {
		if a.Failure && !paired[a.Num] {
			t.Errorf("arrow #%d %s flagged as failure but gen has no failed pair there", a.Num, a.MsgType)
		}
		if a.Latency != nil && !paired[a.Num] {
			t.Errorf("arrow #%d %s has a latency but gen has no pair there", a.Num, a.MsgType)
		}
		if a.Unanswered {
			t.Errorf("arrow #%d %s unanswered, but gen answers every request", a.Num, a.MsgType)
		}
	}
}

// callSet is what --call X must select, from gen's answers: the messages
// gen says are about the call, and the partners of its requests/confirms.
func callSet(res *gen.Result, id uint32) map[int]bool {
	idx := msgIndex(res)
	want := map[int]bool{}
	for i, m := range res.Messages {
		if m.CallID == id {
			want[i+1] = true
		}
	}
	for _, p := range res.Pairs {
		rq, cf := idx[p.RequestFrame], idx[p.ResponseFrame]
		if want[rq] || want[cf] {
			want[rq], want[cf] = true, true
		}
	}
	return want
}

func arrowNums(d doc) map[int]bool {
	got := map[int]bool{}
	for _, a := range d.Arrows {
		got[a.Num] = true
	}
	return got
}

func TestCallSelectsExactlyTheCall(t *testing.T) {
	path, res := sample(t)
	related := map[uint32]bool{}
	for _, c := range res.Calls {
		if c.RelatedCallID != 0 {
			related[c.CallID], related[c.RelatedCallID] = true, true
		}
	}
	checked := 0
	for _, c := range res.Calls {
		if related[c.CallID] {
			continue // checked below: their messages name two calls
		}
		want := callSet(res, c.CallID)
		d := runJSON(t, "--call", strconv.FormatUint(uint64(c.CallID), 10), path)
		got := arrowNums(d)
		if len(got) != len(d.Arrows) || !mapsEqual(got, want) {
			t.Errorf("--call %d (%s): got %v, want %v", c.CallID, c.Kind, keys(got), keys(want))
		}
		for i := 1; i < len(d.Arrows); i++ {
			if d.Arrows[i].Num <= d.Arrows[i-1].Num {
				t.Fatalf("--call %d: arrows out of order", c.CallID)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no plain call in the sample")
	}
}

func TestCallKeepsTheRequestOfAConfirmNamingIt(t *testing.T) {
	// A CONSULT_CALL_REQ names the call consulted from; its confirm names
	// the new consult call. --call <consult call> must show the request.
	path, res := sample(t)
	idx := msgIndex(res)
	for _, c := range res.Calls {
		if c.Kind != "consult" {
			continue
		}
		d := runJSON(t, "--call", strconv.FormatUint(uint64(c.CallID), 10), path)
		got := arrowNums(d)
		for n := range callSet(res, c.CallID) {
			if !got[n] {
				t.Errorf("--call %d lacks message %d (%s)", c.CallID, n, res.Messages[n-1].Type)
			}
		}
		found := false
		for _, p := range res.Pairs {
			if p.Request == "CONSULT_CALL_REQ" && res.Messages[idx[p.RequestFrame]-1].CallID == c.RelatedCallID {
				if got[idx[p.ResponseFrame]] {
					found = true
					if !got[idx[p.RequestFrame]] {
						t.Errorf("--call %d shows CONSULT_CALL_CONF #%d without its request #%d", c.CallID, idx[p.ResponseFrame], idx[p.RequestFrame])
					}
				}
			}
		}
		if !found {
			t.Errorf("--call %d: no CONSULT_CALL_CONF naming it", c.CallID)
		}
		return
	}
	t.Fatal("no consult call in the sample")
}

func TestAgentSelectsSessionAndMentions(t *testing.T) {
	path, res := sample(t)
	c := res.Connections[1]
	if c.AgentID == "" {
		t.Fatalf("connection 1 is not an agent session: %+v", c)
	}
	d := runJSON(t, "--agent", c.AgentID, path)
	got := arrowNums(d)
	for i, m := range res.Messages {
		if m.Conn == c.Index && !got[i+1] {
			t.Errorf("--agent %s lacks message %d of its session", c.AgentID, i+1)
		}
	}
	others := 0
	for _, a := range d.Arrows {
		if a.Stream != c.Index {
			others++
			if !strings.Contains(a.Label, c.AgentID) {
				t.Errorf("--agent %s shows #%d %s of stream %d: %q", c.AgentID, a.Num, a.MsgType, a.Stream, a.Label)
			}
		}
	}
	if others == 0 {
		t.Error("--agent shows none of the bridge's events about the agent")
	}
	for _, e := range d.Endpoints {
		if e.Role == "client" && e.Stream != c.Index && e.Mode != "bridge" {
			t.Errorf("--agent %s has a column for another agent's session %+v", c.AgentID, e)
		}
	}
}

func TestStreamAndCount(t *testing.T) {
	path, res := sample(t)
	d := runJSON(t, "--stream", "2", path)
	n := 0
	for _, m := range res.Messages {
		if m.Conn == 2 {
			n++
		}
	}
	if len(d.Arrows) != n || len(d.Endpoints) != 2 {
		t.Fatalf("--stream 2: %d arrows %d endpoints, want %d and 2", len(d.Arrows), len(d.Endpoints), n)
	}
	for _, a := range d.Arrows {
		if a.Stream != 2 {
			t.Fatalf("--stream 2 shows stream %d", a.Stream)
		}
	}
	d = runJSON(t, "-c", "7", "--stream", "1", path)
	if len(d.Arrows) != 7 || d.Arrows[0].Stream != 1 {
		t.Fatalf("-c 7 --stream 1: %d arrows", len(d.Arrows))
	}
}

func TestTextColoursFailuresRed(t *testing.T) {
	path, res := sample(t)
	out, _, err := run(t, func(o *LadderOptions) { o.IO.SetStdoutTTY(true) }, path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	arrows := 0
	for _, l := range lines {
		if strings.Contains(l, "─") || strings.Contains(l, "┄") {
			arrows++
		}
	}
	if arrows != res.NumMsgs {
		t.Errorf("%d arrow lines, want %d", arrows, res.NumMsgs)
	}
	idx := msgIndex(res)
	failures := 0
	for _, p := range res.Pairs {
		if !p.Failed {
			continue
		}
		failures++
		num := idx[p.ResponseFrame]
		line := ""
		for _, l := range lines {
			if f := strings.Fields(l); len(f) > 2 && f[1] == strconv.Itoa(num) {
				line = l
			}
		}
		if !strings.Contains(line, "\x1b[1;31m"+p.Response) {
			t.Errorf("failure #%d not red: %q", num, line)
		}
		if !strings.Contains(line, render.Millis(p.Latency)) {
			t.Errorf("failure #%d lacks its latency %s: %q", num, render.Millis(p.Latency), line)
		}
	}
	if failures == 0 {
		t.Fatal("no failed request: the colour checks did not run")
	}
	// NO_COLOR: no escape at all.
	out, _, err = run(t, func(o *LadderOptions) { o.IO.SetStdoutTTY(true); o.IO.SetNoColorEnv(true) }, path)
	if err != nil || strings.Contains(out, "\x1b") {
		t.Errorf("NO_COLOR output carries escapes (err %v)", err)
	}
}

func TestSVGParsesWithLabels(t *testing.T) {
	path, res := sample(t)
	out, _, err := run(t, nil, "-T", "svg", path)
	if err != nil {
		t.Fatal(err)
	}
	texts, classes := svgTexts(t, out)
	for _, want := range []string{"OPEN_REQ", "HEARTBEAT_CONF", "CONTROL_FAILURE_CONF", "FAILURE_CONF", gen.Server.String(), "Desktop-mlopez"} {
		if !slices.Contains(texts, want) {
			t.Errorf("SVG has no text %q", want)
		}
	}
	for _, p := range res.Pairs {
		if p.InvokeID != 0 && !slices.Contains(texts, render.Millis(p.Latency)) {
			t.Errorf("SVG lacks the latency %s of %s", render.Millis(p.Latency), p.Response)
		}
	}
	if !slices.Contains(classes, "arrow confirm failure") {
		t.Error("no arrow drawn as a failure")
	}
	// The file option writes the same document.
	file := filepath.Join(t.TempDir(), "l.svg")
	if _, _, err := run(t, nil, "-T", "svg", "-w", file, path); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != out {
		t.Errorf("-w wrote something else (err %v)", err)
	}
}

// svgTexts parses an SVG and returns its text contents and group classes.
func svgTexts(t *testing.T, s string) (texts, classes []string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var cur *strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" || tok.Name.Local == "tspan" {
				if cur != nil {
					texts = append(texts, strings.TrimSpace(cur.String()))
				}
				cur = &strings.Builder{}
			}
			if tok.Name.Local == "g" {
				for _, a := range tok.Attr {
					if a.Name.Local == "class" {
						classes = append(classes, a.Value)
					}
				}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if (tok.Name.Local == "text" || tok.Name.Local == "tspan") && cur != nil {
				texts = append(texts, strings.TrimSpace(cur.String()))
				cur = nil
			}
		}
	}
	return texts, classes
}

func TestSVGCap(t *testing.T) {
	path, _ := sample(t)
	cap10 := func(o *LadderOptions) { o.MaxArrows = 10 }
	_, _, err := run(t, cap10, "-T", "svg", path)
	if err == nil || !strings.Contains(err.Error(), "--force") || !strings.Contains(err.Error(), "more than 10 arrows") {
		t.Fatalf("over the cap: %v", err)
	}
	// Refused into a file: no empty file left behind.
	outFile := filepath.Join(t.TempDir(), "big.svg")
	if _, _, err := run(t, cap10, "-T", "svg", "-o", outFile, path); err == nil {
		t.Fatal("over the cap into a file: accepted")
	}
	if _, err := os.Stat(outFile); !os.IsNotExist(err) {
		t.Errorf("refused SVG left %s behind (%v)", outFile, err)
	}
	if _, _, err := run(t, cap10, "-T", "svg", "-c", "10", path); err != nil {
		t.Errorf("-c 10 within the cap: %v", err)
	}
	if _, _, err := run(t, cap10, "-T", "svg", "--force", path); err != nil {
		t.Errorf("--force: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	path, _ := sample(t)
	for _, args := range [][]string{{"-T", "png", path}, {"--call", "x", path}, {"-c", "-1", path}, {}} {
		_, _, err := run(t, nil, args...)
		var ue *factory.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	_, stderr, err := run(t, nil, filepath.Join(t.TempDir(), "missing.pcap"))
	var se *factory.SilentError
	if !errors.As(err, &se) || se.Code != factory.ExitError || !strings.Contains(stderr, "missing.pcap") {
		t.Errorf("missing file: %v %q", err, stderr)
	}
}

func mapsEqual(a, b map[int]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[int]bool) []int {
	var k []int
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

// rewrite copies a classic pcap keeping only the packets keep accepts
// (1-based numbers), to make captures with holes and missing answers.
func rewrite(t *testing.T, src string, keep func(n int) bool) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || b[0] != 0xd4 || b[1] != 0xc3 {
		t.Fatal("not a little-endian classic pcap")
	}
	out := append([]byte(nil), b[:24]...)
	for off, n := 24, 1; off+16 <= len(b); n++ {
		size := 16 + int(binary.LittleEndian.Uint32(b[off+8:])) // header + captured length
		if off+size > len(b) {
			t.Fatal("pcap record runs past the end")
		}
		if keep(n) {
			out = append(out, b[off:off+size]...)
		}
		off += size
	}
	p := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnansweredAndGap(t *testing.T) {
	path, res := sample(t)
	idx := msgIndex(res)
	// Cut the capture just before the answer to the 20th paired request:
	// that request (and any other still open) is unanswered.
	var p gen.Pair
	for i, n := 0, 0; i < len(res.Pairs); i++ {
		if res.Pairs[i].InvokeID != 0 {
			if n++; n == 20 {
				p = res.Pairs[i]
				break
			}
		}
	}
	if p.Request == "" {
		t.Fatal("no pair to cut")
	}
	cut := rewrite(t, path, func(n int) bool { return n < p.ResponseFrame })
	d := runJSON(t, cut)
	rq := d.Arrows[idx[p.RequestFrame]-1]
	if rq.MsgType != p.Request || !rq.Unanswered || rq.Response != 0 || rq.Latency != nil {
		t.Errorf("request cut from its answer: %+v", rq)
	}
	for _, a := range d.Arrows {
		if a.Num == idx[p.ResponseFrame] {
			t.Fatalf("the answer #%d is still there", a.Num)
		}
	}
	out, _, _ := run(t, nil, cut)
	if !strings.Contains(out, "UNANSWERED") {
		t.Error("text ladder does not mark the unanswered request")
	}

	// Drop the packet of a request: its stream has a gap, drawn as an arrow.
	drop := res.Messages[idx[p.RequestFrame]-1]
	holed := rewrite(t, path, func(n int) bool { return n != drop.Frame })
	d = runJSON(t, holed)
	gaps := 0
	for _, a := range d.Arrows {
		if a.Kind == "gap" {
			gaps++
			if a.MsgType != "GAP" || a.Stream != drop.Conn || a.Num != 0 {
				t.Errorf("gap arrow %+v, want stream %d", a, drop.Conn)
			}
		}
	}
	if gaps != 1 {
		t.Errorf("%d gap arrows, want 1", gaps)
	}
}

// SVG tooltips break lines with real newlines (no literal \x0a), the
// endpoint names come back every 40 rows, and -Y keeps the client names
// in the heads (sessions are observed whatever -Y keeps).
func TestSVGTooltipsBandsAndFilteredLabels(t *testing.T) {
	path, _ := sample(t)
	out, _, err := run(t, nil, "-T", "svg", path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, `\x0a`) || !strings.Contains(out, "CONFIG_KEY_EVENT&#xA;CONFIG_SUCCESS") {
		t.Errorf("tooltips: literal \\x0a or no line break")
	}
	arrows := len(regexp.MustCompile(`<g class="[^"]*"><title>#`).FindAllStringIndex(out, -1))
	heads := strings.Count(out, `<g class="head`)
	bands := strings.Count(out, `class="band"`)
	if arrows <= 40 || heads == 0 || bands != heads*((arrows-1)/40) {
		t.Fatalf("%d arrows, %d heads, %d band labels: want the heads again every 40 rows", arrows, heads, bands)
	}
	filtered, _, err := run(t, nil, "-T", "svg", "-Y", "cti.msg_type == AGENT_STATE_EVENT", path)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`<g class="head client"><title>[^<]*Desktop-`).MatchString(filtered) {
		t.Errorf("-Y: heads lost the client names")
	}
}
