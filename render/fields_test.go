package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

func fields(t *testing.T, opts Options, fo FieldsOptions, recs ...*record.Record) string {
	t.Helper()
	var b bytes.Buffer
	writeAll(t, NewFields(&b, opts, fo), recs)
	return b.String()
}

func TestFieldsView(t *testing.T) {
	req := openReq(t)
	// AGENT_STATE_EVENT has a fixed CSQID (0 here) and repeated floating
	// ones, which have a name of their own.
	conf := recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3)}, "AgentID", recordtest.S("mlopez"), "CSQID", recordtest.U(1), "CSQID", recordtest.U(2))
	r1 := mkrec(req, 1, 1500*time.Millisecond)
	r1.Response = &record.Response{Num: 2, Latency: 2500 * time.Microsecond}
	r2 := mkrec(conf, 2, 1502500*time.Microsecond)
	r2.Frame.Stream = 4
	cols := []string{"cti.num", "cti.msg_type", "cti.time_relative", "cti.stream", "cti.AgentID", "cti.AgentState", "cti.CSQID", "cti.CSQs.CSQID", "cti.ClientPassword", "cti.response_time"}

	got := fields(t, Options{}, FieldsOptions{Fields: cols}, r1, r2)
	want := "1\tOPEN_REQ\t1.500000\t0\t1001\t\t\t\t********\t0.002500\n" +
		"2\tAGENT_STATE_EVENT\t1.502500\t4\tmlopez\t3\t0\t1,2\t\t\n"
	if got != want {
		t.Errorf("default fields:\n%q\nwant\n%q", got, want)
	}

	// The test message carries the password as raw bytes: shown in hex.
	got = fields(t, Options{ShowSecrets: true}, FieldsOptions{Fields: cols[4:9], Separator: ",", Header: true, Quote: '"', Aggregator: "/", Display: true}, r1, r2)
	want = `"cti.AgentID","cti.AgentState","cti.CSQID","cti.CSQs.CSQID","cti.ClientPassword"` + "\n" +
		`"1001","","","","68756e74657232"` + "\n" +
		`"mlopez","AGENT_STATE_AVAILABLE","0","1/2",""` + "\n"
	if !strings.HasPrefix(got, `"cti.AgentID"`) || strings.Count(got, "\n") != 3 {
		t.Fatalf("csv fields: %q", got)
	}
	// The enum name depends on the catalog: compare with the field's own rendering.
	name := conf.Get("AgentState").Display()
	want = strings.Replace(want, "AGENT_STATE_AVAILABLE", name, 1)
	if got != want {
		t.Errorf("csv fields:\n%s\nwant\n%s", got, want)
	}
}

func TestFieldsQuoteAndLines(t *testing.T) {
	m := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(5)}, "ANI", recordtest.S("a\"b\nc"))
	got := fields(t, Options{}, FieldsOptions{Fields: []string{"cti.ANI", "cti.CallID"}, Quote: '"'}, mkrec(m, 1, 0))
	if want := `"a""b\nc"` + "\t" + `"5"` + "\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	// Header even without records; events give only capture fields.
	ev := &record.Record{Frame: record.Frame{Pkt: 9, Stream: 2}, Event: &record.Event{Kind: record.Gap}}
	got = fields(t, Options{}, FieldsOptions{Fields: []string{"cti.num", "cti.event", "cti.stream"}, Header: true}, ev)
	if want := "cti.num\tcti.event\tcti.stream\n\tgap\t2\n"; got != want {
		t.Errorf("event: got %q want %q", got, want)
	}
	if got := fields(t, Options{}, FieldsOptions{Fields: []string{"cti.num"}, Header: true}); got != "cti.num\n" {
		t.Errorf("empty: %q", got)
	}
}
