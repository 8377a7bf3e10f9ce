package reassembly

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ngGuard sits between the file and pcapgo's pcapng reader and validates
// every block before passing it on. pcapgo sizes buffers from block,
// option and snap lengths read from the file and keeps a table of every
// interface declared; the guard bounds all of them by our own limits
// (maxNgBlock, maxPacket, the interface table with ErrLimit) whatever
// pcapgo checks itself, so corrupt input cannot make us allocate
// gigabytes or panic. The guard only checks and forwards bytes; parsing
// stays in pcapgo.
type ngGuard struct {
	blockForwarder        // r: the file; out: validated bytes of the current block
	pending        []byte // out[:0] of a reused buffer
	bigEndian      bool
	ifaces         int    // interfaces declared in the current section
	ifBytes        int    // what pcapgo's table of them costs, as charged by ifaceCost
	maxIf          int    // bound on ifBytes (Source.SetMaxInterfaceBytes)
	snap0          uint32 // snap length of interface 0 after clamping
}

const (
	ngSHB = 0x0a0d0d0a
	ngIDB = 1
	ngPB  = 2 // obsolete Packet Block
	ngSPB = 3
	ngISB = 5
	ngEPB = 6

	// maxNgBlock bounds a block's total length (Wireshark uses the same).
	maxNgBlock = 16 << 20
	// maxNgMeta bounds the metadata blocks we buffer whole to check options.
	maxNgMeta = 1 << 20

	// ifaceCost is what one interface costs in pcapgo's table besides its
	// block's bytes (its NgInterface record, about 200 bytes, and the
	// slack of the growing slice), so a file of tiny interface blocks is
	// bounded too.
	ifaceCost = 512
)

// DefaultMaxInterfaceBytes bounds the interface table of one pcapng
// section (about 30,000 interfaces of typical size); a file that declares
// more stops with ErrLimit.
const DefaultMaxInterfaceBytes = 16 << 20

var errNgCorrupt = errors.New("pcapng: corrupt block")

func newNgGuard(r *bufio.Reader) *ngGuard {
	g := &ngGuard{maxIf: DefaultMaxInterfaceBytes}
	g.blockForwarder = blockForwarder{r: r, next: g.nextBlock}
	return g
}

