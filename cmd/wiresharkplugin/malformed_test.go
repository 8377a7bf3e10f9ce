package wiresharkplugin

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// build encodes a message of type name at layout l with fixed and floating
// values; raw floating records (already in layout l) are appended as they
// are, and BodyLength is fixed up to cover them.
func build(t *testing.T, name string, l dissect.Layout, fixed map[string]dissect.Value, floating [][2]any, raw ...[]byte) []byte {
	t.Helper()
	def := dissect.LookupName(name)
	if def == nil {
		t.Fatalf("no message %s", name)
	}
	m := dissect.NewMessage(def)
	for k, v := range fixed {
		if err := m.SetFixed(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range floating {
		if err := m.Add(f[0].(string), f[1].(dissect.Value)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := dissect.Encode(m, l)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range raw {
		b = append(b, r...)
	}
	binary.BigEndian.PutUint32(b[0:4], uint32(len(b)-dissect.HeaderLen))
	return b
}

// record21 is a raw floating record in the 2+1 layout.
func record21(tag uint16, data string) []byte {
	return append([]byte{byte(tag >> 8), byte(tag), byte(len(data))}, data...)
}

// malformedCapture is one version-18 session on a port that is not a CTI
// server port (so only the heuristic finds it), carrying the malformed
// cases ctishark flags inside messages: a string without its NUL, an
// unknown tag, a known tag the message does not define, and a secret.
// With frames, those raw CTI frames are sent (in one segment) before the
// heartbeat.
func malformedCapture(t *testing.T, frames ...[]byte) []byte {
	u := func(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
	us := func(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUSHORT, v) }
	l := dissect.Layout21
	c := ctitest.NewConv("10.0.0.9:40000", "10.0.0.1:5555", 1000, 9000, time.Unix(1772442000, 0).UTC())
	c.Handshake()
	c.Send(true, build(t, "OPEN_REQ", l, map[string]dissect.Value{"InvokeID": u(7), "VersionNumber": u(18), "IdleTimeout": u(60), "ServicesRequested": u(0x10)},
		[][2]any{{"ClientID", dissect.Str("lab-wallboard")}, {"ClientPassword", dissect.Bytes([]byte("s3cret"))}}))
	c.Send(false, build(t, "OPEN_CONF", l, map[string]dissect.Value{"InvokeID": u(7), "ServicesGranted": u(0x10)}, nil))
	// AGENT_STATE_EVENT: an AgentID without NUL, a tag nobody knows, and
	// ClientID, which the message does not define.
	c.Send(false, build(t, "AGENT_STATE_EVENT", l, map[string]dissect.Value{"AgentState": us(3)}, nil,
		record21(194, "agent42"), record21(4000, "mystery\x00"), record21(1, "lab\x00")))
	var seg []byte
	for _, f := range frames {
		seg = append(seg, f...)
	}
	c.Send(true, append(seg, build(t, "HEARTBEAT_REQ", l, map[string]dissect.Value{"InvokeID": u(8)}, nil)...))
	c.Send(false, build(t, "HEARTBEAT_CONF", l, map[string]dissect.Value{"InvokeID": u(8)}, nil))
	c.Fin(true)
	c.Fin(false)
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}

// TestTsharkMalformedAndHeuristic compares both decoders on the crafted
// session: tshark finds it on port 5555 only through the plugin's heuristic
// dissector, and must flag every malformed case as ctishark does.
func TestTsharkMalformedAndHeuristic(t *testing.T) {
	tshark, dir, script, path := setup(t, malformedCapture(t))
	want := ctisharkMessages(t, path)
	if len(want) != 5 {
		t.Fatalf("ctishark decodes %d messages of the crafted session, want 5", len(want))
	}
	codes := map[string]bool{}
	for _, m := range want {
		for _, e := range m.experts {
			codes[strings.Fields(e)[1]] = true
		}
	}
	for _, c := range []string{dissect.ExpNoNUL + ":", dissect.ExpUnknownTag + ":", dissect.ExpNotAllowed + ":"} {
		if !codes[c] {
			t.Errorf("the crafted session raises no %s item in ctishark; the test would not check it", c)
		}
	}
	got := tsharkMessages(t, tshark, dir, script, path)
	msgs, fields := compareMessages(t, want, got)
	infos := compareInfo(t, want, tsharkInfo(t, tshark, dir, script, path))
	t.Logf("crafted session: %d messages, %d field values, %d Info columns agree", msgs, fields, infos)
}

// TestTsharkShowSecrets checks the preference that unmasks passwords: off,
// ClientPassword is ******** (compared above); on, it is the bytes.
func TestTsharkShowSecrets(t *testing.T) {
	tshark, dir, script, path := setup(t, malformedCapture(t))
	for _, tc := range []struct {
		pref, want string
	}{{"FALSE", "********"}, {"TRUE", "733363726574"}} {
		out := run(t, tsharkCmd(tshark, dir, script, path, "-o", "cti.show_secrets:"+tc.pref, "-T", "fields", "-e", "cti.ClientPassword", "-Y", "cti.ClientPassword"))
		got := strings.ReplaceAll(strings.TrimSpace(string(out)), ":", "")
		if got != tc.want {
			t.Errorf("show_secrets %s: cti.ClientPassword = %q, want %q", tc.pref, got, tc.want)
		}
	}
}

// TestTsharkBadFrames checks what the plugin shows for frames ctishark's
// reassembler does not hand to its decoder today: it resynchronises past a
// header with an unknown message type or a body shorter than the message's
// fixed part (a "skipped" event), while Wireshark's TCP layer has already
// cut the stream at BodyLength, so the plugin decodes such a frame as far as
// it goes. The plugin must say what is wrong with it, as ctishark's decoder
// does for the same bytes, and carry on with the next frame.
func TestTsharkBadFrames(t *testing.T) {
	unknown := []byte{0, 0, 0, 5, 0, 0, 0, 250, 1, 2, 3, 4, 5}
	short := []byte{0, 0, 0, 6, 0, 0, 0, byte(dissect.LookupName("AGENT_STATE_EVENT").ID), 0, 3, 0, 0, 0, 0}
	tshark, dir, script, path := setup(t, malformedCapture(t, unknown, short))
	got := tsharkMessages(t, tshark, dir, script, path)
	var names []string
	for _, m := range got {
		names = append(names, m.items[2].val)
	}
	if want := "OPEN_REQ OPEN_CONF AGENT_STATE_EVENT UNKNOWN_250 AGENT_STATE_EVENT HEARTBEAT_REQ HEARTBEAT_CONF"; strings.Join(names, " ") != want {
		t.Fatalf("tshark shows %s, want %s", strings.Join(names, " "), want)
	}
	for i, frame := range [][]byte{unknown, short} {
		m := got[3+i]
		want := dissect.Decode(frame, dissect.Context{Version: 18, Layout: dissect.Layout21, Source: dissect.SourceVersion, OpenReqExtra: 0, Dialect: dissect.DialectUCCX})
		var exp []string
		for _, e := range want.AllExpert() {
			exp = append(exp, e.Severity.String()+" "+e.Code+": "+e.Message)
		}
		if strings.Join(m.experts, "\n") != strings.Join(exp, "\n") || len(exp) == 0 {
			t.Errorf("%s: tshark expert items\n  %s\nctishark's decoder\n  %s", want.Name(), strings.Join(m.experts, "\n  "), strings.Join(exp, "\n  "))
		}
		var items []item
		for j := range want.Fields {
			items = appendField(items, &want.Fields[j])
		}
		body := m.items[3:]
		if len(body) != len(items) {
			t.Fatalf("%s: tshark shows %v, ctishark's decoder %v", want.Name(), body, items)
		}
		for j := range items {
			if body[j].key != items[j].key || !sameValue(items[j].key, body[j].val, items[j].val) {
				t.Errorf("%s: tshark %v, ctishark's decoder %v", want.Name(), body[j], items[j])
			}
		}
	}
}
