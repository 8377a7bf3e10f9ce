// Package export writes capture packets back out as pcap or pcapng: the
// `-w` of read and sniff, which keeps the packets that carried the
// messages a display filter selected.
//
// The writers are our own rather than gopacket's pcapgo writers because
// gopacket v1.1.19 holds link types in 8 bits, and captures read here may be
// Linux cooked v2 (276).
package export

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/ctishark/ctishark/reassembly"
)

// Format is an output container.
type Format int

// The containers.
const (
	PCAP   Format = iota // classic pcap, nanosecond timestamps
	PCAPNG               // pcapng, one interface per link type
)

// FormatFor chooses the container from the output file's name: pcapng for
// names ending in .pcapng or .ntar, pcap otherwise (also for "-").
func FormatFor(path string) Format {
	p := strings.ToLower(path)
	if strings.HasSuffix(p, ".pcapng") || strings.HasSuffix(p, ".ntar") {
		return PCAPNG
	}
	return PCAP
}

// Writer writes packets to a capture file.
type Writer interface {
	WritePacket(p *reassembly.Packet) error
	Close() error // flushes; does not close the underlying io.Writer
}

// NewWriter returns a writer of the given container. Nothing is written
// until the first packet (pcap needs its link type for the file header);
// Close writes a valid empty file when no packet came.
func NewWriter(w io.Writer, f Format) Writer {
	bw := bufio.NewWriterSize(w, 64<<10)
	if f == PCAPNG {
		return &ngWriter{bw: bw, ifaces: map[reassembly.LinkType]uint32{}}
	}
	return &pcapWriter{bw: bw}
}

// snaplen written in headers: the largest packet the reader accepts.
const snaplen = 262144

// pcapWriter writes classic pcap with nanosecond timestamps (magic
// a1b23c4d), which tshark, tcpdump and pcapgo all read.
type pcapWriter struct {
	bw     *bufio.Writer
	lt     reassembly.LinkType
	header bool
	hdr    [24]byte
}

func (w *pcapWriter) writeHeader(lt reassembly.LinkType) error {
	h := w.hdr[:24]
	binary.LittleEndian.PutUint32(h[0:], 0xa1b23c4d)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[8:], 0)  // thiszone
	binary.LittleEndian.PutUint32(h[12:], 0) // sigfigs
	binary.LittleEndian.PutUint32(h[16:], snaplen)
	binary.LittleEndian.PutUint32(h[20:], uint32(lt))
	w.lt, w.header = lt, true
	_, err := w.bw.Write(h)
	return err
}

func (w *pcapWriter) WritePacket(p *reassembly.Packet) error {
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

func (w *pcapWriter) Close() error {
	if !w.header {
		if err := w.writeHeader(reassembly.LinkTypeEthernet); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}

// ngWriter writes pcapng: a section header, an interface description per
// link type met (with nanosecond resolution), enhanced packet blocks.
type ngWriter struct {
	bw     *bufio.Writer
	header bool
	ifaces map[reassembly.LinkType]uint32
	buf    []byte
}

// block appends a pcapng block of the given type and body (padded to 32
// bits) to w.buf and writes it.
func (w *ngWriter) block(typ uint32, body ...[]byte) error {
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
	_, err := w.bw.Write(b)
	return err
}

func (w *ngWriter) section() error {
	w.header = true
	var body [16]byte
	binary.LittleEndian.PutUint32(body[0:], 0x1a2b3c4d) // byte-order magic
	binary.LittleEndian.PutUint16(body[4:], 1)
	binary.LittleEndian.PutUint16(body[6:], 0)
	binary.LittleEndian.PutUint64(body[8:], ^uint64(0)) // section length unknown
	return w.block(0x0a0d0d0a, body[:])
}

func (w *ngWriter) iface(lt reassembly.LinkType) (uint32, error) {
	if id, ok := w.ifaces[lt]; ok {
		return id, nil
	}
	id := uint32(len(w.ifaces))
	w.ifaces[lt] = id
	var body [8]byte
	binary.LittleEndian.PutUint16(body[0:], uint16(lt))
	binary.LittleEndian.PutUint32(body[4:], snaplen)
	// if_tsresol = 9 (nanoseconds), then opt_endofopt.
	opts := []byte{9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0}
	return id, w.block(0x00000001, body[:], opts)
}

func (w *ngWriter) WritePacket(p *reassembly.Packet) error {
	if !w.header {
		if err := w.section(); err != nil {
			return err
		}
	}
	id, err := w.iface(p.LinkType)
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

func (w *ngWriter) Close() error {
	if !w.header {
		if err := w.section(); err != nil {
			return err
		}
	}
	// Readers (pcapgo's among them) refuse a section without an interface.
	if len(w.ifaces) == 0 {
		if _, err := w.iface(reassembly.LinkTypeEthernet); err != nil {
			return err
		}
	}
	return w.bw.Flush()
}
