package ladder

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"
)

// appendArrow writes exactly what json.Marshal(ToJSON(...)) writes,
// including the strings encoding/json escapes (HTML characters, control
// characters, invalid UTF-8, U+2028) and floats in and out of its 'f'
// range.
func TestAppendArrowMatchesEncodingJSON(t *testing.T) {
	eps := []*Endpoint{
		{Name: "server", Role: "server", Addr: netip.MustParseAddrPort("10.0.0.1:42027"), Stream: -1},
		{Name: `a<b>&"c"\`, Role: "client", Addr: netip.MustParseAddrPort("[fe80::1]:5000")},
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.FixedZone("x", 3600))
	labels := []string{"", "AGENT_STATE_EVENT ready", "tab\there\nnewline", "bad \xff utf8", "line\u2028sep", "del\x7f", "é ü 中", `quote " and \ slash`, "<script>&amp;", "a<b", "a>b", "a&b"}
	durations := []time.Duration{0, time.Microsecond, -time.Microsecond, 1500 * time.Millisecond, 3 * time.Hour, -7 * time.Second, 999 * time.Nanosecond}
	n := 0
	for i, l := range labels {
		for j, d := range durations {
			a := &Arrow{Num: i*10 + j, Time: t0.Add(d), Rel: d, Stream: j, From: j % 3, To: 1 - j%2, MsgType: l, Kind: "request",
				Label: l, Request: i, Response: j, Latency: d, HasLatency: j%2 == 0, Failure: i%2 == 1, Status: l, Unanswered: j%3 == 0}
			if i%3 == 1 {
				a.Expert = []string{"error: " + l, l}
			}
			want, err := json.Marshal(ToJSON(a, eps))
			if err != nil {
				t.Fatal(err)
			}
			if got := appendArrow(nil, a, eps); string(got) != string(want) {
				t.Fatalf("arrow %d:\n got %s\nwant %s", n, got, want)
			}
			n++
		}
	}
	// Floats encoding/json writes in exponent form.
	for _, f := range []float64{1e-7, -1e-7, 1e21, 123456789e15} {
		want, _ := json.Marshal(f)
		if got := appendJSONFloat(nil, f); string(got) != string(want) {
			t.Errorf("%g: got %s, want %s", f, got, want)
		}
	}
}
