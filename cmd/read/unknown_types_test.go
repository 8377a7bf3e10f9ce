package read

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// Frames of message types the catalog lacks, in a stream that is in sync,
// are messages (UNKNOWN_<id>, body as raw data, an expert warning), in
// order; nothing is reported as skipped. A newer server's messages, or UCCE
// messages on a UCCX decoder, must not vanish.
func TestUnknownTypesKeptInSync(t *testing.T) {
	c := newCapture(captureStart)
	c.handshake()
	ms := time.Millisecond
	c.send(true, msg(t, "OPEN_REQ", []any{"InvokeID", 1, "VersionNumber", 13, "IdleTimeout", 120, "ServicesRequested", 0x10},
		"ClientID", "wallboard", "ClientPassword", []byte("")), ms)
	c.send(false, msg(t, "OPEN_CONF", []any{"InvokeID", 1, "ServicesGranted", 0x10, "Unified CCX Online", 1}), ms)
	// One segment: an unknown type between two heartbeats' worth of known
	// frames; then unknown types alone, one with an empty body.
	c.send(false, ctitest.Cat(ctitest.Msg(150, 6), msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 9})), ms)
	c.send(false, ctitest.Cat(ctitest.Msg(999, 0), ctitest.Msg(273, 40), ctitest.Msg(4095, 3)), ms)
	c.send(true, msg(t, "HEARTBEAT_REQ", []any{"InvokeID", 2}), ms)
	c.send(false, msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 2}), ms)
	r := run(t, false, nil, "-T", "jsonl", writeCapture(t, c.bytes()))
	if r.e != nil {
		t.Fatal(r.e, r.err)
	}
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(r.out), "\n") {
		var o struct {
			Event   string `json:"event"`
			MsgType string `json:"msg_type"`
			Expert  []struct {
				Code string `json:"code"`
			} `json:"expert"`
			Fields []struct {
				Name  string `json:"name"`
				Value any    `json:"value"`
			} `json:"fields"`
		}
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err, line)
		}
		if o.Event != "" {
			types = append(types, "event:"+o.Event)
			continue
		}
		types = append(types, o.MsgType)
		if strings.HasPrefix(o.MsgType, "UNKNOWN_") && o.MsgType != "UNKNOWN_999" {
			if n := len(o.Fields); n != 1 || o.Fields[0].Name != "data" {
				t.Errorf("%s: fields %+v, want the body as raw data", o.MsgType, o.Fields)
			}
			if len(o.Expert) != 1 || o.Expert[0].Code != "cti.unknown_message" {
				t.Errorf("%s: expert %+v", o.MsgType, o.Expert)
			}
		}
	}
	want := "OPEN_REQ OPEN_CONF UNKNOWN_150 HEARTBEAT_CONF UNKNOWN_999 UNKNOWN_273 UNKNOWN_4095 HEARTBEAT_REQ HEARTBEAT_CONF"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("decoded\n %s\nwant\n %s", got, want)
	}
}

// At a point where the boundary is not known (a capture that starts
// mid-stream), unknown types are not trusted as frame starts: the framer
// waits for a chain of known ones, and says what it skipped.
func TestUnknownTypesNeedAChainMidStream(t *testing.T) {
	c := newCapture(captureStart)
	ms := time.Millisecond
	// No handshake: the first bytes are the tail of some frame, then a
	// type neither dialect knows (UCCE defines 150 and 151), then known
	// frames.
	c.send(false, ctitest.Cat([]byte{1, 2, 3, 4, 5}, ctitest.Msg(900, 6),
		msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 9}), msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 10})), ms)
	c.send(false, ctitest.Cat(ctitest.Msg(901, 2), msg(t, "HEARTBEAT_CONF", []any{"InvokeID", 11})), ms)
	r := run(t, false, nil, "-T", "jsonl", writeCapture(t, c.bytes()))
	if r.e != nil {
		t.Fatal(r.e, r.err)
	}
	got := regexpTypes(r.out)
	// Once in sync after the chain, the later unknown frame is kept.
	want := "event:skipped HEARTBEAT_CONF HEARTBEAT_CONF UNKNOWN_901 HEARTBEAT_CONF"
	if got != want {
		t.Errorf("decoded\n %s\nwant\n %s", got, want)
	}
}

// regexpTypes lists the msg_type (or event kind) of each JSON line.
func regexpTypes(out string) string {
	var types []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var o struct {
			Event   string `json:"event"`
			MsgType string `json:"msg_type"`
		}
		if json.Unmarshal([]byte(line), &o) != nil {
			types = append(types, "?")
		} else if o.Event != "" {
			types = append(types, "event:"+o.Event)
		} else {
			types = append(types, o.MsgType)
		}
	}
	return strings.Join(types, " ")
}
