package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"html"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
	"github.com/ctishark/ctishark/render/termtext"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func mkrec(m *dissect.Message, num int, at time.Duration) *record.Record {
	return &record.Record{
		Num: num, Msg: m,
		Frame: record.Frame{Pkt: num + 3, Pkts: []int{num + 3}, Time: t0.Add(at), Start: t0, Stream: 0,
			Src: netip.MustParseAddrPort("10.0.0.50:50123"), Dst: netip.MustParseAddrPort("10.0.0.5:42027"), Dir: record.ClientToServer},
		Session: record.Session{Version: 13, Layout: dissect.Layout11, LayoutSource: dissect.SourceVersion, Mode: dissect.ModeAgent},
	}
}

func render(t *testing.T, f Format, opts Options, recs ...*record.Record) string {
	t.Helper()
	var b bytes.Buffer
	opts.Location = time.UTC
	w, err := New(f, &b, opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, recs)
	return b.String()
}

// writeAll writes every record to w and closes it.
func writeAll(t *testing.T, w Writer, recs []*record.Record) {
	t.Helper()
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func openReq(t *testing.T) *dissect.Message {
	return recordtest.Build(t, "OPEN_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1), "VersionNumber": recordtest.U(13), "ServicesRequested": recordtest.U(0x05)},
		"ClientID", recordtest.S("desk"), "ClientPassword", dissect.Bytes([]byte("hunter2")), "AgentID", recordtest.S("1001"))
}

func TestJSONValues(t *testing.T) {
	m := recordtest.Build(t, "BEGIN_CALL_EVENT", map[string]dissect.Value{"CallID": recordtest.U(5), "CallType": recordtest.U(1)},
		"ANI", recordtest.S("a\"b\\c\n\x01é"), "NamedVariable", dissect.NamedVar("user.x", "1"), "NamedArray", dissect.NamedArray(2, "arr", "v"))
	out := render(t, FormatJSONL, Options{}, mkrec(m, 1, time.Second))
	var obj struct {
		Time   string
		Fields []struct {
			Name    string
			Tag     *int
			Value   any
			Display string
			Filter  string
		}
		Session map[string]any
	}
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if obj.Time != "2026-03-02T09:00:01.000000000Z" {
		t.Errorf("time %q", obj.Time)
	}
	got := map[string]any{}
	for _, f := range obj.Fields {
		got[f.Name] = f.Value
		if f.Name == "CallType" && f.Display != "CALLTYPE_CCX_IN" {
			t.Errorf("CallType display %q", f.Display)
		}
		if f.Name == "ANI" && (f.Tag == nil || *f.Tag != 8 || f.Filter != "cti.ANI") {
			t.Errorf("ANI tag/filter: %v %q", f.Tag, f.Filter)
		}
	}
	if got["CallID"] != 5.0 || got["ANI"] != "a\"b\\c\n\x01é" {
		t.Errorf("values: %v", got)
	}
	if nv, _ := got["NamedVariable"].(map[string]any); nv["name"] != "user.x" || nv["value"] != "1" {
		t.Errorf("NamedVariable %v", got["NamedVariable"])
	}
	if na, _ := got["NamedArray"].(map[string]any); na["index"] != 2.0 || na["name"] != "arr" {
		t.Errorf("NamedArray %v", got["NamedArray"])
	}
	if obj.Session["layout"] != "1+1" || obj.Session["version"] != 13.0 || obj.Session["mode"] != "agent" {
		t.Errorf("session %v", obj.Session)
	}
}

func TestAppendStringInvalidUTF8(t *testing.T) {
	b := appendString(nil, "ok\xffx\u2028")
	var s string
	if err := json.Unmarshal(b, &s); err != nil || s != "ok\ufffdx\u2028" {
		t.Errorf("%s -> %q, %v", b, s, err)
	}
}

func TestSecretsEverywhere(t *testing.T) {
	r := mkrec(openReq(t), 1, 0)
	for _, f := range Formats {
		out := render(t, f, Options{Hex: true}, r)
		if strings.Contains(out, "hunter2") || strings.Contains(out, "68756e74657232") || strings.Contains(out, "68 75 6e 74") {
			t.Errorf("%s shows the password:\n%s", f, out)
		}
		shown := render(t, f, Options{Hex: true, ShowSecrets: true}, r)
		// The table shows the bytes with -x; psml is the packet list only.
		if f != FormatPSML && !strings.Contains(shown, "68756e74657232") && !strings.Contains(shown, "68 75 6e 74") {
			t.Errorf("%s with ShowSecrets hides the password", f)
		}
	}
}

func TestTree(t *testing.T) {
	m := openReq(t)
	r := mkrec(m, 1, 1500*time.Microsecond)
	r.Request = nil
	out := render(t, FormatTree, Options{Hex: true}, r)
	for _, want := range []string{
		"Message 1: OPEN_REQ (3), ",
		"    Time: 2026-03-02 09:00:00.001500 UTC (0.001500 s since the first packet)",
		"    Stream 0: 10.0.0.50:50123 → 10.0.0.5:42027 (client->server)",
		"    Session: protocol version 13, floating header 1+1 (from the OPEN_REQ version), agent mode",
		"        ServicesRequested: CTI_SERVICE_CLIENT_EVENTS | CTI_SERVICE_CLIENT_CONTROL (0x00000005)",
		"            .... .... .... .... .... .... .... ...1 = CTI_SERVICE_CLIENT_EVENTS: Set",
		"            .... .... .... .... .... .... .... ..0. = CTI_SERVICE_CALL_DATA_UPDATE: Not set",
		"        [tag 2] ClientPassword: ********",
		"0000  00 00 00 ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tree lacks %q:\n%s", want, out)
		}
	}
}

