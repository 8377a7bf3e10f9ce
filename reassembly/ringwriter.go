package reassembly

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
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
	ng    *NgWriter
	pkts  int // packets in the current file
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

func (w *RingWriter) open() error {
	w.seq++
	name := w.fileName()
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	ng := NewNgWriter(f, NgOptions{
		Application: "ctishark sniff",
		Hardware:    runtime.GOARCH,
		OS:          runtime.GOOS,
		Interface:   w.opts.Interface,
		InterfaceOS: runtime.GOOS,
		SnapLen:     uint32(DefaultSnapLen),
		BufferSize:  4096,
	})
	_, err = ng.Interface(w.opts.LinkType)
	if err == nil {
		err = ng.Flush()
	}
	if err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	w.f, w.ng, w.pkts = f, ng, 0
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
	if w.opts.FileSize > 0 && w.pkts > 0 && w.ng.Size()+NgPacketSize(p) > w.opts.FileSize {
		if err := w.closeFile(); err != nil {
			return err
		}
		if err := w.open(); err != nil {
			return err
		}
	}
	if err := w.ng.WritePacket(p); err != nil {
		return err
	}
	w.pkts++
	return nil
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
