package wiresharkplugin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/dissecttest"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// independentCapture sends every independent vector (real UCCE frames of
// open-source CTI drivers and clients at versions 15, 19, 20 and 24, some
// of types the catalog lacks; see dissect/testdata/independent) over its
// own TCP connection to the UCCX port, one after the other, as
// cmd/read/independent_test.go does: a vector without OPEN_REQ is captured
// without the handshake, as a capture started mid-session is. Every other
// vector is cut into 5-byte segments, so reassembly carries the detection
// too. It returns the capture and the number of frames sent.
func independentCapture(t *testing.T) ([]byte, int) {
	t.Helper()
	vs, err := dissecttest.Load("../../dissect/testdata/independent")
	if err != nil {
		t.Fatal(err)
	}
	// Each session is also sent without its OPEN_REQ, as a capture started
	// just after it: then the version is unknown and the bytes decide the
	// layout and UCCE's trailing DepartmentID. ctishark looks for a first
	// boundary in a stream it did not see open among known types only, and
	// skips a leading frame of an unknown type (an "event"); Wireshark's TCP
	// layer cannot tell the plugin where a stream began, so such frames are
	// left out of these variants.
	for _, v := range vs {
		if !v.OpenReq || len(v.Frames) < 2 || v.Frames[0].Message != "OPEN_REQ" {
			continue
		}
		var rest []dissecttest.Frame
		known := map[bool]bool{}
		for _, f := range v.Frames[1:] {
			if !known[f.FromClient()] && strings.HasPrefix(f.Message, "UNKNOWN_") {
				continue
			}
			known[f.FromClient()] = true
			rest = append(rest, f)
		}
		v.OpenReq, v.Frames = false, rest
		vs = append(vs, v)
	}
	var segs []ctitest.Seg
	frames := 0
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for i, v := range vs {
		c := ctitest.NewConv(fmt.Sprintf("10.0.0.1:%d", 50000+i), "10.0.0.5:42027", 100, 900, at.Add(time.Duration(i)*time.Minute))
		if v.OpenReq {
			c.Handshake()
		}
		for _, f := range v.Frames {
			b, err := f.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 1 {
				c.SendSplit(f.FromClient(), b, 5)
			} else {
				c.Send(f.FromClient(), b)
			}
			frames++
		}
		c.Fin(true)
		c.Fin(false)
		segs = append(segs, c.Segs...)
	}
	return ctitest.Pcap(ctitest.Ethernet, segs), frames
}

// TestTsharkIndependentVectors holds the plugin to ctishark's layout
// detection on bytes ctishark did not write: both must decode every frame
// as the same message with the same fields, expert items, Info text and
// session notes (the layout each connection settles on, and when).
func TestTsharkIndependentVectors(t *testing.T) {
	pcap, frames := independentCapture(t)
	tshark, dir, script, path := setup(t, pcap)
	want := ctisharkMessages(t, path)
	if len(want) != frames {
		t.Fatalf("ctishark decodes %d messages of the %d independent frames", len(want), frames)
	}
	// The capture must exercise what it is meant to check.
	seen := map[string]bool{}
	for _, m := range want {
		if strings.HasPrefix(m.name, "UNKNOWN_") {
			seen["UNKNOWN_<id>"] = true
		}
		for _, n := range m.notes {
			seen[strings.SplitN(n, ":", 2)[0]] = true
		}
	}
	// (UCCE's own fields, DepartmentID among them, are the UCCE dialect's,
	// which the plugin does not have yet: both decoders read UCCX here.)
	for _, c := range []string{"UNKNOWN_<id>", dissect.ExpLayoutDetected, dissect.ExpOpenReqLayout} {
		if !seen[c] {
			t.Errorf("ctishark's decode of the independent vectors shows no %s; the test would not check it", c)
		}
	}
	got := tsharkMessages(t, tshark, dir, script, path)
	agree(t, "independent vectors", want, got, tsharkInfo(t, tshark, dir, script, path))
}
