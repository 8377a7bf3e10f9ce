package read

import (
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// A forged RST (far outside the window, or inside it but not at the next
// expected sequence number) does not end the connection: what follows is
// still decoded, and the RST shows as an ignored event.
func TestForgedRSTIgnored(t *testing.T) {
	for _, tc := range []struct {
		name string
		off  uint32
		want string
	}{
		{"outside the window", 0x40000000, "outside the receive window"},
		{"inside the window", 100, "challenge ACK"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCapture(captureStart)
			c.handshake()
			ms := time.Millisecond
			c.send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 120}, "ClientID", "desk-1001"), ms)
			c.sseq += tc.off
			c.packet(false, 0x04, nil, ms) // RST from the "server"
			c.sseq -= tc.off
			c.send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 0x05}), ms)
			c.send(true, msg(t, "HEARTBEAT_REQ", []any{"InvokeID", 2}), ms)
			res := run(t, false, nil, "-T", "jsonl", writeCapture(t, c.bytes()))
			if res.e != nil {
				t.Fatalf("%v\n%s", res.e, res.err)
			}
			for _, w := range []string{"OPEN_REQ", `"ignored"`, tc.want, "OPEN_CONF", "HEARTBEAT_REQ"} {
				if !strings.Contains(res.out, w) {
					t.Errorf("output lacks %q:\n%s", w, res.out)
				}
			}
		})
	}
}

// Packets of a link type ctishark does not decode are not passed over in
// silence: standard error says how many, of which type.
func TestUnknownLinkTypeReported(t *testing.T) {
	b := agentSession(t)
	binary.LittleEndian.PutUint32(b[20:], 147) // LINKTYPE_USER0
	res := run(t, false, nil, writeCapture(t, b))
	if res.e != nil {
		t.Fatal(res.e)
	}
	if res.out != "" {
		t.Errorf("output %q, want none", res.out)
	}
	if want := "20 packets of link type 147 (LinkType(147)) not decoded: unsupported link type"; !strings.Contains(res.err, want) {
		t.Errorf("stderr %q lacks %q", res.err, want)
	}
}

// The pcapng interface table is bounded: a file declaring too many
// interfaces stops with a message naming --max-interface-table, and the
// flag lets it through.
func TestInterfaceTableFlag(t *testing.T) {
	in := ctitest.InterfaceFlood(40000)
	defer in.Close()
	b, err := io.ReadAll(in)
	if err != nil {
		t.Fatal(err)
	}
	path := writeCapture(t, b)
	res := run(t, false, nil, path)
	if res.e == nil || !strings.Contains(res.err, "raise it with --max-interface-table") {
		t.Errorf("default bound: error %v, stderr %q; want a failure naming the flag", res.e, res.err)
	}
	if res = run(t, false, nil, "--max-interface-table", "64M", path); res.e != nil || res.err != "" {
		t.Errorf("raised bound: error %v, stderr %q; want neither", res.e, res.err)
	}
}
