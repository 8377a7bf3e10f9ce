package ladder

import (
	"slices"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// In a capture mixing gen's UCCX and UCCE contact centers, each UCCE
// session's column says "UCCE v20" (and why, in JSON, the text column's
// introduction and the SVG tooltip); the UCCX columns say nothing of a
// dialect. Every message is drawn, each confirm paired with its request.
func TestMixedDialectLabels(t *testing.T) {
	mx := testutil.MixedCapture(t, 2, 2)
	d := runJSON(t, mx.Path)
	if want := mx.UCCX.NumMsgs + mx.UCCE.NumMsgs; len(d.Arrows) != want {
		t.Errorf("%d arrows, gen wrote %d messages", len(d.Arrows), want)
	}
	clients := 0
	for _, e := range d.Endpoints {
		if e.Role != "client" {
			continue
		}
		clients++
		ucce := mx.UCCEClient(e.Addr)
		if got := strings.HasSuffix(e.Label, ", UCCE v20"); got != ucce || (e.Dialect == "ucce") != ucce ||
			ucce && !strings.Contains(e.DialectWhy, "version 20") || !ucce && e.DialectWhy != "" {
			t.Errorf("%s (UCCE %v): label %q, dialect %q (%q)", e.Addr, ucce, e.Label, e.Dialect, e.DialectWhy)
		}
	}
	if want := len(mx.UCCX.Connections) + len(mx.UCCE.Connections); clients != want {
		t.Errorf("%d client columns, want %d", clients, want)
	}
	paired := 0
	for _, a := range d.Arrows {
		if a.Kind == "confirm" && a.Request > 0 {
			paired++
		}
	}
	want := 0 // gen's pairs by InvokeID (CONFIG_KEY_EVENT answers without one)
	for _, p := range slices.Concat(mx.UCCX.Pairs, mx.UCCE.Pairs) {
		if p.InvokeID != 0 {
			want++
		}
	}
	if paired != want {
		t.Errorf("%d confirms paired, gen paired %d by InvokeID", paired, want)
	}

	text, _, err := run(t, nil, mx.Path)
	if err != nil {
		t.Fatal(err)
	}
	intros := 0
	for _, l := range strings.Split(text, "\n") {
		if !strings.Contains(l, "(stream ") {
			continue
		}
		intros++
		addr := strings.Fields(l[strings.Index(l, "10.10."):])[0]
		want := mx.UCCEClient(addr)
		if got := strings.Contains(l, ", UCCE v20  (stream ") && strings.Contains(l, "above UCCX's highest"); got != want {
			t.Errorf("column introduction (UCCE %v): %s", want, l)
		}
	}
	if intros != clients {
		t.Errorf("%d column introductions, %d clients", intros, clients)
	}

	svg, _, err := run(t, nil, "-T", "svg", mx.Path)
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := svgTexts(t, svg)
	n := 0
	for _, s := range texts {
		if strings.HasPrefix(s, "UCCE v20, ") {
			n++
		}
	}
	if n != len(mx.UCCE.Connections) || !slices.Contains(texts, "UCCE v20, bridge mode") {
		t.Errorf("%d SVG heads name UCCE v20, want %d: %q", n, len(mx.UCCE.Connections), texts[:min(len(texts), 40)])
	}
}
