//go:build pcap

package reassembly

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/gopacket/gopacket/pcap"
)

// Live captures packets with libpcap (build tag pcap): any OS libpcap or
// Npcap supports, and full BPF expressions in LiveOptions.Filter.
type Live struct {
	iface string
	h     *pcap.Handle
	ctx   context.Context
	lt    LinkType
	err   error
	st    LiveStats
	final *LiveStats // counters taken at Close
}

// pollInterval bounds how long a read waits before it looks at the
// context again (libpcap has no way to wake a blocked read).
const pollInterval = 100 * time.Millisecond

// OpenLive starts capturing on opts.Interface until ctx is cancelled.
func OpenLive(ctx context.Context, opts LiveOptions) (*Live, error) {
	if opts.Interface == "" {
		return nil, errNoInterface()
	}
	snap := opts.SnapLen
	if snap <= 0 {
		snap = DefaultSnapLen
	}
	buf := opts.BufferSize
	if buf <= 0 {
		buf = DefaultLiveBuffer
	}
	in, err := pcap.NewInactiveHandle(opts.Interface)
	if err != nil {
		return nil, pcapError(opts.Interface, err)
	}
	defer in.CleanUp()
	// Not immediate mode: on Linux that makes libpcap use fixed
	// snaplen-sized ring slots (TPACKET_V2), so a 256 KiB snaplen leaves
	// room for only a hundred packets and bursts get dropped. Packed
	// blocks handed over at least every pollInterval keep rows live
	// enough.
	for _, set := range []func() error{
		func() error { return in.SetSnapLen(snap) },
		func() error { return in.SetTimeout(pollInterval) },
		func() error { return in.SetBufferSize(buf) },
	} {
		if err := set(); err != nil {
			return nil, pcapError(opts.Interface, err)
		}
	}
	h, err := in.Activate()
	if err != nil {
		return nil, pcapError(opts.Interface, err)
	}
	expr := opts.Filter
	if expr == "" {
		expr = portExpr(opts.Ports)
	}
	if err := h.SetBPFFilter(expr); err != nil {
		h.Close()
		return nil, fmt.Errorf("capture filter %q: %w", expr, err)
	}
	return &Live{iface: opts.Interface, h: h, ctx: ctx, lt: LinkType(h.LinkType())}, nil
}

// portExpr is the libpcap equivalent of TCPPortFilter.
func portExpr(ports []uint16) string {
	if len(ports) == 0 {
		return "tcp"
	}
	parts := make([]string, len(ports))
	for i, p := range ports {
		parts[i] = fmt.Sprintf("port %d", p)
	}
	return "tcp and (" + strings.Join(parts, " or ") + ")"
}

// pcapError maps libpcap's messages (strings, not errnos) to the same
// explanations as the packet socket's.
func pcapError(iface string, err error) error {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "permission") || strings.Contains(msg, "operation not permitted"):
		return captureError(iface, fmt.Errorf("%w: %v", syscall.EPERM, err))
	case strings.Contains(msg, "no such device") || strings.Contains(msg, "doesn't exist"):
		return captureError(iface, fmt.Errorf("%w: %v", syscall.ENODEV, err))
	case strings.Contains(msg, "busy"):
		return captureError(iface, fmt.Errorf("%w: %v", syscall.EBUSY, err))
	case strings.Contains(msg, "not up") || strings.Contains(msg, "down"):
		return captureError(iface, fmt.Errorf("%w: %v", syscall.ENETDOWN, err))
	}
	return &CaptureError{Interface: iface, Err: err}
}

// LinkType of the interface.
func (l *Live) LinkType() LinkType { return l.lt }

// ReadPacket blocks until the next packet; io.EOF once ctx is cancelled.
func (l *Live) ReadPacket() (Packet, error) {
	for l.err == nil {
		if l.ctx.Err() != nil {
			l.err = io.EOF
			break
		}
		data, ci, err := l.h.ZeroCopyReadPacketData()
		if errors.Is(err, pcap.NextErrorTimeoutExpired) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) || l.ctx.Err() != nil {
				l.err = io.EOF
			} else {
				l.err = &CaptureError{Interface: l.iface, Err: err}
			}
			break
		}
		if len(data) < ci.Length {
			l.st.Truncated++
		}
		l.st.Packets++
		l.st.Bytes += uint64(len(data))
		return Packet{Data: data, Time: ci.Timestamp, Num: int(l.st.Packets), Length: ci.Length, LinkType: l.lt}, nil
	}
	return Packet{}, l.err
}

// Stats returns the counters so far, with libpcap's drop counts.
func (l *Live) Stats() LiveStats {
	if l.final != nil {
		return *l.final
	}
	st := l.st
	if s, err := l.h.Stats(); err == nil {
		st.KernelDrops = uint64(s.PacketsDropped) + uint64(s.PacketsIfDropped)
	}
	return st
}

// Close stops the capture. Stats stay readable afterwards.
func (l *Live) Close() error {
	if l.h == nil {
		return nil
	}
	st := l.Stats()
	l.final = &st
	l.h.Close()
	l.h = nil
	return nil
}
