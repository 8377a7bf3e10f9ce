package wiresharkplugin

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/capture"
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
	agree(t, "crafted session", want, got, tsharkInfo(t, tshark, dir, script, path))
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

// TestTsharkBadFrames compares both decoders on frames that are well
// framed but bad inside, sent in one segment between good ones: a type the
// catalog lacks (UNKNOWN_250, body kept as data) and a body shorter than
// its message's fixed part. At a known frame boundary ctishark's framer
// takes any type with a sane BodyLength (dissect.Framing.FrameLenInSync),
// as Wireshark's TCP layer cuts the stream at BodyLength, so both show
// them and carry on with the next frame.
func TestTsharkBadFrames(t *testing.T) {
	unknown := []byte{0, 0, 0, 5, 0, 0, 0, 250, 1, 2, 3, 4, 5}
	short := []byte{0, 0, 0, 6, 0, 0, 0, byte(dissect.LookupName("AGENT_STATE_EVENT").ID), 0, 3, 0, 0, 0, 0}
	tshark, dir, script, path := setup(t, malformedCapture(t, unknown, short))
	want := ctisharkMessages(t, path)
	var names []string
	for _, m := range want {
		names = append(names, m.name)
	}
	if w := "OPEN_REQ OPEN_CONF AGENT_STATE_EVENT UNKNOWN_250 AGENT_STATE_EVENT HEARTBEAT_REQ HEARTBEAT_CONF"; strings.Join(names, " ") != w {
		t.Fatalf("ctishark decodes %s, want %s", strings.Join(names, " "), w)
	}
	for _, m := range want[3:5] {
		if len(m.experts) == 0 {
			t.Errorf("ctishark flags nothing in %s; the test would not check it", m.name)
		}
	}
	got := tsharkMessages(t, tshark, dir, script, path)
	agree(t, "bad frames", want, got, tsharkInfo(t, tshark, dir, script, path))
}

// TestTsharkForcedVersionAndLayout compares both decoders with the
// protocol version or the floating header layout forced (the plugin's
// preferences, ctishark's --cti-version and --float-header) on the crafted
// version-18 session and the independent UCCE vectors: a forced layout that
// does not fit, a settled version layout that a message cannot parse under
// (cti.layout.mismatch), fixed parts shorter than the forced version wants
// (cti.version.field_absent), and passwords decoded under other names,
// which must stay masked by their bytes.
func TestTsharkForcedVersionAndLayout(t *testing.T) {
	indep, _ := independentCapture(t)
	for _, c := range []struct {
		name string
		pcap []byte
	}{{"crafted", malformedCapture(t)}, {"independent", indep}} {
		tshark, dir, script, path := setup(t, c.pcap)
		for _, force := range []struct {
			pref string
			opt  capture.Option
		}{
			{"cti.version:13", capture.WithVersion(13)},
			{"cti.version:18", capture.WithVersion(18)},
			{"cti.version:20", capture.WithVersion(20)},
			{"cti.layout:1+1 (" + dissect.Layout11.Describe() + ")", capture.WithLayout("1+1")},
			{"cti.layout:2+1 (" + dissect.Layout21.Describe() + ")", capture.WithLayout("2+1")},
			{"cti.layout:2+2 (" + dissect.Layout22.Describe() + ")", capture.WithLayout("2+2")},
		} {
			name := c.name + " " + strings.SplitN(force.pref, " ", 2)[0]
			t.Run(name, func(t *testing.T) {
				want := ctisharkMessages(t, path, force.opt)
				got := tsharkMessages(t, tshark, dir, script, path, "-o", force.pref)
				agree(t, name, want, got, tsharkInfo(t, tshark, dir, script, path, "-o", force.pref))
			})
		}
	}
}

// ucce18Capture is a version-18 session written in the 1+1 layout, as a
// UCCE server speaks version 18: the version map leaves the layout open
// (UCCX 2+1, UCCE 1+1), so OPEN_REQ's own floating part sets the lean and
// the connection's evidence settles it.
func ucce18Capture(t *testing.T) []byte {
	u := func(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, v) }
	us := func(v uint64) dissect.Value { return dissect.Uint(dissect.TypeUSHORT, v) }
	l := dissect.Layout11
	c := ctitest.NewConv("10.0.0.7:40001", "10.0.0.2:42027", 500, 7000, time.Unix(1772443000, 0).UTC())
	c.Handshake()
	c.Send(true, build(t, "OPEN_REQ", l, map[string]dissect.Value{"InvokeID": u(1), "VersionNumber": u(18), "IdleTimeout": u(60), "ServicesRequested": u(0x01)},
		[][2]any{{"ClientID", dissect.Str("agent-desktop")}, {"ClientPassword", dissect.Bytes([]byte("hunter2"))},
			{"AgentExtension", dissect.Str("4001")}, {"AgentID", dissect.Str("1001")}}))
	c.Send(false, build(t, "OPEN_CONF", l, map[string]dissect.Value{"InvokeID": u(1), "ServicesGranted": u(0x01)},
		[][2]any{{"AgentExtension", dissect.Str("4001")}, {"AgentID", dissect.Str("1001")}}))
	for i, st := range []uint64{3, 2, 3} {
		c.Send(false, build(t, "AGENT_STATE_EVENT", l, map[string]dissect.Value{"AgentState": us(st), "StateDuration": u(uint64(10 * i))},
			[][2]any{{"AgentID", dissect.Str("1001")}, {"AgentExtension", dissect.Str("4001")}, {"CTIClientSignature", dissect.Str("agent-desktop")}}))
	}
	c.Send(true, build(t, "HEARTBEAT_REQ", l, map[string]dissect.Value{"InvokeID": u(2)}, nil))
	c.Send(false, build(t, "HEARTBEAT_CONF", l, map[string]dissect.Value{"InvokeID": u(2)}, nil))
	c.Fin(true)
	c.Fin(false)
	return ctitest.Pcap(ctitest.Ethernet, c.Segs)
}

// TestTsharkVersion18Detected compares both decoders on the UCCE-style
// version-18 session: the same layout, settled at the same message, with
// the same note.
func TestTsharkVersion18Detected(t *testing.T) {
	tshark, dir, script, path := setup(t, ucce18Capture(t))
	want := ctisharkMessages(t, path)
	detected := false
	for _, m := range want {
		for _, n := range m.notes {
			detected = detected || strings.HasPrefix(n, dissect.ExpLayoutDetected+": floating header layout 1+1")
		}
	}
	if !detected {
		t.Errorf("ctishark does not detect 1+1 in the version-18 UCCE session; the test would not check it")
	}
	got := tsharkMessages(t, tshark, dir, script, path)
	agree(t, "version-18 UCCE session", want, got, tsharkInfo(t, tshark, dir, script, path))
}
