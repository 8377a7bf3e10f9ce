package ladder

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

const (
	hostileAgent  = `<script>&"`
	hostileClient = "Desk\x1b[31mtop"
	hostileText   = `</text><script>alert(1)</script>`
	password      = "hunter2"
)

var (
	server = netip.MustParseAddrPort("10.0.0.1:42027")
	client = netip.MustParseAddrPort("10.0.0.2:50000")
	t0     = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
)

// record encodes a message, decodes it with the session as the pipeline
// would, and wraps it in a Record.
func mkrec(t *testing.T, sess *dissect.Session, num int, at time.Duration, fromClient bool, name string, set func(m *dissect.Message)) *record.Record {
	t.Helper()
	def := dissect.LookupName(name)
	if def == nil {
		t.Fatalf("no message %s", name)
	}
	m := dissect.NewMessage(def)
	set(m)
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r := &record.Record{Num: num, Msg: sess.Decode(frame), Session: record.Session{Mode: sess.Mode}}
	r.Frame = record.Frame{Time: t0.Add(at), Start: t0, Stream: 0, Src: server, Dst: client, Dir: record.ServerToClient}
	if fromClient {
		r.Frame.Src, r.Frame.Dst, r.Frame.Dir = client, server, record.ClientToServer
	}
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// hostileRecords is a session whose strings try to break every output:
// markup in the AgentID, an escape sequence in the ClientID, a failure
// text closing the SVG element, and passwords.
func hostileRecords(t *testing.T) []*record.Record {
	sess := dissect.NewSession(dissect.Options{})
	open := mkrec(t, sess, 1, time.Millisecond, true, "OPEN_REQ", func(m *dissect.Message) {
		must(t, m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, 1)))
		must(t, m.SetFixed("VersionNumber", dissect.Uint(dissect.TypeUINT, 13)))
		must(t, m.SetFixed("ServicesRequested", dissect.Uint(dissect.TypeUINT, 1)))
		must(t, m.Add("ClientID", dissect.Str(hostileClient)))
		must(t, m.Add("ClientPassword", dissect.Bytes([]byte(password))))
		must(t, m.Add("AgentID", dissect.Str(hostileAgent)))
	})
	open.Response = &record.Response{Num: 2, Latency: 2462 * time.Microsecond}
	conf := mkrec(t, sess, 2, time.Millisecond+2462*time.Microsecond, false, "FAILURE_CONF", func(m *dissect.Message) {
		must(t, m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, 1)))
		must(t, m.SetFixed("Status", dissect.Uint(dissect.TypeUSHORT, 13)))
		must(t, m.Add("Text", dissect.Str(hostileText)))
	})
	conf.Request = &record.Request{Num: 1, Latency: 2462 * time.Microsecond}
	state := mkrec(t, sess, 3, 5*time.Millisecond, true, "SET_AGENT_STATE_REQ", func(m *dissect.Message) {
		must(t, m.SetFixed("InvokeID", dissect.Uint(dissect.TypeUINT, 2)))
		must(t, m.Add("AgentID", dissect.Str(hostileAgent)))
		must(t, m.Add("AgentPassword", dissect.Str(password)))
	})
	state.Unanswered = true
	return []*record.Record{open, conf, state}
}

func build(t *testing.T, recs []*record.Record, showSecrets bool) *Diagram {
	b := NewBuilder(showSecrets)
	d := &Diagram{Title: "hostile " + hostileAgent}
	for _, r := range recs {
		b.Observe(r)
		a, _ := b.Arrow(r)
		d.Arrows = append(d.Arrows, a)
	}
	d.Endpoints = b.Endpoints()
	return d
}

func TestBuilderMarksPairsFailuresUnanswered(t *testing.T) {
	d := build(t, hostileRecords(t), false)
	if len(d.Endpoints) != 2 || d.Endpoints[0].Role != RoleServer || d.Endpoints[1].AgentID != hostileAgent || d.Endpoints[1].Mode != "agent" {
		t.Fatalf("endpoints %+v %+v", d.Endpoints[0], d.Endpoints[1])
	}
	open, conf, state := d.Arrows[0], d.Arrows[1], d.Arrows[2]
	if open.From != 1 || open.To != 0 || open.Response != 2 || open.Latency != 2462*time.Microsecond || open.Kind != "request" {
		t.Errorf("OPEN_REQ arrow %+v", open)
	}
	if conf.From != 0 || conf.To != 1 || conf.Request != 1 || !conf.Failure || conf.Status != "E_CTI_INVALID_CALLID" || conf.Kind != "confirm" {
		t.Errorf("FAILURE_CONF arrow %+v", conf)
	}
	if !state.Unanswered || state.HasLatency {
		t.Errorf("SET_AGENT_STATE_REQ arrow %+v", state)
	}
}

