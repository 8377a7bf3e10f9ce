package reassembly

import (
	"encoding/binary"
	"testing"

	"golang.org/x/net/bpf"
)

// filterPkt describes a crafted frame for the capture filter tests.
type filterPkt struct {
	tags       []uint16 // VLAN tag EtherTypes, outermost first
	v6         bool
	proto      uint8
	ihl        int // IPv4 header length in bytes (20 if 0)
	fragOff    uint16
	moreFrags  bool
	sport      uint16
	dport      uint16
	etherType  uint16 // overrides the IP EtherType when non-zero
	truncateTo int    // cut the frame to this length when > 0
}

// bytes builds the frame by hand: the filter reads fixed offsets, so the
// test should spell out where every field is.
func (p filterPkt) bytes() []byte {
	b := make([]byte, 12, 128) // zero MACs, like Linux loopback
	for _, t := range p.tags {
		b = binary.BigEndian.AppendUint16(b, t)
		b = binary.BigEndian.AppendUint16(b, 42) // TCI: VLAN 42
	}
	et := uint16(ethTypeIPv4)
	if p.v6 {
		et = ethTypeIPv6
	}
	if p.etherType != 0 {
		et = p.etherType
	}
	b = binary.BigEndian.AppendUint16(b, et)
	if p.v6 {
		ip := make([]byte, 40)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], 20)
		ip[6] = p.proto
		ip[7] = 64
		ip[23], ip[39] = 1, 1 // ::1 -> ::1
		b = append(b, ip...)
	} else {
		ihl := p.ihl
		if ihl == 0 {
			ihl = 20
		}
		ip := make([]byte, ihl)
		ip[0] = 0x40 | byte(ihl/4)
		binary.BigEndian.PutUint16(ip[2:], uint16(ihl+20))
		frag := p.fragOff & 0x1fff
		if p.moreFrags {
			frag |= 0x2000
		}
		binary.BigEndian.PutUint16(ip[6:], frag)
		ip[8] = 64
		ip[9] = p.proto
		copy(ip[12:], []byte{127, 0, 0, 1, 127, 0, 0, 1})
		b = append(b, ip...)
	}
	tcp := make([]byte, 20)
	binary.BigEndian.PutUint16(tcp[0:], p.sport)
	binary.BigEndian.PutUint16(tcp[2:], p.dport)
	tcp[12] = 5 << 4
	b = append(b, tcp...)
	if p.truncateTo > 0 && p.truncateTo < len(b) {
		b = b[:p.truncateTo]
	}
	return b
}

func runFilter(t *testing.T, prog []bpf.Instruction, pkt []byte) int {
	t.Helper()
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatalf("NewVM: %v", err)
	}
	n, err := vm.Run(pkt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return n
}

