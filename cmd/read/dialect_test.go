package read

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/dissecttest"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestMixedDialectCapture reads one capture holding a UCCX session (a
// version-13 OPEN_REQ without reserved UINTs) and, interleaved with it, a
// UCCE session (the ucce-ctidriver samples at version 20, real UCCE bytes):
// each connection decodes under its own dialect. Type 236 is in both, with
// different meanings: UCCX's CONFIG_CSQ_EVENT, and from version 19 UCCE's
// CONFIG_SKILL_GROUP_EVENT. The UCCE connection's session says "ucce" in
// JSON; the UCCX one names no dialect, as before dialects existed.
func TestMixedDialectCapture(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	x := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, start)
	x.Handshake()
	x.Send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 60, "ServicesRequested", 0x10},
		"ClientID", "wallboard", "ClientPassword", []byte{}))
	x.Send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 0x10}))
	x.Send(false, msg(t, "CONFIG_CSQ_EVENT", []any{"NumRecords", 0}))
	x.Send(true, msg(t, "HEARTBEAT_REQ", []any{"InvokeID", 2}))

	vs, err := dissecttest.Load("../../dissect/testdata/independent")
	if err != nil {
		t.Fatal(err)
	}
	var v20 *dissecttest.Vector
	for i := range vs {
		if vs[i].File == "v20-ucce-ctidriver-session.json" {
			v20 = &vs[i]
		}
	}
	if v20 == nil {
		t.Fatal("v20 ucce-ctidriver vector missing")
	}
	e := ctitest.NewConv("10.0.0.2:50001", "10.0.0.5:42027", 300, 700, start.Add(500*time.Microsecond))
	e.Handshake()
	var wantE []string
	for _, f := range v20.Frames[:6] { // OPEN_REQ ... BEGIN_CALL_EVENT
		b, _ := f.Bytes()
		e.Send(f.FromClient(), b)
		wantE = append(wantE, f.Message)
	}
	e.Send(false, ucceMsg(t, "CONFIG_SKILL_GROUP_EVENT", 20, "PeripheralName", "pg1", "Description", "sales"))
	wantE = append(wantE, "CONFIG_SKILL_GROUP_EVENT")

	segs := append(slices.Clone(x.Segs), e.Segs...)
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].Time.Before(segs[j].Time) })
	r := run(t, false, nil, "-T", "jsonl", writeCapture(t, ctitest.Pcap(ctitest.Ethernet, segs)))
	if r.e != nil {
		t.Fatalf("read: %v %s", r.e, r.err)
	}
	got := map[string][]string{}
	dialect := map[string]any{}
	fields := map[string]map[string]bool{}
	for _, l := range jsonLines(t, r.out) {
		if l["event"] != nil {
			t.Errorf("event: %v", l)
			continue
		}
		src, _ := l["src"].(string)
		client := strings.Split(src, ":")[0]
		if client == "10.0.0.5" {
			client = strings.Split(l["dst"].(string), ":")[0]
		}
		typ := fmt.Sprint(l["msg_type"])
		got[client] = append(got[client], typ)
		s, _ := l["session"].(map[string]any)
		dialect[client] = s["dialect"]
		for _, f := range l["fields"].([]any) {
			if fields[typ] == nil {
				fields[typ] = map[string]bool{}
			}
			fields[typ][client+" "+f.(map[string]any)["name"].(string)] = true
		}
	}
	if want := []string{"OPEN_REQ", "OPEN_CONF", "CONFIG_CSQ_EVENT", "HEARTBEAT_REQ"}; !slices.Equal(got["10.0.0.1"], want) {
		t.Errorf("UCCX connection: %v, want %v", got["10.0.0.1"], want)
	}
	if !slices.Equal(got["10.0.0.2"], wantE) {
		t.Errorf("UCCE connection: %v, want %v", got["10.0.0.2"], wantE)
	}
	if dialect["10.0.0.1"] != nil || dialect["10.0.0.2"] != "ucce" {
		t.Errorf("session dialects: UCCX connection %v, UCCE connection %v", dialect["10.0.0.1"], dialect["10.0.0.2"])
	}
	// Each OPEN_CONF under its own dialect's layout: UCCX's "Unified CCX
	// Online", UCCE's PeripheralOnline and, from version 19, DepartmentID.
	for _, want := range []string{"10.0.0.1 Unified CCX Online", "10.0.0.2 PeripheralOnline", "10.0.0.2 DepartmentID"} {
		if !fields["OPEN_CONF"][want] {
			t.Errorf("OPEN_CONF lacks %q: %v", want, fields["OPEN_CONF"])
		}
	}
	if fields["OPEN_CONF"]["10.0.0.1 DepartmentID"] {
		t.Error("the UCCX OPEN_CONF decoded a DepartmentID")
	}

	// --dialect uccx forces every connection to UCCX: UCCE's type 22 is
	// unknown there, and no session says ucce.
	r = run(t, false, nil, "--dialect", "uccx", "-T", "jsonl", writeCapture(t, ctitest.Pcap(ctitest.Ethernet, segs)))
	if r.e != nil {
		t.Fatalf("read --dialect uccx: %v %s", r.e, r.err)
	}
	if !strings.Contains(r.out, `"msg_type":"UNKNOWN_22"`) || strings.Contains(r.out, `"dialect":"ucce"`) {
		t.Errorf("--dialect uccx did not force UCCX:\n%s", r.out)
	}
}