func TestTreeExpertUnderField(t *testing.T) {
	m := dissect.NewMessage(dissect.LookupName("END_CALL_EVENT"))
	_ = m.AddTag(250, 0, dissect.Str("x"))
	frame, _ := dissect.Encode(m, dissect.Layout11)
	d := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	out := render(t, FormatTree, Options{}, mkrec(d, 1, 0))
	want := "        [tag 250] tag 250: x\n            [Expert Warning (cti.unknown_tag): FieldDataID 250 is not in the catalog; data shown as text]\n"
	if !strings.Contains(out, want) {
		t.Errorf("tree lacks\n%s\nin\n%s", want, out)
	}
}

func TestHexDump(t *testing.T) {
	frame := make([]byte, 20)
	for i := range frame {
		frame[i] = byte('A' + i)
	}
	var b strings.Builder
	HexDump(&b, &dissect.Message{Frame: frame}, false)
	want := "0000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50   ABCDEFGHIJKLMNOP\n" +
		"0010  51 52 53 54                                        QRST\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestTimeFormats(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	recs := []*record.Record{mkrec(m, 1, 1500*time.Millisecond), mkrec(m, 2, 2750*time.Millisecond)}
	// The pipeline stamps Prev with the previous record decoded: here one
	// filtered out 2.5 s in, so -t d and -t dd differ on the second row.
	recs[1].Frame.Prev = t0.Add(2500 * time.Millisecond)
	for _, tc := range []struct {
		arg  string
		want []string
	}{
		{"relative", []string{"1.500000", "2.750000"}},
		{"r", []string{"1.500000", "2.750000"}},
		{"delta", []string{"0.000000", "1.250000"}},
		{"dd", []string{"0.000000", "1.250000"}},
		{"d", []string{"0.000000", "0.250000"}},
		{"epoch", []string{"1772442001.500000", "1772442002.750000"}},
		{"e", []string{"1772442001.500000", "1772442002.750000"}},
		{"absolute", []string{"2026-03-02 09:00:01.500000", "2026-03-02 09:00:02.750000"}},
		{"ad", []string{"2026-03-02 09:00:01.500000", "2026-03-02 09:00:02.750000"}},
		{"a", []string{"09:00:01.500000", "09:00:02.750000"}},
		{"ud", []string{"2026-03-02 09:00:01.500000", "2026-03-02 09:00:02.750000"}},
		{"u", []string{"09:00:01.500000", "09:00:02.750000"}},
	} {
		f, err := ParseTimeFormat(tc.arg)
		if err != nil {
			t.Fatalf("-t %s: %v", tc.arg, err)
		}
		out := render(t, FormatTable, Options{Time: f}, recs...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		for i, w := range tc.want {
			if !strings.Contains(lines[i], " "+w+" ") {
				t.Errorf("-t %s row %d: %q lacks %q", tc.arg, i+1, lines[i], w)
			}
		}
		if (tc.arg == "a" || tc.arg == "u") && strings.Contains(out, "2026-") {
			t.Errorf("-t %s shows a date:\n%s", tc.arg, out)
		}
	}
	if _, err := ParseTimeFormat("x"); err == nil || !strings.Contains(err.Error(), "ad, d, dd") {
		t.Errorf("-t x: %v", err)
	}
}

// -t u and ud are UTC whatever the local zone; a and ad follow it.
func TestTimeFormatsZone(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	zone := time.FixedZone("X", 2*3600)
	for f, want := range map[TimeFormat]string{TimeUTC: " 09:00:01.000000 ", TimeOfDay: " 11:00:01.000000 ", TimeUTCDate: " 2026-03-02 09:00:01.000000 ", TimeAbsolute: " 2026-03-02 11:00:01.000000 "} {
		var b bytes.Buffer
		w, err := New(FormatTable, &b, Options{Time: f, Location: zone})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(mkrec(m, 1, time.Second))
		w.Close()
		if !strings.Contains(b.String(), want) {
			t.Errorf("-t %s: %q lacks %q", f, b.String(), want)
		}
	}
}

func TestTableColour(t *testing.T) {
	fail := recordtest.Build(t, "FAILURE_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(1), "Status": recordtest.U(13)})
	hb := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	out := render(t, FormatTable, Options{Color: true}, mkrec(fail, 1, 0), mkrec(hb, 2, 0))
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "\x1b[31m") || !strings.Contains(lines[1], "\x1b[2m") {
		t.Errorf("failure not red or heartbeat not dim:\n%q", out)
	}
	if plain := render(t, FormatTable, Options{}, mkrec(fail, 1, 0)); strings.Contains(plain, "\x1b") {
		t.Error("colour without Options.Color")
	}
}

func TestEventRecords(t *testing.T) {
	r := &record.Record{Frame: record.Frame{Pkt: 9, Time: t0, Start: t0, Dir: record.ServerToClient}, Event: &record.Event{Kind: record.Gap, Bytes: 100, Offset: 4000}}
	for _, f := range Formats {
		out := render(t, f, Options{}, r)
		if f == FormatPSML {
			out = html.UnescapeString(out)
		}
		if !strings.Contains(out, "100 bytes server->client missing from the capture at stream offset 4000") {
			t.Errorf("%s: %s", f, out)
		}
	}
}

func TestAlignedTable(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	out := render(t, FormatTable, Options{Aligned: true}, mkrec(m, 1, 0), mkrec(m, 22, time.Second))
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "No.") || !strings.Contains(lines[0], "Info") {
		t.Fatalf("aligned table:\n%s", out)
	}
	for _, l := range lines {
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing blanks in %q", l)
		}
	}
	if strings.Index(lines[2], "HEARTBEAT_REQ") != strings.Index(lines[3], "HEARTBEAT_REQ") {
		t.Errorf("columns not aligned:\n%s", out)
	}
}

