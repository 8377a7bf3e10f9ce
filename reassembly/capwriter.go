package reassembly

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// The writers here are our own rather than gopacket's pcapgo writers:
// they take the link type from the first packet (the pcap header, a pcapng
// interface per link type met), write nanosecond timestamps, and count
// what they wrote for rotation.

// capSnapLen is the snap length written in headers: the largest packet
// the reader accepts.
const capSnapLen = 262144

// PcapWriter writes classic little-endian pcap with nanosecond timestamps
// (magic a1b23c4d), which tshark, tcpdump and pcapgo all read. Nothing is
// written until the first packet (the file header needs its link type);
// Close writes a valid empty file when no packet came.
type PcapWriter struct {
	bw     *bufio.Writer
	lt     LinkType
	header bool
	hdr    [24]byte
}

// NewPcapWriter returns a pcap writer to w, buffered.
func NewPcapWriter(w io.Writer) *PcapWriter {
	return &PcapWriter{bw: bufio.NewWriterSize(w, 64<<10)}
}

func (w *PcapWriter) writeHeader(lt LinkType) error {
	h := w.hdr[:24]
	binary.LittleEndian.PutUint32(h[0:], 0xa1b23c4d)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[8:], 0)  // thiszone
	binary.LittleEndian.PutUint32(h[12:], 0) // sigfigs
	binary.LittleEndian.PutUint32(h[16:], capSnapLen)
	binary.LittleEndian.PutUint32(h[20:], uint32(lt))
	w.lt, w.header = lt, true
	_, err := w.bw.Write(h)
	return err
}

// WritePacket appends p. Every packet must have the first one's link type.
func (w *PcapWriter) WritePacket(p *Packet) error {
	if !w.header {
		if err := w.writeHeader(p.LinkType); err != nil {
			return err
		}
	} else if p.LinkType != w.lt {
		return fmt.Errorf("packet %d has link type %s, the pcap file already has %s: write a .pcapng file to mix them", p.Num, p.LinkType, w.lt)
	}
	var h [16]byte
	ns := p.Time.UnixNano()
	binary.LittleEndian.PutUint32(h[0:], uint32(ns/1e9))
	binary.LittleEndian.PutUint32(h[4:], uint32(ns%1e9))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(p.Data)))
	binary.LittleEndian.PutUint32(h[12:], uint32(max(p.Length, len(p.Data))))
	if _, err := w.bw.Write(h[:]); err != nil {
		return err
	}
	_, err := w.bw.Write(p.Data)
	return err
}

// Close writes the header if no packet came and flushes; it does not
// close the underlying io.Writer.
func (w *PcapWriter) Close() error {
	if !w.header {
		if err := w.writeHeader(LinkTypeEthernet); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}

// NgOptions are the optional texts of a pcapng file; empty ones are left
// out.
type NgOptions struct {
	// Section header: shb_userappl, shb_hardware, shb_os.
	Application, Hardware, OS string
	// Interface descriptions: if_name, if_os.
	Interface, InterfaceOS string
	// SnapLen of the interfaces; zero means the reader's limit.
	SnapLen uint32
	// BufferSize of the output buffer; zero means 64 KiB.
	BufferSize int
}

// NgWriter writes pcapng: a section header, an interface description per
// link type met (with nanosecond resolution), enhanced packet blocks.
// Nothing is written before the first packet or Interface call; Close
// writes a valid empty file when nothing came.
type NgWriter struct {
	bw     *bufio.Writer
	opts   NgOptions
	header bool
	ifaces map[LinkType]uint32
	buf    []byte
	size   int64 // bytes written so far, buffered ones included
}

// NewNgWriter returns a pcapng writer to w, buffered.
func NewNgWriter(w io.Writer, opts NgOptions) *NgWriter {
	if opts.SnapLen == 0 {
		opts.SnapLen = capSnapLen
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = 64 << 10
	}
	return &NgWriter{bw: bufio.NewWriterSize(w, opts.BufferSize), opts: opts, ifaces: map[LinkType]uint32{}}
}

// appendOption appends a pcapng option (code, length, value padded to 32
// bits); an empty value appends nothing.
func appendOption(b []byte, code uint16, v string) []byte {
	if v == "" {
		return b
	}
	b = binary.LittleEndian.AppendUint16(b, code)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	return append(b, make([]byte, (4-len(v)%4)%4)...)
}

// block writes a pcapng block of the given type and body (padded to 32
// bits), built in w.buf.
func (w *NgWriter) block(typ uint32, body ...[]byte) error {
	n := 0
	for _, b := range body {
		n += len(b)
	}
	pad := (4 - n%4) % 4
	total := uint32(12 + n + pad)
	b := w.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, typ)
	b = binary.LittleEndian.AppendUint32(b, total)
	for _, p := range body {
		b = append(b, p...)
	}
	b = append(b, make([]byte, pad)...)
	b = binary.LittleEndian.AppendUint32(b, total)
	w.buf = b
	n, err := w.bw.Write(b)
	w.size += int64(n)
	return err
}