// ucceMsg encodes a UCCE message at version v (2+2 floating headers from
// version 20) with its fixed part zero and the given floating fields.
func ucceMsg(t *testing.T, name string, v int, floating ...any) []byte {
	t.Helper()
	def := dissect.CatalogFor(dissect.DialectUCCE).LookupName(name, v)
	if def == nil {
		t.Fatalf("UCCE has no %s at version %d", name, v)
	}
	m := dissect.NewMessage(def)
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), val(floating[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	l := dissect.Layout11
	if v >= 20 {
		l = dissect.Layout22
	}
	b, err := dissect.Encode(m, l)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMixedGeneratedCapture reads gen's UCCX and UCCE contact centers
// merged into one capture: every message of a UCCE connection decodes
// from the UCCE catalog (its session says "ucce"), every UCCX one as
// before (no dialect named), each connection's messages are gen's in
// order, every confirm points at its request, and nothing rates a warning.
func TestMixedGeneratedCapture(t *testing.T) {
	mx := testutil.MixedCapture(t, 3, 3)
	r := run(t, false, nil, "-T", "jsonl", mx.Path)
	if r.e != nil {
		t.Fatalf("read: %v %s", r.e, r.err)
	}
	want := map[string][]string{} // client -> message types, as gen wrote them
	for _, res := range []gen.Result{mx.UCCX, mx.UCCE} {
		for _, m := range res.Messages {
			c := res.Connections[m.Conn].Client.String()
			want[c] = append(want[c], m.Type)
		}
	}
	got := map[string][]string{}
	types := map[float64]string{} // message number -> type, for the pairing check
	paired := 0
	for _, l := range jsonLines(t, r.out) {
		client := l["src"].(string)
		if l["dir"] == "server->client" {
			client = l["dst"].(string)
		}
		typ := l["msg_type"].(string)
		got[client] = append(got[client], typ)
		types[l["num"].(float64)] = typ
		s, _ := l["session"].(map[string]any)
		if ucce := mx.UCCEClient(client); (s["dialect"] == "ucce") != ucce || !ucce && s["dialect"] != nil {
			t.Errorf("message %v (%s) on %s: session dialect %v", l["num"], typ, client, s["dialect"])
		}
		if req, ok := l["request_in"].(float64); ok {
			paired++
			if q := types[req]; !strings.HasSuffix(q, "_REQ") || strings.TrimSuffix(q, "_REQ") != strings.TrimSuffix(typ, "_CONF") && !strings.HasSuffix(typ, "FAILURE_CONF") {
				t.Errorf("message %v %s answers %v %s", l["num"], typ, req, q)
			}
		}
	}
	for c, w := range want {
		if !slices.Equal(got[c], w) {
			t.Errorf("%s: read %d messages, gen wrote %d (or another order)", c, len(got[c]), len(w))
		}
	}
	n := 0
	for _, res := range []gen.Result{mx.UCCX, mx.UCCE} {
		for _, p := range res.Pairs {
			if p.InvokeID != 0 {
				n++
			}
		}
	}
	if paired != n {
		t.Errorf("%d confirms paired, gen paired %d by InvokeID", paired, n)
	}
	// Neither side rates a warning (gen's scripted failures are notes).
	r = run(t, false, nil, "-Y", "cti.expert.severity >= warning", mx.Path)
	if r.e != nil || r.out != "" {
		t.Errorf("warnings in the mixed capture (%v):\n%s", r.e, r.out)
	}
}
