package crosscheck

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// sample is the generated default capture (what testdata/sample.pcap
// holds: lost nothing, with failures, consult transfers and conferences),
// written to dir, with what the generator says it wrote.
func sample(t *testing.T, dir string) (string, []byte, gen.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := gen.Generate(&buf, gen.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return write(t, dir, "sample.pcap", buf.Bytes()), buf.Bytes(), res
}

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// withoutFrame copies a pcap leaving out one packet (what `editcap in out
// N` does).
func withoutFrame(t *testing.T, capture []byte, drop int) []byte {
	t.Helper()
	return testutil.EditPackets(t, capture, func(n int, _ []byte) bool { return n != drop })
}

// lostConfirm is the sample without the packet of its first
// HEARTBEAT_CONF: a TCP gap in which the answer to one heartbeat is lost.
// It returns the capture, the lost confirm's request (message number
// among the sample's messages, 1-based) and its frame.
func lostConfirm(t *testing.T, capture []byte, res gen.Result) (b []byte, reqNum, frame int) {
	t.Helper()
	num := map[int]int{} // frame -> message number
	for i, m := range res.Messages {
		if m.FirstFrame == m.Frame {
			num[m.Frame] = i + 1
		}
	}
	for _, p := range res.Pairs {
		if p.Response == "HEARTBEAT_CONF" && num[p.ResponseFrame] != 0 {
			return withoutFrame(t, capture, p.ResponseFrame), num[p.RequestFrame], p.ResponseFrame
		}
	}
	t.Fatal("the sample has no single-packet HEARTBEAT_CONF")
	return nil, 0, 0
}

// msg encodes a message with fixed numeric fields and floating strings.
func msg(t *testing.T, name string, fixed map[string]uint64, floating ...string) []byte {
	t.Helper()
	fx := make(map[string]dissect.Value, len(fixed))
	for k, v := range fixed {
		fx[k] = recordtest.U(v)
	}
	var fl []any
	for i := 0; i+1 < len(floating); i += 2 {
		fl = append(fl, floating[i], recordtest.S(floating[i+1]))
	}
	return recordtest.Encode(t, name, fx, fl...)
}

// t0 is when the purpose-built captures start.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// reuse is a small bridge session (protocol version 13) in which CallID 7
// is one call, cleared and ended, then a second call with the same CallID;
// a heartbeat is answered, one gets a FAILURE_CONF, one is never answered
// (the client closes), and a CONFIG_REQUEST_EVENT asks for configuration
// (nothing answers it by InvokeID).
func reuse(t *testing.T) []byte {
	t.Helper()
	c := ctitest.NewConv("10.0.0.21:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Step = 50 * time.Millisecond
	c.Handshake()
	c.Send(true, msg(t, "OPEN_REQ", map[string]uint64{"InvokeID": 1, "VersionNumber": 13, "IdleTimeout": 60}, "ClientID", "wallboard"))
	c.Send(false, msg(t, "OPEN_CONF", map[string]uint64{"InvokeID": 1}))
	c.Send(true, msg(t, "CONFIG_REQUEST_EVENT", map[string]uint64{"ConfigurationMask": 1}))
	call := func(ani string) {
		c.Send(false, msg(t, "BEGIN_CALL_EVENT", map[string]uint64{"CallID": 7}, "ConnectionDeviceID", "5000", "ANI", ani, "DNIS", "5000"))
		c.Send(false, msg(t, "CALL_DELIVERED_EVENT", map[string]uint64{"CallID": 7}, "ConnectionDeviceID", "1001", "AlertingDeviceID", "1001"))
		c.Send(false, msg(t, "CALL_ESTABLISHED_EVENT", map[string]uint64{"CallID": 7}, "ConnectionDeviceID", "1001", "AnsweringDeviceID", "1001"))
		c.Send(false, msg(t, "CALL_CLEARED_EVENT", map[string]uint64{"CallID": 7}, "ConnectionDeviceID", "1001"))
		c.Send(false, msg(t, "END_CALL_EVENT", map[string]uint64{"CallID": 7}, "ConnectionDeviceID", "1001"))
	}
	call("3125550101")
	c.Send(true, msg(t, "HEARTBEAT_REQ", map[string]uint64{"InvokeID": 2}))
	c.Send(false, msg(t, "HEARTBEAT_CONF", map[string]uint64{"InvokeID": 2}))
	call("3125550202")
	c.Send(true, msg(t, "HEARTBEAT_REQ", map[string]uint64{"InvokeID": 3}))
	c.Send(false, msg(t, "FAILURE_CONF", map[string]uint64{"InvokeID": 3, "Status": 4}))
	c.Send(true, msg(t, "HEARTBEAT_REQ", map[string]uint64{"InvokeID": 4}))
	c.Fin(true)
	c.Fin(false)
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}

// backwards is a capture whose third packet is stamped a second before the
// first (captures are not always in time order).
func backwards(t *testing.T) []byte {
	t.Helper()
	c := ctitest.NewConv("10.0.0.21:50000", "10.0.0.5:42027", 100, 900, t0)
	c.Handshake()
	c.Send(true, msg(t, "HEARTBEAT_REQ", map[string]uint64{"InvokeID": 1}))
	early := c.Send(false, msg(t, "HEARTBEAT_CONF", map[string]uint64{"InvokeID": 1}))
	early.Time = t0.Add(-time.Second)
	c.Send(true, msg(t, "HEARTBEAT_REQ", map[string]uint64{"InvokeID": 2}))
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}