func (g *ngGuard) u16(b []byte) uint16 {
	if g.bigEndian {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (g *ngGuard) u32(b []byte) uint32 {
	if g.bigEndian {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// nextBlock validates the next block header (and, for small metadata
// blocks, the whole block) and sets up out/rem to forward it.
func (g *ngGuard) nextBlock() error {
	hdr, err := g.r.Peek(12)
	if len(hdr) == 0 && err == io.EOF {
		return io.EOF
	}
	if len(hdr) < 8 {
		return io.ErrUnexpectedEOF
	}
	typ := binary.LittleEndian.Uint32(hdr[0:4]) // SHB type is a palindrome
	if typ == ngSHB {
		if len(hdr) < 12 {
			return io.ErrUnexpectedEOF
		}
		switch binary.LittleEndian.Uint32(hdr[8:12]) {
		case 0x1a2b3c4d:
			g.bigEndian = false
		case 0x4d3c2b1a:
			g.bigEndian = true
		default:
			return fmt.Errorf("%w: section header byte order", errNgCorrupt)
		}
		g.ifaces, g.snap0, g.ifBytes = 0, 0, 0
	} else {
		typ = g.u32(hdr[0:4])
	}
	total := g.u32(hdr[4:8])
	if total < 12 || total%4 != 0 || total > maxNgBlock {
		return fmt.Errorf("%w: block type %#x length %d", errNgCorrupt, typ, total)
	}
	switch typ {
	case ngSHB, ngIDB, ngISB:
		if total > maxNgMeta {
			return fmt.Errorf("%w: metadata block of %d bytes", errNgCorrupt, total)
		}
		return g.meta_(typ, int(total))
	case ngEPB, ngPB:
		return g.packetBlock(typ, int(total))
	case ngSPB:
		return g.simpleBlock(int(total))
	default:
		// pcapgo skips other blocks by their length; nothing to check.
		g.rem = int64(total)
		return nil
	}
}

// meta_ buffers a whole SHB, IDB or ISB and checks its options.
func (g *ngGuard) meta_(typ uint32, total int) error {
	if cap(g.pending) < total {
		g.pending = make([]byte, 0, total)
	}
	b := g.pending[:total]
	if _, err := io.ReadFull(g.r, b); err != nil {
		return io.ErrUnexpectedEOF
	}
	if g.u32(b[total-4:]) != uint32(total) {
		return fmt.Errorf("%w: trailing length of block type %#x", errNgCorrupt, typ)
	}
	var fixed int
	switch typ {
	case ngSHB:
		fixed = 24
	case ngIDB:
		fixed = 16
		if g.u32(b[4:8]) < 20 {
			return fmt.Errorf("%w: short interface block", errNgCorrupt)
		}
	case ngISB:
		fixed = 20
	}
	if total < fixed+4 {
		return fmt.Errorf("%w: short block type %#x", errNgCorrupt, typ)
	}
	if err := g.options(typ, b[fixed:total-4]); err != nil {
		return err
	}
	if typ == ngIDB {
		if g.ifBytes += total + ifaceCost; g.ifBytes > g.maxIf {
			return fmt.Errorf("%w: pcapng interface table of %d interfaces exceeds %d bytes (raise it with --max-interface-table)", ErrLimit, g.ifaces+1, g.maxIf)
		}
		// Clamp the snap length: pcapgo sizes its packet buffer from it.
		snap := g.u32(b[12:16])
		if snap == 0 || snap > maxPacket {
			snap = maxPacket
		}
		if g.bigEndian {
			binary.BigEndian.PutUint32(b[12:16], snap)
		} else {
			binary.LittleEndian.PutUint32(b[12:16], snap)
		}
		if g.ifaces == 0 {
			g.snap0 = snap
		}
		g.ifaces++
	}
	g.out = b
	return nil
}

// options walks a TLV option list so pcapgo's own walk stays inside the
// block, and rejects timestamp resolutions that would make pcapgo divide
// by zero.
func (g *ngGuard) options(typ uint32, b []byte) error {
	for len(b) > 0 {
		if len(b) < 4 {
			return fmt.Errorf("%w: option header", errNgCorrupt)
		}
		code, olen := g.u16(b[0:2]), int(g.u16(b[2:4]))
		if code == 0 {
			return nil // end of options: pcapgo skips the rest
		}
		padded := (olen + 3) &^ 3
		if 4+padded > len(b) {
			return fmt.Errorf("%w: option %d overruns block", errNgCorrupt, code)
		}
		v := b[4 : 4+olen]
		if typ == ngIDB && code == 9 { // if_tsresol
			if olen < 1 {
				return fmt.Errorf("%w: empty if_tsresol", errNgCorrupt)
			}
			exp := v[0] & 0x7f
			if (v[0]&0x80 != 0 && exp > 63) || (v[0]&0x80 == 0 && exp > 19) {
				return fmt.Errorf("%w: if_tsresol %#x", errNgCorrupt, v[0])
			}
		}
		b = b[4+padded:]
	}
	return nil
}

// packetBlock checks an EPB or PB header: the captured length must fit in
// the block, so pcapgo reads and allocates no more than the block holds.
func (g *ngGuard) packetBlock(typ uint32, total int) error {
	if total < 32 {
		return fmt.Errorf("%w: short packet block", errNgCorrupt)
	}
	return g.forwardHeader(28, total, func(h []byte) error {
		var iface int
		if typ == ngEPB {
			iface = int(g.u32(h[8:12]))
		} else {
			iface = int(g.u16(h[8:10]))
		}
		if iface >= g.ifaces {
			return fmt.Errorf("%w: packet for undeclared interface %d", errNgCorrupt, iface)
		}
		caplen := g.u32(h[20:24])
		if caplen > uint32(total-32) || caplen > maxPacket {
			return fmt.Errorf("%w: captured length %d in a %d-byte block", errNgCorrupt, caplen, total)
		}
		return nil
	})
}

// simpleBlock checks an SPB: pcapgo takes its captured length from the
// original length clamped by interface 0's snap length.
func (g *ngGuard) simpleBlock(total int) error {
	if total < 16 {
		return fmt.Errorf("%w: short simple packet block", errNgCorrupt)
	}
	return g.forwardHeader(12, total, func(h []byte) error {
		if g.ifaces == 0 {
			return fmt.Errorf("%w: simple packet block before any interface", errNgCorrupt)
		}
		caplen := g.u32(h[8:12])
		if g.snap0 != 0 && caplen > g.snap0 {
			caplen = g.snap0
		}
		if caplen > uint32(total-16) {
			return fmt.Errorf("%w: simple packet of %d bytes in a %d-byte block", errNgCorrupt, caplen, total)
		}
		return nil
	})
}

// forwardHeader buffers the first n bytes of a block, runs check on them and
// forwards the rest of the block unexamined.
func (g *ngGuard) forwardHeader(n, total int, check func([]byte) error) error {
	if cap(g.pending) < n {
		g.pending = make([]byte, 0, 64)
	}
	h := g.pending[:n]
	if _, err := io.ReadFull(g.r, h); err != nil {
		return io.ErrUnexpectedEOF
	}
	if err := check(h); err != nil {
		return err
	}
	g.out = h
	g.rem = int64(total - n)
	return nil
}
