package reassembly

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Packet is one link-layer packet read from a capture.
type Packet struct {
	Data     []byte // captured bytes; valid until the next ReadPacket call
	Time     time.Time
	Num      int // 1-based capture frame number
	Length   int // original length on the wire
	LinkType LinkType
}

// Source reads packets from a pcap or pcapng capture, optionally
// gzip-compressed. It is not safe for concurrent use.
type Source struct {
	closer io.Closer
	pcap   *pcapRecords // classic pcap, after pcapgo read the file header
	ng     *pcapgo.NgReader
	lt     LinkType // file-wide link type (pcap only)
	format string
	guard  *ngGuard // pcapng only
	num    int
	err    error // sticky: once reading failed, it keeps failing
}

// ErrLimit says reading stopped at a documented limit on what the input
// may make us hold, not at damage; the error names the limit and the flag
// that raises it.
var ErrLimit = errors.New("limit reached")

// SetMaxInterfaceBytes bounds the memory a pcapng section's interface
// table may take (DefaultMaxInterfaceBytes unless set; n <= 0 keeps it).
// Interfaces are read as packets refer to them, so calling it after
// opening, before the first ReadPacket, is in time.
func (s *Source) SetMaxInterfaceBytes(n int) {
	if s.guard != nil && n > 0 {
		s.guard.maxIf = n
	}
}

// maxPacket bounds the captured length of one packet. Record lengths come
// from the file, so they are never trusted beyond this for an allocation.
const maxPacket = 1 << 20

// minSnap is the smallest record bound we accept from a pcap header.
const minSnap = 1 << 16

// readBufSize is the file read buffer; large enough that a read call per
// packet is rare.
const readBufSize = 64 << 10

// ErrUnknownFormat is returned for input that is neither pcap nor pcapng.
var ErrUnknownFormat = errors.New("reassembly: not a pcap or pcapng capture")

// OpenFile opens a capture file; "-" means standard input.
func OpenFile(path string) (*Source, error) {
	if path == "-" {
		return OpenReader(os.Stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, serr := f.Stat(); serr == nil && fi.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "read", Path: path, Err: syscall.EISDIR}
	}
	s, err := OpenReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.closer = f
	return s, nil
}

// OpenReader reads a capture from r, detecting pcap, pcapng and gzip by
// their magic numbers. The caller keeps ownership of r.
func OpenReader(r io.Reader) (*Source, error) {
	br := bufio.NewReaderSize(r, readBufSize)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknownFormat, err)
	}
	s := &Source{}
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(zr, readBufSize)
		if magic, err = br.Peek(4); err != nil {
			return nil, fmt.Errorf("%w: gzip content: %v", ErrUnknownFormat, err)
		}
		s.format = ".gz"
	}
	if m := binary.BigEndian.Uint32(magic); m == kuznetzovMagic || m == kuznetzovSwapped {
		br = bufio.NewReaderSize(newKuznetzovReader(br, m == kuznetzovMagic), readBufSize)
		if magic, err = br.Peek(4); err != nil {
			return nil, fmt.Errorf("modified pcap: %w", err)
		}
		s.format = "-modified" + s.format
	}
	switch m := binary.BigEndian.Uint32(magic); m {
	case 0x0a0d0d0a:
		// pcapgo's pcapng reader trusts block and snap lengths for
		// allocations and divides by a resolution read from the file; the
		// guard validates each block before pcapgo sees it.
		s.guard = newNgGuard(br)
		ng, err := pcapgo.NewNgReader(s.guard, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			return nil, fmt.Errorf("pcapng: %w", err)
		}
		s.ng = ng
		s.format = "pcapng" + s.format
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		pr, err := pcapgo.NewReader(br) // reuses br: it is already a large enough bufio.Reader
		if err != nil {
			return nil, fmt.Errorf("pcap: %w", err)
		}
		// The header's link type field is 32 bits; the upper ones hold FCS
		// information, and pcapgo keeps the 16 bits of the type.
		s.lt = LinkType(pr.LinkType())
		// The header's snaplen bounds each record (never below 256 KiB,
		// libpcap's MAXIMUM_SNAPLEN, as pcapgo and tshark do): a corrupt
		// one must not make us allocate gigabytes, and writers that put 0
		// or a too small value there should not make every record an
		// error. Records are read by pcapRecords, not pcapgo.
		s.pcap = newPcapRecords(br, m, min(max(pr.Snaplen(), minSnap), maxPacket))
		s.format = "pcap" + s.format
	default:
		return nil, fmt.Errorf("%w: magic %08x", ErrUnknownFormat, m)
	}
	return s, nil
}

// Format names the container: "pcap", "pcap-modified" (Kuznetzov's
// variant) or "pcapng", with ".gz" appended when the input was
// gzip-compressed.
func (s *Source) Format() string { return s.format }

// Close closes the file opened by OpenFile; it is a no-op for OpenReader.
func (s *Source) Close() error {
	if s.closer != nil {
		c := s.closer
		s.closer = nil
		return c.Close()
	}
	return nil
}

// ReadPacket returns the next packet. At the end of a well-formed capture
// it returns io.EOF; a truncated or corrupt capture yields an error that
// says after which packet reading stopped.
func (s *Source) ReadPacket() (Packet, error) {
	if s.err != nil {
		return Packet{}, s.err
	}
	p, err := s.read()
	if err != nil {
		if err != io.EOF {
			switch {
			case errors.Is(err, ErrLimit):
				err = fmt.Errorf("reading stopped after packet %d: %w", s.num, err)
			case errors.Is(err, io.ErrUnexpectedEOF):
				err = fmt.Errorf("capture truncated after packet %d: %w", s.num, err)
			default:
				err = fmt.Errorf("corrupt capture after packet %d: %w", s.num, err)
			}
		}
		s.err = err
		return Packet{}, err
	}
	s.num++
	p.Num = s.num
	return p, nil
}

// read is the pcapgo call, with a recover as a last line of defence: input
// is untrusted and a reader bug must become an error, not a crash.
func (s *Source) read() (p Packet, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("capture reader panic: %v", r)
		}
	}()
	if s.pcap != nil {
		data, t, length, err := s.pcap.next()
		if err != nil {
			return p, err
		}
		return Packet{Data: data, Time: t, Length: length, LinkType: s.lt}, nil
	}
	data, ci, err := s.ng.ZeroCopyReadPacketData()
	if err != nil {
		return p, err
	}
	lt := LinkTypeEthernet
	if len(ci.AncillaryData) > 0 {
		if v, ok := ci.AncillaryData[0].(layers.LinkType); ok {
			lt = LinkType(v)
		}
	}
	return Packet{Data: data, Time: ci.Timestamp, Length: ci.Length, LinkType: lt}, nil
}
