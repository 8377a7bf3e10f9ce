package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestAnsweredWithinEdges: a request whose connection closed unanswered
// fails; one still open when the capture ends is judged only when the
// capture went on for longer than the limit after it.
func TestAnsweredWithinEdges(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, t0)
	a.Handshake()
	a.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 1))   // #1 answered by #2
	a.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1)) // #2
	a.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 2))   // #3 never answered: FIN
	a.Fin(true)
	a.Fin(false)
	b := ctitest.NewConv("10.0.0.2:50001", "10.0.0.5:42027", 100, 900, t0.Add(10*time.Second))
	b.Handshake()
	b.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 3)) // #4 still open at the end
	dir := t.TempDir()
	capture := filepath.Join(dir, "hb.pcap")
	if err := os.WriteFile(capture, ctitest.Pcap(ctitest.Ethernet, append(a.Segs, b.Segs...)), 0o644); err != nil {
		t.Fatal(err)
	}
	rules := writeFile(t, dir, "hb.yaml", `rules:
  - answered_within: 1s
  - answered_within: 1s
    filter: cti.stream == 1
`)
	r := run(t, "--color", "always", rules, capture)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.err)
	}
	for _, s := range []string{
		"1 of 3 requests not answered within 1s",
		"#3 HEARTBEAT_REQ never answered",
		"0 requests answered within 1s (1 still open at the capture's end, not judged)",
		"\x1b[", // colour asked for
	} {
		if !strings.Contains(r.out, s) {
			t.Errorf("report lacks %q:\n%s", s, r.out)
		}
	}
	if strings.Contains(r.out, "#4 ") {
		t.Errorf("the request still open at the end was judged:\n%s", r.out)
	}
	// No colour into a pipe by default.
	if r := run(t, rules, capture); strings.Contains(r.out, "\x1b[") {
		t.Errorf("colour without a terminal:\n%q", r.out)
	}
}
