package reassembly

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// Offsets and constants of the link-layer frames the capture filter reads.
// The live capture always sees Ethernet framing (Linux loopback included,
// with zero MACs), so the filter only needs to understand Ethernet with up
// to two VLAN tags.
const (
	ethTypeIPv4  = 0x0800
	ethTypeIPv6  = 0x86dd
	ethType8021Q = 0x8100
	ethType8021A = 0x88a8 // QinQ outer tag
	ipProtoTCP   = 6

	// DefaultSnapLen is what an accepted packet is cut to. Loopback
	// carries up to 64 KiB segments (its MTU is 65536, and GSO can build
	// segments that large), so anything smaller would truncate CTI data.
	DefaultSnapLen = 262144
)

// TCPPortFilter assembles the in-kernel filter that accepts TCP over IPv4
// or IPv6 (behind zero, one or two VLAN tags) whose source or destination
// port is one of ports; no ports means every TCP segment. Accepted packets
// are cut to snapLen bytes.
//
// Like tcpdump's "tcp port N", it matches an IPv4 fragment only when it is
// the first one (the others carry no TCP header, and the reassembler does
// not reassemble fragments anyway), and it looks at IPv6's fixed header
// only: a TCP segment behind extension headers is not matched. Neither
// shows up in CTI traffic in practice.
func TCPPortFilter(ports []uint16, snapLen int) ([]bpf.Instruction, error) {
	if snapLen <= 0 {
		snapLen = DefaultSnapLen
	}
	if len(ports) > 100 {
		// Each port costs two comparisons per path; the kernel caps a
		// classic BPF program at 4096 instructions.
		return nil, fmt.Errorf("capture filter: too many ports (%d, at most 100)", len(ports))
	}
	a := &filterAsm{}
	// Three possible link headers: plain (EtherType at 12), one tag (16)
	// and two tags (20). Each leads to its own copy of the IP code because
	// classic BPF's "4*([k]&0xf)" IHL load takes a constant offset only.
	a.load(bpf.LoadAbsolute{Off: 12, Size: 2})
	a.jumpIf(ethTypeIPv4, "ip4_14")
	a.jumpIf(ethTypeIPv6, "ip6_14")
	a.jumpIf(ethType8021Q, "vlan1")
	a.jumpIf(ethType8021A, "vlan1")
	a.ret(0)

	a.label("vlan1")
	a.load(bpf.LoadAbsolute{Off: 16, Size: 2})
	a.jumpIf(ethTypeIPv4, "ip4_18")
	a.jumpIf(ethTypeIPv6, "ip6_18")
	a.jumpIf(ethType8021Q, "vlan2")
	a.ret(0)

	a.label("vlan2")
	a.load(bpf.LoadAbsolute{Off: 20, Size: 2})
	a.jumpIf(ethTypeIPv4, "ip4_22")
	a.jumpIf(ethTypeIPv6, "ip6_22")
	a.ret(0)

	for _, l2 := range []uint32{14, 18, 22} {
		// IPv4: protocol TCP, fragment offset 0, then the ports behind the
		// variable-length IP header (X = header length).
		a.label(fmt.Sprintf("ip4_%d", l2))
		a.load(bpf.LoadAbsolute{Off: l2 + 9, Size: 1})
		a.jumpIfNot(ipProtoTCP, "drop")
		a.load(bpf.LoadAbsolute{Off: l2 + 6, Size: 2})
		a.jumpCond(bpf.JumpBitsSet, 0x1fff, "drop")
		a.load(bpf.LoadMemShift{Off: l2})
		a.ports(ports, func(portOff uint32) bpf.Instruction {
			return bpf.LoadIndirect{Off: l2 + portOff, Size: 2}
		}, snapLen)

		// IPv6: next header TCP right after the 40-byte fixed header.
		a.label(fmt.Sprintf("ip6_%d", l2))
		a.load(bpf.LoadAbsolute{Off: l2 + 6, Size: 1})
		a.jumpIfNot(ipProtoTCP, "drop")
		a.ports(ports, func(portOff uint32) bpf.Instruction {
			return bpf.LoadAbsolute{Off: l2 + 40 + portOff, Size: 2}
		}, snapLen)
	}
	a.label("drop")
	a.ret(0)
	return a.assemble()
}