func TestSVGEscapesWireStrings(t *testing.T) {
	d := build(t, hostileRecords(t), false)
	var buf bytes.Buffer
	if err := WriteSVG(&buf, d); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "<script") || strings.Contains(out, password) || strings.Contains(out, "\x1b") {
		t.Fatalf("SVG carries raw markup, an escape or a password:\n%s", out)
	}
	// Parse it and find the strings back, decoded, as text.
	dec := xml.NewDecoder(strings.NewReader(out))
	var all strings.Builder
	elements := map[string]int{}
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
			elements[tok.Name.Local]++
		case xml.CharData:
			all.Write(tok)
		}
	}
	text := all.String()
	for _, want := range []string{"agent " + hostileAgent, hostileText, `Desk\x1b[31mtop`, "E_CTI_INVALID_CALLID", "2.462 ms", "UNANSWERED"} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
	if elements["script"] != 0 || elements["svg"] != 1 || elements["style"] != 1 || elements["marker"] == 0 {
		t.Errorf("elements %v", elements)
	}
	if !strings.Contains(out, `xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(out, "viewBox=") || strings.Contains(out, "href") {
		t.Error("SVG is not standalone")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	d := build(t, hostileRecords(t), false)
	var buf bytes.Buffer
	w := NewJSON(&buf, d.Title)
	for i := range d.Arrows {
		must(t, w.Arrow(&d.Arrows[i], d.Endpoints))
	}
	must(t, w.Close(d.Endpoints))
	var got struct {
		Title     string         `json:"title"`
		Arrows    []JSONArrow    `json:"arrows"`
		Endpoints []JSONEndpoint `json:"endpoints"`
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	must(t, dec.Decode(&got))
	if got.Title != d.Title || len(got.Arrows) != 3 || len(got.Endpoints) != 2 {
		t.Fatalf("decoded %+v", got)
	}
	for i := range d.Arrows {
		if want := ToJSON(&d.Arrows[i], d.Endpoints); !reflect.DeepEqual(got.Arrows[i], want) {
			t.Errorf("arrow %d: got %+v, want %+v", i, got.Arrows[i], want)
		}
	}
	if got.Endpoints[1].AgentID != hostileAgent || got.Endpoints[1].ClientID != hostileClient {
		t.Errorf("endpoint strings did not survive: %+v", got.Endpoints[1])
	}
	if l := got.Arrows[1].Latency; l == nil || *l != 0.002462 || got.Arrows[0].From != "B" || got.Arrows[0].To != "A" {
		t.Errorf("arrows %+v", got.Arrows[:2])
	}
	if strings.Contains(buf.String(), password) {
		t.Error("password in JSON")
	}
}

func TestTextStreamsSafely(t *testing.T) {
	recs := hostileRecords(t)
	for _, opts := range []TextOptions{{}, {Unicode: true, Color: true}} {
		var buf bytes.Buffer
		w := NewText(&buf, opts)
		b := NewBuilder(false)
		for i, r := range recs {
			b.Observe(r)
			a, fresh := b.Arrow(r)
			if i == 0 && len(fresh) != 2 || i > 0 && len(fresh) != 0 {
				t.Fatalf("record %d placed %d endpoints", i, len(fresh))
			}
			must(t, w.Arrow(&a, fresh))
		}
		must(t, w.Flush())
		out := buf.String()
		if strings.Contains(out, password) || strings.Contains(out, "\x1b[31mtop") {
			t.Errorf("%+v: password or raw escape from the wire:\n%s", opts, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 5 { // two endpoint introductions, three arrows
			t.Fatalf("%+v: %d lines:\n%s", opts, len(lines), out)
		}
		if !strings.Contains(lines[3], "2.462 ms") || !strings.Contains(lines[3], "E_CTI_INVALID_CALLID") || !strings.Contains(lines[4], "UNANSWERED") {
			t.Errorf("%+v: lines %q", opts, lines[3:])
		}
		if opts.Color != strings.Contains(out, "\x1b[1;31mFAILURE_CONF") {
			t.Errorf("%+v: failure colour wrong:\n%s", opts, out)
		}
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{"plain é": "plain é", "a\x1b[2Jb": `a\x1b[2Jb`, "bad\xffutf": `bad\xffutf`, "c1\u009b": `c1\u009b`, "nl\n": `nl\x0a`} {
		if got := Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnNames(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}
