package reassembly

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// RingOptions configure a RingWriter.
type RingOptions struct {
	// FileSize starts a new file when the next packet would make the
	// current one larger than this many bytes. Zero writes one file.
	FileSize int64
	// Files keeps at most this many files, deleting the oldest; zero
	// keeps them all. Only meaningful with FileSize.
	Files int
	// LinkType of every packet (the live capture's).
	LinkType LinkType
	// Interface is the capture interface's name, recorded in the file.
	Interface string
	// Now names the files (tests fix it); nil means time.Now.
	Now func() time.Time
}

// RingWriter writes captured packets to pcapng, in one file or, for
// unattended runs, in a ring of files of bounded size like dumpcap's
// "-b filesize:… -b files:…": with rotation, FILE.pcapng becomes
// FILE_00001_20260302090000.pcapng, FILE_00002_…, numbered from 1 with the
// local time each file was started.
type RingWriter struct {
	path  string
	opts  RingOptions
	f     *os.File
	ng    *pcapgo.NgWriter
	size  int64 // bytes of the current file, buffered ones included
	pkts  int   // packets in the current file
	seq   int
	files []string
}

// NewRingWriter creates the first file.
func NewRingWriter(path string, opts RingOptions) (*RingWriter, error) {
	if opts.FileSize < 0 || opts.Files < 0 {
		return nil, fmt.Errorf("ring buffer: negative size or file count")
	}
	if opts.Files > 0 && opts.FileSize == 0 {
		return nil, fmt.Errorf("ring buffer: a number of files needs a file size to rotate at")
	}
	if opts.LinkType > 255 {
		// gopacket v1.1.19's pcapng writer stores link types in 8 bits.
		return nil, fmt.Errorf("ring buffer: link type %v cannot be written", opts.LinkType)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &RingWriter{path: path, opts: opts}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

// fileName is the name of the seq-th file.
func (w *RingWriter) fileName() string {
	if w.opts.FileSize == 0 {
		return w.path
	}
	ext := filepath.Ext(w.path)
	base := strings.TrimSuffix(w.path, ext)
	return fmt.Sprintf("%s_%05d_%s%s", base, w.seq, w.opts.Now().Format("20060102150405"), ext)
}

// countWriter counts what reaches the file.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (w *RingWriter) open() error {
	w.seq++
	name := w.fileName()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	cw := &countWriter{w: f}
	intf := pcapgo.DefaultNgInterface
	intf.Name = w.opts.Interface
	intf.LinkType = layers.LinkType(w.opts.LinkType)
	intf.SnapLength = uint32(DefaultSnapLen)
	sect := pcapgo.DefaultNgWriterOptions
	sect.SectionInfo.Application = "ctishark sniff"
	ng, err := pcapgo.NewNgWriterInterface(cw, intf, sect)
	if err == nil {
		err = ng.Flush()
	}
	if err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	w.f, w.ng, w.size, w.pkts = f, ng, cw.n, 0
	w.files = append(w.files, name)
	if w.opts.Files > 0 && len(w.files) > w.opts.Files {
		old := w.files[0]
		w.files = w.files[1:]
		if err := os.Remove(old); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// WritePacket appends p, starting a new file first when p would overflow
// the current one (a file always takes at least one packet, so a packet
// larger than FileSize still gets written).
func (w *RingWriter) WritePacket(p *Packet) error {
	if w.f == nil {
		return os.ErrClosed
	}
	need := int64(32 + (len(p.Data)+3)&^3) // enhanced packet block
	if w.opts.FileSize > 0 && w.pkts > 0 && w.size+need > w.opts.FileSize {
		if err := w.closeFile(); err != nil {
			return err
		}
		if err := w.open(); err != nil {
			return err
		}
	}
	length := max(p.Length, len(p.Data))
	ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: length}
	if err := w.ng.WritePacket(ci, p.Data); err != nil {
		return err
	}
	w.size += need
	w.pkts++
	return nil
}

// Flush pushes buffered packets to the file.
func (w *RingWriter) Flush() error {
	if w.ng == nil {
		return nil
	}
	return w.ng.Flush()
}

func (w *RingWriter) closeFile() error {
	err := w.ng.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f, w.ng = nil, nil
	return err
}

// Files lists the files kept so far, oldest first.
func (w *RingWriter) Files() []string { return append([]string(nil), w.files...) }

// Close flushes and closes the current file. A nil writer is closed.
func (w *RingWriter) Close() error {
	if w == nil || w.f == nil {
		return nil
	}
	return w.closeFile()
}