// filterAsm is a tiny assembler with forward labels. Every jump to a
// label is an inverted conditional skip over an unconditional "ja", whose
// 32-bit offset reaches any label however many ports the filter tests
// (conditional jumps reach only 255 instructions).
type filterAsm struct {
	ins    []bpf.Instruction
	fixups map[int]string // index of a Jump -> target label
	labels map[string]int
}

func (a *filterAsm) load(ins bpf.Instruction) { a.ins = append(a.ins, ins) }

func (a *filterAsm) ret(n int) { a.ins = append(a.ins, bpf.RetConstant{Val: uint32(n)}) }

// jumpCond jumps to label when cond(A, v) holds.
func (a *filterAsm) jumpCond(cond bpf.JumpTest, v uint32, to string) {
	inv := map[bpf.JumpTest]bpf.JumpTest{
		bpf.JumpEqual:    bpf.JumpNotEqual,
		bpf.JumpNotEqual: bpf.JumpEqual,
		bpf.JumpBitsSet:  bpf.JumpBitsNotSet,
	}[cond]
	a.ins = append(a.ins, bpf.JumpIf{Cond: inv, Val: v, SkipTrue: 1})
	if a.fixups == nil {
		a.fixups = make(map[int]string)
	}
	a.fixups[len(a.ins)] = to
	a.ins = append(a.ins, bpf.Jump{})
}

func (a *filterAsm) jumpIf(v uint32, to string)    { a.jumpCond(bpf.JumpEqual, v, to) }
func (a *filterAsm) jumpIfNot(v uint32, to string) { a.jumpCond(bpf.JumpNotEqual, v, to) }

func (a *filterAsm) label(name string) {
	if a.labels == nil {
		a.labels = make(map[string]int)
	}
	a.labels[name] = len(a.ins)
}

// ports emits the source/destination port test and the accept; load builds
// the load of the port field at offset 0 (source) or 2 (destination) of
// the TCP header.
func (a *filterAsm) ports(ports []uint16, load func(portOff uint32) bpf.Instruction, snapLen int) {
	if len(ports) == 0 {
		a.ret(snapLen)
		return
	}
	accept := fmt.Sprintf("accept_%d", len(a.ins))
	for _, off := range []uint32{0, 2} {
		a.load(load(off))
		for _, p := range ports {
			a.jumpIf(uint32(p), accept)
		}
	}
	a.ret(0)
	a.label(accept)
	a.ret(snapLen)
}

func (a *filterAsm) assemble() ([]bpf.Instruction, error) {
	for at, name := range a.fixups {
		to, ok := a.labels[name]
		if !ok || to <= at {
			return nil, fmt.Errorf("capture filter: bad jump to %q", name)
		}
		a.ins[at] = bpf.Jump{Skip: uint32(to - at - 1)}
	}
	if len(a.ins) > 4096 {
		return nil, fmt.Errorf("capture filter: %d instructions (the kernel takes 4096)", len(a.ins))
	}
	return a.ins, nil
}

// dropOutgoing prefixes prog with a test of the packet type the kernel
// attaches to each packet (an ancillary load the filter VM of x/net/bpf
// cannot run, hence a separate step): outgoing packets are dropped. On
// loopback every packet is seen leaving and arriving; keeping only the
// arrival halves the copies to user space. Jumps in prog are relative, so
// prefixing does not move their targets.
func dropOutgoing(prog []bpf.Instruction) []bpf.Instruction {
	const packetOutgoing = 4 // PACKET_OUTGOING
	return append([]bpf.Instruction{
		bpf.LoadExtension{Num: bpf.ExtType},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: packetOutgoing, SkipTrue: 1},
		bpf.RetConstant{Val: 0},
	}, prog...)
}