func TestTCPPortFilter(t *testing.T) {
	const snap = 65535
	prog, err := TCPPortFilter([]uint16{42027, 12028}, snap)
	if err != nil {
		t.Fatal(err)
	}
	vlan := []uint16{ethType8021Q}
	qinq := []uint16{ethType8021A, ethType8021Q}
	cases := []struct {
		name   string
		pkt    filterPkt
		accept bool
	}{
		{"v4 to server", filterPkt{proto: ipProtoTCP, sport: 50000, dport: 42027}, true},
		{"v4 from server", filterPkt{proto: ipProtoTCP, sport: 42027, dport: 50000}, true},
		{"v4 second port", filterPkt{proto: ipProtoTCP, sport: 50000, dport: 12028}, true},
		{"v4 other ports", filterPkt{proto: ipProtoTCP, sport: 50000, dport: 42028}, false},
		{"v4 options (IHL 24)", filterPkt{proto: ipProtoTCP, ihl: 24, sport: 1234, dport: 42027}, true},
		{"v4 options, other port", filterPkt{proto: ipProtoTCP, ihl: 60, sport: 1234, dport: 80}, false},
		{"v4 UDP on the port", filterPkt{proto: 17, sport: 50000, dport: 42027}, false},
		{"v4 first fragment", filterPkt{proto: ipProtoTCP, moreFrags: true, sport: 50000, dport: 42027}, true},
		// A later fragment has no TCP header: bytes where the ports
		// would be are payload, so it must not match on them.
		{"v4 later fragment", filterPkt{proto: ipProtoTCP, fragOff: 185, sport: 50000, dport: 42027}, false},
		{"v6 to server", filterPkt{v6: true, proto: ipProtoTCP, sport: 50000, dport: 42027}, true},
		{"v6 from server", filterPkt{v6: true, proto: ipProtoTCP, sport: 12028, dport: 50000}, true},
		{"v6 other ports", filterPkt{v6: true, proto: ipProtoTCP, sport: 1, dport: 2}, false},
		{"v6 UDP", filterPkt{v6: true, proto: 17, sport: 42027, dport: 42027}, false},
		{"v6 extension header", filterPkt{v6: true, proto: 0, sport: 42027, dport: 42027}, false},
		{"vlan v4", filterPkt{tags: vlan, proto: ipProtoTCP, sport: 50000, dport: 42027}, true},
		{"vlan v4 other", filterPkt{tags: vlan, proto: ipProtoTCP, sport: 50000, dport: 80}, false},
		{"vlan v6", filterPkt{tags: vlan, v6: true, proto: ipProtoTCP, sport: 42027, dport: 50000}, true},
		{"qinq v4", filterPkt{tags: qinq, proto: ipProtoTCP, ihl: 28, sport: 50000, dport: 12028}, true},
		{"qinq v6", filterPkt{tags: qinq, v6: true, proto: ipProtoTCP, sport: 50000, dport: 12028}, true},
		{"qinq v6 other", filterPkt{tags: qinq, v6: true, proto: ipProtoTCP, sport: 50000, dport: 12029}, false},
		{"ARP", filterPkt{etherType: 0x0806, proto: ipProtoTCP, sport: 42027, dport: 42027}, false},
		{"truncated before the ports", filterPkt{proto: ipProtoTCP, sport: 42027, dport: 42027, truncateTo: 34}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runFilter(t, prog, c.pkt.bytes())
			want := 0
			if c.accept {
				want = snap
			}
			if got != want {
				t.Errorf("filter returned %d, want %d", got, want)
			}
		})
	}
}

func TestTCPPortFilterNoPorts(t *testing.T) {
	prog, err := TCPPortFilter(nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := runFilter(t, prog, filterPkt{proto: ipProtoTCP, sport: 1, dport: 2}.bytes()); got != DefaultSnapLen {
		t.Errorf("any TCP: got %d, want %d", got, DefaultSnapLen)
	}
	if got := runFilter(t, prog, filterPkt{v6: true, proto: 17, sport: 1, dport: 2}.bytes()); got != 0 {
		t.Errorf("UDP: got %d, want 0", got)
	}
}

// Many ports push labels beyond the 255-instruction reach of conditional
// jumps; the assembler must still resolve them, and every port match.
func TestTCPPortFilterManyPorts(t *testing.T) {
	var ports []uint16
	for p := uint16(40000); p < 40100; p++ {
		ports = append(ports, p)
	}
	prog, err := TCPPortFilter(ports, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bpf.Assemble(prog); err != nil {
		t.Fatalf("Assemble: %v", err)
	}
	for _, tags := range [][]uint16{nil, {ethType8021Q, ethType8021Q}} {
		for _, v6 := range []bool{false, true} {
			for _, p := range []uint16{40000, 40099} {
				pkt := filterPkt{tags: tags, v6: v6, proto: ipProtoTCP, sport: 1, dport: p}.bytes()
				if got := runFilter(t, prog, pkt); got != DefaultSnapLen {
					t.Errorf("tags %v v6 %v port %d: got %d", tags, v6, p, got)
				}
			}
			pkt := filterPkt{tags: tags, v6: v6, proto: ipProtoTCP, sport: 1, dport: 40100}.bytes()
			if got := runFilter(t, prog, pkt); got != 0 {
				t.Errorf("tags %v v6 %v port 40100: got %d", tags, v6, got)
			}
		}
	}
	if _, err := TCPPortFilter(append(ports, 1), 0); err == nil {
		t.Error("101 ports: want an error")
	}
}
