package stats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// Packets no record speaks for (packets of an unknown link type, an IP
// datagram missing a fragment) get a line in the stats table and a
// warning on standard error, instead of an empty report and nothing said.
func TestStatsUndecodedPackets(t *testing.T) {
	c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.2:42027", 1000, 5000, time.Unix(1700000000, 0))
	c.Handshake()
	c.Send(true, testutil.Encode(t, "HEARTBEAT_REQ", 1))
	c.Send(false, testutil.Encode(t, "HEARTBEAT_CONF", 1))
	frags := ctitest.Frag4(c.Segs[3].IP(), 8, 9)
	pkts := []ctitest.Packet{}
	for i, s := range c.Segs {
		if i == 3 {
			pkts = append(pkts, ctitest.Packet{Time: s.Time, Data: ctitest.Ethernet.Wrap(frags[0])}) // the rest never came
			continue
		}
		pkts = append(pkts, ctitest.Packet{Time: s.Time, Data: s.Bytes(ctitest.Ethernet)})
	}
	dir := t.TempDir()
	eth := filepath.Join(dir, "eth.pcap")
	if err := os.WriteFile(eth, ctitest.PcapRaw(1, pkts), 0o644); err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(dir, "user.pcap")
	if err := os.WriteFile(user, ctitest.PcapRaw(147, pkts[:2]), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := testutil.Exec(t, NewCmdStats, eth, user)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Packets not decoded: 2 of unsupported link types, 0 malformed; 1 IP datagrams dropped incomplete (8 bytes)"; !strings.Contains(out, want) {
		t.Errorf("stats output lacks %q:\n%s", want, out)
	}
	for _, want := range []string{
		"eth.pcap: 1 IP datagrams dropped incomplete (8 bytes of fragments)",
		"user.pcap: 2 packets of link type 147 (LinkType(147)) not decoded: unsupported link type",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}
