package pipeline

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
)

func compileFilter(t testing.TB, expr string) *filter.Filter {
	f, err := filter.Compile(expr)
	if err != nil {
		panic(err)
	}
	return f
}

// Filters over a generated capture select exactly what the generator says
// it wrote.
func TestFilterGeneratedCapture(t *testing.T) {
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, gen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	count := func(expr string) int {
		return len(readAll(t, buf.Bytes(), Options{Lookahead: true, Filter: Matcher(compileFilter(t, expr))}))
	}
	want := 0
	for _, m := range res.Messages {
		if m.Type == "AGENT_STATE_EVENT" && !m.FromClient && m.Conn == 1 {
			want++
		}
	}
	if got := count("cti.msg_type == AGENT_STATE_EVENT && cti.dir == s2c && cti.stream == 1"); got != want || want == 0 {
		t.Errorf("AGENT_STATE_EVENT to stream 1: %d records, generator wrote %d", got, want)
	}
	want = 0
	for _, m := range res.Messages {
		if m.FromClient {
			want++
		}
	}
	if got := count(`cti.dir == "client->server" && cti.dstport == 42027`); got != want {
		t.Errorf("client messages: %d, want %d", got, want)
	}
	if got := count("cti.unanswered || cti.event"); got != 0 {
		t.Errorf("%d unanswered requests or stream events in a clean capture", got)
	}

	// Every paired request carries its answer's number and exact latency;
	// the answer carries the request's number.
	recs := readAll(t, buf.Bytes(), Options{Lookahead: true})
	byPkt := map[int]*Record{}
	for _, r := range recs {
		if r.Msg != nil {
			byPkt[r.Frame.Pkt] = r
		}
	}
	checked := 0
	for _, pr := range res.Pairs {
		if pr.InvokeID == 0 {
			continue
		}
		q, a := byPkt[pr.RequestFrame], byPkt[pr.ResponseFrame]
		if q == nil || a == nil {
			t.Fatalf("pair %+v: records missing", pr)
		}
		lat := strconv.FormatFloat(pr.Latency.Seconds(), 'f', -1, 64)
		fq := compileFilter(t, fmt.Sprintf("cti.num == %d && cti.response_in == %d && cti.response_time == %s && cti.msg_type == %s",
			q.Num, a.Num, lat, pr.Request))
		if !fq.Match(q) {
			t.Errorf("request #%d: %s does not match", q.Num, fq)
		}
		fa := compileFilter(t, fmt.Sprintf("cti.request_in == %d && cti.response_time == %s && !cti.response_in", q.Num, lat))
		if !fa.Match(a) {
			t.Errorf("answer #%d: %s does not match", a.Num, fa)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no pairs checked")
	}

	// Relative time: the first message is at its packet's offset from the
	// capture start.
	first := res.Messages[0]
	rel := strconv.FormatFloat(first.Time.Sub(res.Start).Seconds(), 'f', -1, 64)
	if got := count("cti.num == 1 && cti.time_relative == " + rel); got != 1 {
		t.Errorf("cti.time_relative of message 1 is not %s", rel)
	}
}

// Matcher reuses one Target: no allocation per record, and nothing left
// over from the previous record.
func TestMatcherReuse(t *testing.T) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	recs := readAll(t, buf.Bytes(), Options{Lookahead: true})
	var q, other *Record
	for _, r := range recs {
		if r.Response != nil && q == nil {
			q = r
		}
		if r.Response == nil && r.Request == nil && r.Msg != nil && other == nil {
			other = r
		}
	}
	if q == nil || other == nil {
		t.Fatal("capture lacks a request or an unpaired message")
	}
	m := Matcher(compileFilter(t, "cti.response_in"))
	if !m(q) || m(other) {
		t.Error("response_in leaked between records")
	}
	if n := testing.AllocsPerRun(100, func() { m(q); m(other) }); n != 0 {
		t.Errorf("%v allocations per call", n)
	}
	ev := &Record{Event: &record.Event{Kind: record.Gap}}
	if !Matcher(compileFilter(t, "cti.event == gap && !cti.msg_type"))(ev) {
		t.Error("stream event")
	}
}

// BenchmarkMatcher runs filters over every record of the default generated
// capture (one op = the whole capture), next to decoding the same frames
// (Decode sub-benchmark), so the cost of filtering reads as a ratio.
func BenchmarkMatcher(b *testing.B) {
	var buf bytes.Buffer
	if _, err := gen.Generate(&buf, gen.DefaultConfig()); err != nil {
		b.Fatal(err)
	}
	src, err := reassembly.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	var recs []*Record
	if err := New(Options{Lookahead: true}).Read(src, func(r *Record) error { recs = append(recs, r); return nil }); err != nil {
		b.Fatal(err)
	}
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, r := range recs {
				if r.Msg != nil {
					dissect.Decode(r.Msg.Frame, dissect.Context{Version: r.Session.Version, Layout: r.Session.Layout, Source: r.Session.LayoutSource, OpenReqExtra: -1})
				}
			}
		}
	})
	for _, c := range []struct{ name, expr string }{
		{"msg_type", "cti.msg_type == AGENT_STATE_EVENT"},
		{"enum", "cti.AgentState == AGENT_STATE_READY"},
		{"string", `cti.AgentID == "1001" || cti.ANI contains "555"`},
		{"callid", "cti.CallID in {1..10} && cti.dir == s2c"},
		{"latency", "cti.response_time > 5ms || cti.unanswered"},
		{"regexp", `cti.CallVariable1 matches "^[A-Z]"`},
		{"expert", "cti.expert.severity >= warning"},
	} {
		m := Matcher(compileFilter(nil, c.expr))
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for _, r := range recs {
					if m(r) {
						n++
					}
				}
			}
		})
	}
}

// TestFilterReadsOnlyForTypeFilters: a filter that tests only the
// message type keeps every field of the types it lets through and of
// those whose ID the guide lost (their messages carry the wire's ID),
// nothing of the others; any other filter gets nil (decode whole).
func TestFilterReadsOnlyForTypeFilters(t *testing.T) {
	for _, expr := range []string{`cti.AgentID == "1001"`, "cti.msg_type == AGENT_STATE_EVENT && cti.stream == 0", "cti.expert", "cti.msg_type == AGENT_STATE_EVENT || cti.InvokeID == 3"} {
		f, err := filter.Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		if FilterReads(f) != nil {
			t.Errorf("%s: FilterReads is not nil", expr)
		}
	}
	f, err := filter.Compile("cti.msg_type == AGENT_STATE_EVENT || cti.msg_type == 3")
	if err != nil {
		t.Fatal(err)
	}
	reads := FilterReads(f)
	if reads == nil {
		t.Fatal("a type filter gets no FilterReads")
	}
	lost, through := 0, 0
	dissect.BySlot(func(d *dissect.MessageDef) int {
		want := d.Name == "AGENT_STATE_EVENT" || d.ID == 3 || !d.IDKnown
		if !d.IDKnown {
			lost++
		}
		if want {
			through++
		}
		for _, list := range [][]dissect.FieldDef{d.Fixed, d.Floating} {
			for i := range list {
				if reads(&list[i]) != want {
					t.Errorf("%s.%s: kept %v, want %v", d.Name, list[i].Name, !want, want)
				}
			}
		}
		return 0
	})
	if lost == 0 || through <= lost {
		t.Fatalf("%d types let through, %d of them with a lost ID", through, lost)
	}
}