// A password tag in a message that does not define it is still masked.
func TestForeignSecretMasked(t *testing.T) {
	m := dissect.NewMessage(dissect.LookupName("HEARTBEAT_REQ"))
	if err := m.AddTag(2, 0, dissect.Bytes([]byte("hunter2"))); err != nil {
		t.Fatal(err)
	}
	frame, _ := dissect.Encode(m, dissect.Layout11)
	d := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	for _, f := range Formats {
		out := render(t, f, Options{Hex: true}, mkrec(d, 1, 0))
		if strings.Contains(out, "68756e74657232") || strings.Contains(out, "hunter2") || strings.Contains(out, "68 75 6e 74") {
			t.Errorf("%s shows a foreign ClientPassword:\n%s", f, out)
		}
	}
}

// -T ek is tshark's: an index line naming the day, then the document with
// the time in milliseconds and the jsonl object under layers.cti.
func TestEK(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(7)})
	out := render(t, FormatEK, Options{}, mkrec(m, 1, 1500*time.Millisecond))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 || lines[0] != `{"index":{"_index":"packets-2026-03-02","_type":"doc"}}` {
		t.Fatalf("index line:\n%s", out)
	}
	var doc struct {
		Timestamp string `json:"timestamp"`
		Layers    struct {
			CTI map[string]any `json:"cti"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &doc); err != nil {
		t.Fatalf("%v: %s", err, lines[1])
	}
	jsonl := render(t, FormatJSONL, Options{}, mkrec(m, 1, 1500*time.Millisecond))
	if doc.Timestamp != "1772442001500" || !strings.Contains(lines[1], `"cti":`+strings.TrimSuffix(jsonl, "\n")+"}}") {
		t.Errorf("document %s\nwant the jsonl object %s", lines[1], jsonl)
	}
}

// -T psml is the packet list as tshark's XML: the table's columns as
// sections, text escaped for XML.
func TestPSML(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(7)})
	out := render(t, FormatPSML, Options{}, mkrec(m, 1, 1500*time.Millisecond))
	var doc struct {
		XMLName   xml.Name `xml:"psml"`
		Structure struct {
			Sections []string `xml:"section"`
		} `xml:"structure"`
		Packets []struct {
			Sections []string `xml:"section"`
		} `xml:"packet"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if strings.Join(doc.Structure.Sections, "|") != "No.|Time|Source|Destination|Message|Invoke/Call|Info" || len(doc.Packets) != 1 {
		t.Fatalf("structure %v, %d packets", doc.Structure.Sections, len(doc.Packets))
	}
	if got := strings.Join(doc.Packets[0].Sections, "|"); got != "1|1.500000|10.0.0.50:50123|10.0.0.5:42027|HEARTBEAT_REQ|7|" {
		t.Errorf("packet %s", got)
	}
	if empty := render(t, FormatPSML, Options{}); xml.Unmarshal([]byte(empty), &doc) != nil {
		t.Errorf("no message: %s", empty)
	}
}

// On a terminal rows are cut at its width, with … where the cut is, so
// none wraps; aligned and streamed alike, header and rule included.
func TestTableWidth(t *testing.T) {
	m := recordtest.Build(t, "HEARTBEAT_REQ", map[string]dissect.Value{"InvokeID": recordtest.U(7)})
	for _, aligned := range []bool{true, false} {
		out := render(t, FormatTable, Options{Aligned: aligned, Width: 60, Color: true}, mkrec(m, 1, 0), mkrec(m, 2, time.Second))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		want := 2
		if aligned {
			want = 4 // header and rule
		}
		if len(lines) != want {
			t.Fatalf("aligned %v: %d lines:\n%s", aligned, len(lines), out)
		}
		for _, l := range lines {
			if n := termtext.VisibleLen(l); n > 60 || !strings.HasSuffix(strings.TrimSuffix(l, "\x1b[0m"), "…") && n == 60 {
				t.Errorf("aligned %v: %d columns: %q", aligned, n, l)
			}
		}
		if wide := render(t, FormatTable, Options{Aligned: aligned, Width: 200}, mkrec(m, 1, 0)); strings.Contains(wide, "…") || !strings.Contains(wide, "HEARTBEAT_REQ") {
			t.Errorf("aligned %v at 200 columns cut: %s", aligned, wide)
		}
	}
}

// The table's ID column says whether it holds an InvokeID or a call, and
// Info does not repeat it; JSON's info keeps it (no ID column there).
func TestTableIDNotRepeated(t *testing.T) {
	conf := recordtest.Build(t, "SET_AGENT_STATE_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(3)})
	call := recordtest.Build(t, "CALL_CLEARED_EVENT", map[string]dissect.Value{"CallID": recordtest.U(16777516), "LocalConnectionState": recordtest.U(0), "EventCause": recordtest.U(22)},
		"ConnectionDeviceID", recordtest.S("1001"))
	out := render(t, FormatTable, Options{}, mkrec(conf, 1, 0), mkrec(call, 2, 0))
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasSuffix(lines[0], "SET_AGENT_STATE_CONF                        3 ") && !strings.HasSuffix(lines[0], " 3") {
		t.Errorf("confirm row %q: want the InvokeID once, no Info", lines[0])
	}
	if strings.Count(lines[1], "16777516") != 1 || !strings.Contains(lines[1], "call 16777516 dev 1001") {
		t.Errorf("call row %q: want \"call 16777516\" once, in the ID column", lines[1])
	}
	if js := render(t, FormatJSONL, Options{}, mkrec(call, 2, 0)); !strings.Contains(js, `"info":"call 16777516 dev 1001`) {
		t.Errorf("JSON info lost the call: %s", js)
	}
}

// The tree counts zero reserved fields in the section title instead of a
// line each, and shows a non-zero one as the number it is (not a date).
func TestTreeReserved(t *testing.T) {
	m := recordtest.Build(t, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": recordtest.U(3)}, "AgentID", recordtest.S("1001"))
	out := render(t, FormatTree, Options{}, mkrec(m, 1, 0))
	if strings.Contains(out, "reserved: 0") || !regexp.MustCompile(`Fixed part \(\d+ bytes; \d+ reserved fields, all zero, not shown\)`).MatchString(out) {
		t.Errorf("zero reserved fields shown or not counted:\n%s", out)
	}
	conf := recordtest.Build(t, "OPEN_CONF", map[string]dissect.Value{"InvokeID": recordtest.U(1)})
	for i := range conf.Fields {
		if conf.Fields[i].Name == "reserved" && conf.Fields[i].Value.Type == dissect.TypeTIME {
			conf.Fields[i].Value.Num = 1772442000
		}
	}
	out = render(t, FormatTree, Options{}, mkrec(conf, 1, 0))
	if !strings.Contains(out, "reserved: 1772442000 (not zero)") || strings.Contains(out, "reserved: 2026") {
		t.Errorf("non-zero reserved TIME:\n%s", out)
	}
}
