//go:build !linux && !pcap

package reassembly

import (
	"context"
	"errors"
	"runtime"
)

// Live is a live capture. Without libpcap only Linux can capture (with a
// packet socket); elsewhere OpenLive explains how to get a capable build.
type Live struct{}

// OpenLive fails on this platform: build with -tags pcap.
func OpenLive(ctx context.Context, opts LiveOptions) (*Live, error) {
	return nil, &CaptureError{
		Interface: opts.Interface,
		Err:       errors.New("live capture on " + runtime.GOOS + " needs libpcap"),
		Hint:      "build ctishark with `go build -tags pcap` (cgo and libpcap or Npcap installed)",
	}
}

// LinkType of the capture.
func (l *Live) LinkType() LinkType { return LinkTypeEthernet }

// ReadPacket never returns a packet here.
func (l *Live) ReadPacket() (Packet, error) { return Packet{}, errors.New("no live capture") }

// Stats are zero.
func (l *Live) Stats() LiveStats { return LiveStats{} }

// Close does nothing.
func (l *Live) Close() error { return nil }