// Size is the number of bytes written so far, buffered ones included.
func (w *NgWriter) Size() int64 { return w.size }

func (w *NgWriter) section() error {
	w.header = true
	var body []byte
	body = binary.LittleEndian.AppendUint32(body, 0x1a2b3c4d) // byte-order magic
	body = binary.LittleEndian.AppendUint16(body, 1)
	body = binary.LittleEndian.AppendUint16(body, 0)
	body = binary.LittleEndian.AppendUint64(body, ^uint64(0)) // section length unknown
	opts := appendOption(nil, 4, w.opts.Application)
	opts = appendOption(opts, 2, w.opts.Hardware)
	opts = appendOption(opts, 3, w.opts.OS)
	if len(opts) > 0 {
		opts = append(opts, 0, 0, 0, 0) // opt_endofopt
	}
	return w.block(0x0a0d0d0a, body, opts)
}

// Interface returns the interface id of link type lt, writing the section
// header and the interface description first if they are not written yet.
func (w *NgWriter) Interface(lt LinkType) (uint32, error) {
	if !w.header {
		if err := w.section(); err != nil {
			return 0, err
		}
	}
	if id, ok := w.ifaces[lt]; ok {
		return id, nil
	}
	id := uint32(len(w.ifaces))
	w.ifaces[lt] = id
	var body [8]byte
	binary.LittleEndian.PutUint16(body[0:], uint16(lt))
	binary.LittleEndian.PutUint32(body[4:], w.opts.SnapLen)
	opts := appendOption(nil, 2, w.opts.Interface)
	opts = appendOption(opts, 12, w.opts.InterfaceOS)
	// if_tsresol = 9 (nanoseconds), then opt_endofopt.
	opts = append(opts, 9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0)
	return id, w.block(0x00000001, body[:], opts)
}

// NgPacketSize is the size of the enhanced packet block that holds p.
func NgPacketSize(p *Packet) int64 { return int64(32 + (len(p.Data)+3)&^3) }

// WritePacket appends p, on the interface of its link type.
func (w *NgWriter) WritePacket(p *Packet) error {
	id, err := w.Interface(p.LinkType)
	if err != nil {
		return err
	}
	var h [20]byte
	ns := uint64(p.Time.UnixNano())
	binary.LittleEndian.PutUint32(h[0:], id)
	binary.LittleEndian.PutUint32(h[4:], uint32(ns>>32))
	binary.LittleEndian.PutUint32(h[8:], uint32(ns))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(p.Data)))
	binary.LittleEndian.PutUint32(h[16:], uint32(max(p.Length, len(p.Data))))
	return w.block(0x00000006, h[:], p.Data)
}

// Flush pushes buffered blocks to the underlying writer.
func (w *NgWriter) Flush() error { return w.bw.Flush() }

// Close writes the headers if nothing came and flushes; it does not close
// the underlying io.Writer.
func (w *NgWriter) Close() error {
	// Readers (pcapgo's among them) refuse a section without an interface.
	if len(w.ifaces) == 0 {
		if _, err := w.Interface(LinkTypeEthernet); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}
