// Package export writes capture packets back out as pcap or pcapng: the
// `-w` of read, which keeps the packets that carried the messages a
// display filter selected. The containers are written by reassembly's
// PcapWriter and NgWriter.
package export

import (
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
	if f == PCAPNG {
		return reassembly.NewNgWriter(w, reassembly.NgOptions{})
	}
	return reassembly.NewPcapWriter(w)
}
