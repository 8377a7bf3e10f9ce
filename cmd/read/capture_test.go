package read

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// capture writes a classic pcap of one TCP connection (Ethernet, IPv4)
// between a CTI client and server, so command tests can build exactly the
// traffic they need. Checksums are left zero: the reader does not check them.
type capture struct {
	buf          bytes.Buffer
	t            time.Time
	cseq, sseq   uint32
	client, srv  [4]byte
	cport, sport uint16
}

func newCapture(start time.Time) *capture {
	c := &capture{t: start, cseq: 1000, sseq: 5000, client: [4]byte{10, 0, 0, 50}, srv: [4]byte{10, 0, 0, 5}, cport: 50123, sport: 42027}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 65535)
	binary.LittleEndian.PutUint32(h[20:], 1) // Ethernet
	c.buf.Write(h[:])
	return c
}

const (
	flagFIN = 0x01
	flagSYN = 0x02
	flagACK = 0x10
	flagPSH = 0x08
)

func (c *capture) packet(fromClient bool, flags byte, payload []byte, dt time.Duration) {
	c.t = c.t.Add(dt)
	src, dst, sp, dp, seq, ack := c.client, c.srv, c.cport, c.sport, c.cseq, c.sseq
	if !fromClient {
		src, dst, sp, dp, seq, ack = c.srv, c.client, c.sport, c.cport, c.sseq, c.cseq
	}
	var p []byte
	p = append(p, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1, 0x08, 0x00) // Ethernet
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
	ip[8], ip[9] = 64, 6
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	p = append(p, ip...)
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], sp)
	binary.BigEndian.PutUint16(tcp[2:], dp)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = 5 << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	p = append(p, tcp...)
	p = append(p, payload...)
	var rec [16]byte
	binary.LittleEndian.PutUint32(rec[0:], uint32(c.t.Unix()))
	binary.LittleEndian.PutUint32(rec[4:], uint32(c.t.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(rec[8:], uint32(len(p)))
	binary.LittleEndian.PutUint32(rec[12:], uint32(len(p)))
	c.buf.Write(rec[:])
	c.buf.Write(p)
	n := uint32(len(payload))
	if flags&(flagSYN|flagFIN) != 0 {
		n++
	}
	if fromClient {
		c.cseq += n
	} else {
		c.sseq += n
	}
}

// handshake writes SYN, SYN-ACK, ACK.
func (c *capture) handshake() {
	c.packet(true, flagSYN, nil, 0)
	c.packet(false, flagSYN|flagACK, nil, 100*time.Microsecond)
	c.packet(true, flagACK, nil, 100*time.Microsecond)
}

// send writes one segment of payload.
func (c *capture) send(fromClient bool, payload []byte, dt time.Duration) {
	c.packet(fromClient, flagACK|flagPSH, payload, dt)
}

// lose advances a direction's sequence number as if n bytes were sent but
// never captured.
func (c *capture) lose(fromClient bool, n int) {
	if fromClient {
		c.cseq += uint32(n)
	} else {
		c.sseq += uint32(n)
	}
}

func (c *capture) bytes() []byte { return c.buf.Bytes() }

// msg encodes a message for a version-13 session.
func msg(t testing.TB, name string, fixed []any, floating ...any) []byte {
	t.Helper()
	m := dissect.NewMessage(dissect.LookupName(name))
	for i := 0; i+1 < len(fixed); i += 2 {
		if err := m.SetFixed(fixed[i].(string), val(fixed[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(floating); i += 2 {
		if err := m.Add(floating[i].(string), val(floating[i+1])); err != nil {
			t.Fatal(err)
		}
	}
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func val(v any) dissect.Value {
	switch x := v.(type) {
	case int:
		return dissect.Uint(dissect.TypeUINT, uint64(x))
	case string:
		return dissect.Str(x)
	case []byte:
		return dissect.Bytes(x)
	case dissect.Value:
		return x
	}
	panic("val: unsupported type")
}

var captureStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// agentSession is a short agent-mode session: login, a call, a failure, a
// heartbeat, a frame split over two segments, two frames in one segment, a
// message with an unknown tag, a lost segment, then a clean close.
func agentSession(t testing.TB) []byte {
	c := newCapture(captureStart)
	c.handshake()
	ms := time.Millisecond
	c.send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 120, "ServicesRequested", 0x05,
		"CallMsgMask", 0x2005, "AgentStateMask", 0x0f},
		"ClientID", "desk-1001", "ClientPassword", []byte("hunter2"), "AgentExtension", "1001", "AgentID", "1001"), ms)
	c.send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 0x05, "Unified CCX Online", 1, "AgentState", 2},
		"AgentExtension", "1001", "AgentID", "1001"), 2*ms)
	c.send(true, msg(t, "SET_AGENT_STATE_REQ", []any{"InvokeID", 2, "AgentState", 3},
		"AgentInstrument", "1001", "AgentPassword", "s3cret", "AgentID", "1001"), 500*ms)
	// Confirm and event in one segment.
	c.send(false, append(msg(t, "SET_AGENT_STATE_CONF", []any{"InvokeID", 2}),
		msg(t, "AGENT_STATE_EVENT", []any{"AgentState", 3, "EventReasonCode", 32760}, "AgentExtension", "1001", "AgentID", "1001")...), 3*ms)
	// A call, its BEGIN_CALL_EVENT split over two segments.
	begin := msg(t, "BEGIN_CALL_EVENT", []any{"CallType", 1, "ConnectionDeviceType", 1, "CallID", 16777217, "NumNamedVariables", 1},
		"ConnectionDeviceID", "1001", "ANI", "4085551234", "DNIS", "5000", "DialedNumber", "5000",
		"NamedVariable", dissect.NamedVar("user.account", "42"))
	c.send(false, begin[:20], 2*time.Second)
	c.send(false, begin[20:], 200*time.Microsecond)
	c.send(false, msg(t, "CALL_DELIVERED_EVENT", []any{"ConnectionDeviceType", 1, "CallID", 16777217, "LocalConnectionState", 2, "EventCause", 22},
		"ConnectionDeviceID", "1001", "CallingDeviceID", "4085551234", "CalledDeviceID", "1001", "ANI", "4085551234", "DNIS", "5000"), ms)
	c.send(true, msg(t, "ANSWER_CALL_REQ", []any{"InvokeID", 3, "CallID", 16777217, "ConnectionDeviceType", 1},
		"ConnectionDeviceID", "1001", "AgentInstrument", "1001"), 1500*ms)
	c.send(false, msg(t, "CONTROL_FAILURE_CONF", []any{"InvokeID", 3, "FailureCode", 13, "Unified CCX ErrorCode", 88005},
		"Text", "device busy"), 4*ms)
	c.send(true, msg(t, "HEARTBEAT_REQ", []any{"InvokeID", 4}), 30*time.Second)
	c.send(false, msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 4}), ms)
	// An event carrying a tag the catalog does not know.
	odd := dissect.NewMessage(dissect.LookupName("END_CALL_EVENT"))
	_ = odd.SetFixed("CallID", dissect.Uint(dissect.TypeUINT, 16777217))
	_ = odd.Add("ConnectionDeviceID", dissect.Str("1001"))
	_ = odd.AddTag(250, 0, dissect.Str("vendor"))
	oddb, err := dissect.Encode(odd, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	c.send(false, oddb, 10*ms)
	// A lost server segment, then the stream goes on.
	c.lose(false, len(msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 5})))
	c.send(false, msg(t, "FAILURE_EVENT", []any{"Status", 94}, "Text", "JTAPI problem"), 5*time.Second)
	c.send(true, msg(t, "CLOSE_REQ", []any{"InvokeID", 6}), 2*time.Second)
	c.send(false, msg(t, "CLOSE_CONF", []any{"InvokeID", 6}), ms)
	c.packet(true, flagFIN|flagACK, nil, ms)
	c.packet(false, flagFIN|flagACK, nil, ms)
	return c.bytes()
}
