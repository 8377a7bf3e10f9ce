package ctitest

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"time"
)

// PcapWriter writes a classic little-endian microsecond pcap by hand, so
// tests can write any record, the malformed ones included, and the
// generators write without allocating per packet.
type PcapWriter struct {
	w   io.Writer
	buf []byte
}

// NewPcapWriter writes the file header.
func NewPcapWriter(w io.Writer, linkType uint32) (*PcapWriter, error) {
	h := make([]byte, 24)
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], linkType)
	_, err := w.Write(h)
	return &PcapWriter{w: w}, err
}

// WritePacket writes one record; origLen is the length on the wire.
func (p *PcapWriter) WritePacket(t time.Time, data []byte, origLen int) error {
	b := p.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, uint32(t.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(t.Nanosecond()/1000))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
	b = binary.LittleEndian.AppendUint32(b, uint32(origLen))
	b = append(b, data...)
	p.buf = b
	_, err := p.w.Write(b)
	return err
}

// Pcap renders segments as a pcap with encapsulation l.
func Pcap(l Link, segs []Seg) []byte {
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, l.LinkType())
	for i := range segs {
		s := &segs[i]
		full := s.Snap
		s.Snap = 0
		orig := len(s.Bytes(l))
		s.Snap = full
		w.WritePacket(s.Time, s.Bytes(l), orig)
	}
	return buf.Bytes()
}

// PcapNG renders segments as a pcapng (big-endian, to exercise byte order)
// with one interface of encapsulation l.
func PcapNG(l Link, segs []Seg) []byte {
	var b []byte
	be := binary.BigEndian
	block := func(typ uint32, body []byte) {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		n := uint32(12 + len(body))
		b = be.AppendUint32(b, typ)
		b = be.AppendUint32(b, n)
		b = append(b, body...)
		b = be.AppendUint32(b, n)
	}
	shb := be.AppendUint32(nil, 0x1a2b3c4d)
	shb = be.AppendUint16(shb, 1)
	shb = be.AppendUint16(shb, 0)
	shb = be.AppendUint64(shb, ^uint64(0))
	block(0x0a0d0d0a, shb)
	idb := be.AppendUint16(nil, uint16(l.LinkType()))
	idb = be.AppendUint16(idb, 0)
	idb = be.AppendUint32(idb, 0) // snaplen 0: unlimited
	idb = be.AppendUint16(idb, 9) // if_tsresol: 10^-9
	idb = be.AppendUint16(idb, 1)
	idb = append(idb, 9, 0, 0, 0)
	idb = be.AppendUint32(idb, 0) // opt_endofopt
	block(1, idb)
	for i := range segs {
		data := segs[i].Bytes(l)
		ts := uint64(segs[i].Time.UnixNano())
		e := be.AppendUint32(nil, 0)
		e = be.AppendUint32(e, uint32(ts>>32))
		e = be.AppendUint32(e, uint32(ts))
		e = be.AppendUint32(e, uint32(len(data)))
		e = be.AppendUint32(e, uint32(len(data)))
		e = append(e, data...)
		block(6, e)
	}
	return b
}

// Gzip compresses b.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
