package ctitest

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// Floods: captures built to make a reader hold as much memory as it can,
// written as they are read (io.Pipe) so neither a test nor a measuring
// run holds the input itself.

var floodT0 = time.Unix(1700000000, 0).UTC()

// stream runs write on the writing end of a pipe and returns the reading end.
func stream(write func(w io.Writer) error) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(write(pw)) }()
	return pr
}

// HoleFlood is a pcap of conns CTI connections (server port 42027), each
// losing its first server message and then sending per messages of body
// bytes that wait behind the hole.
func HoleFlood(conns, per, body int) io.ReadCloser {
	return stream(func(w io.Writer) error {
		pw, err := NewPcapWriter(w, 1)
		if err != nil {
			return err
		}
		for i := range conns {
			c := NewConv(fmt.Sprintf("10.%d.%d.%d:50000", 1+i>>16, i>>8&0xff, i&0xff), "10.0.0.2:42027", 1000, 5000, floodT0)
			c.Step = time.Microsecond
			c.Handshake()
			c.Send(false, Msg(30, 40)) // lost
			for range per {
				c.Send(false, Msg(4, body))
			}
			for k, s := range c.Segs {
				if k == 3 {
					continue
				}
				b := s.Bytes(Ethernet)
				if err := pw.WritePacket(s.Time, b, len(b)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// FragmentFlood is a pcap of n IPv4 first fragments of TCP datagrams
// (distinct identifications, size bytes each) whose other fragments never
// come.
func FragmentFlood(n, size int) io.ReadCloser {
	return stream(func(w io.Writer) error {
		pw, err := NewPcapWriter(w, 1)
		if err != nil {
			return err
		}
		c := NewConv("10.0.0.1:50000", "10.0.0.2:42027", 1000, 5000, floodT0)
		ip := c.Send(true, Msg(3, 2*size)).IP()
		hdr, pay := ip[:20], ip[20:20+size]
		for i := range n {
			hdr[12], hdr[13] = byte(i>>24), byte(i>>16) // vary the source too: ids are 16 bits
			b := Ethernet.Wrap(Frag4Piece(hdr, pay, 0, true, uint16(i)))
			if err := pw.WritePacket(floodT0.Add(time.Duration(i)*time.Microsecond), b, len(b)); err != nil {
				return err
			}
		}
		return nil
	})
}

// InterfaceFlood is a little-endian pcapng: a section header, an interface
// block and one packet on it, then n more interface blocks.
func InterfaceFlood(n int) io.ReadCloser {
	return stream(func(w io.Writer) error {
		le := binary.LittleEndian
		block := func(typ uint32, body []byte) error {
			b := le.AppendUint32(nil, typ)
			b = le.AppendUint32(b, uint32(12+len(body)))
			b = append(b, body...)
			b = le.AppendUint32(b, uint32(12+len(body)))
			_, err := w.Write(b)
			return err
		}
		shb := le.AppendUint32(nil, 0x1a2b3c4d)
		shb = le.AppendUint16(shb, 1)
		shb = le.AppendUint16(shb, 0)
		shb = le.AppendUint64(shb, ^uint64(0))
		if err := block(0x0a0d0d0a, shb); err != nil {
			return err
		}
		idb := le.AppendUint32(nil, 1) // Ethernet, reserved 0
		idb = le.AppendUint32(idb, 0)  // snaplen
		if err := block(1, idb); err != nil {
			return err
		}
		c := NewConv("10.0.0.1:50000", "10.0.0.2:42027", 1000, 5000, floodT0)
		c.Handshake()
		data := c.Segs[0].Bytes(Ethernet)
		e := le.AppendUint32(nil, 0)
		e = le.AppendUint64(e, 0)
		e = le.AppendUint32(e, uint32(len(data)))
		e = le.AppendUint32(e, uint32(len(data)))
		e = append(e, data...)
		for len(e)%4 != 0 {
			e = append(e, 0)
		}
		if err := block(6, e); err != nil {
			return err
		}
		for range n {
			if err := block(1, idb); err != nil {
				return err
			}
		}
		return nil
	})
}
