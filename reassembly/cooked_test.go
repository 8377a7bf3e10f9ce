package reassembly_test

import (
	"encoding/binary"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// cookedCases are Linux cooked headers that gopacket's own layers refuse
// or send elsewhere, while tshark dissects IP and TCP behind every one
// (TestAgainstTshark): an address length over the 8 bytes the header holds
// (libpcap writes the device's, 20 for InfiniBand), and an SLL2 header of
// an ip_gre device (ARPHRD_IPGRE), whose protocol field is the GRE
// protocol type of the IP packet that follows.
type cookedCase struct {
	name string
	lt   uint32
	hdr  func(etype uint16) []byte
}

func cookedCases() []cookedCase {
	sll := func(hatype, halen uint16) func(etype uint16) []byte {
		return func(etype uint16) []byte {
			h := []byte{0, 0}
			h = binary.BigEndian.AppendUint16(h, hatype)
			h = binary.BigEndian.AppendUint16(h, halen)
			h = append(h, 0x80, 0, 0, 0x48, 0xfe, 0x80, 0, 0)
			return binary.BigEndian.AppendUint16(h, etype)
		}
	}
	sll2 := func(hatype uint16, halen byte) func(etype uint16) []byte {
		return func(etype uint16) []byte {
			h := binary.BigEndian.AppendUint16(nil, etype)
			h = append(h, 0, 0, 0, 0, 0, 3)
			h = binary.BigEndian.AppendUint16(h, hatype)
			h = append(h, 0, halen, 0x80, 0, 0, 0x48, 0xfe, 0x80, 0, 0)
			return h
		}
	}
	return []cookedCase{
		{"sll-infiniband-address", 113, sll(32, 20)},
		{"sll2-infiniband-address", 276, sll2(32, 20)},
		{"sll2-ipgre", 276, sll2(778, 0)},
	}
}

// capture is simpleConv behind the header, over IPv4 or IPv6.
func (tc cookedCase) capture(v6 bool) []byte {
	cli, srv, etype := "192.0.2.1:40000", "192.0.2.2:42027", uint16(0x0800)
	if v6 {
		cli, srv, etype = "[2001:db8::1]:40000", "[2001:db8::2]:42027", 0x86dd
	}
	segs := simpleConv(cli, srv)
	pkts := make([]Packet, len(segs))
	for i := range segs {
		pkts[i] = Packet{Time: segs[i].Time, Data: append(tc.hdr(etype), segs[i].IP()...)}
	}
	return PcapRaw(tc.lt, pkts)
}

func TestCookedHeaders(t *testing.T) {
	for _, tc := range cookedCases() {
		for _, v6 := range []bool{false, true} {
			name := tc.name
			if v6 {
				name += "/ipv6"
			}
			t.Run(name, func(t *testing.T) {
				res := runBytes(t, tc.capture(v6), reassembly.Options{})
				wantSimple(t, res)
				if res.stats.TCPPackets != res.stats.Packets || len(res.stats.DecodeErrors) != 0 {
					t.Errorf("stats %+v", res.stats)
				}
			})
		}
	}
}
