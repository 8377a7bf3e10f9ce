package reassembly_test

import (
	"bytes"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestSetSeqAck renumbers a segment in place and compares it with the
// same segment built with the new numbers (ctitest computes its
// checksums from scratch): every byte, checksum included, must agree, on
// each link type and on IPv4 and IPv6.
func TestSetSeqAck(t *testing.T) {
	for _, ends := range [][2]string{{cli, srv}, {"[2001:db8::1]:40000", "[2001:db8::2]:42027"}} {
		c := NewConv(ends[0], ends[1], 0xfffffff0, 77, t0)
		c.Send(true, Msg(3, 21))
		for _, l := range Links() {
			seg := c.Segs[0]
			if v4 := seg.Src.Addr().Is4(); v4 && l == RawIPv6 || !v4 && l == RawIPv4 {
				continue // the link type names the other IP version
			}
			p := reassembly.Packet{Data: seg.Bytes(l), LinkType: reassembly.LinkType(l.LinkType()), Time: seg.Time}
			info, ok := reassembly.NewInspector().Inspect(&p)
			if !ok || info.Seq != seg.Seq || info.Ack != seg.Ack || info.PayloadLen != len(seg.Payload) || !info.ACK {
				t.Fatalf("%v %s: inspect %+v %v", l, ends[0], info, ok)
			}
			seg.Seq, seg.Ack = seg.Seq-1000, seg.Ack+0x12345 // across the 32-bit wrap
			reassembly.SetSeqAck(p.Data, info.Off, seg.Seq, seg.Ack)
			if want := seg.Bytes(l); !bytes.Equal(p.Data, want) {
				t.Fatalf("%v %s: renumbered\n% x\nwant\n% x", l, ends[0], p.Data, want)
			}
		}
	}
}
