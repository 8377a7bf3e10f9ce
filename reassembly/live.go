package reassembly

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"
)

// LiveOptions configure a live capture (OpenLive).
type LiveOptions struct {
	// Interface to capture on, e.g. "eth0" or "lo".
	Interface string
	// Ports restrict the capture to TCP segments from or to these ports,
	// filtered in the kernel. Empty captures every TCP segment.
	Ports []uint16
	// Filter is a full BPF expression ("host 10.1.1.5 and tcp port
	// 42027"). Compiling one needs libpcap: only builds with the pcap tag
	// accept it. It replaces Ports.
	Filter string
	// SnapLen cuts each packet; zero means DefaultSnapLen.
	SnapLen int
	// BufferSize is the kernel receive buffer in bytes; zero means
	// DefaultLiveBuffer. It absorbs bursts while the decoder catches up.
	BufferSize int
}

// DefaultLiveBuffer is the default kernel buffer of a live capture.
const DefaultLiveBuffer = 32 << 20

// LiveStats count what a live capture saw.
type LiveStats struct {
	Packets     uint64 // packets handed out by ReadPacket
	Bytes       uint64 // their captured bytes
	KernelDrops uint64 // packets the kernel dropped (buffer full)
	// Truncated counts packets longer than the snap length: handed out
	// cut, so the reassembler sees a hole where their end was.
	Truncated uint64
}

// ErrIdle is returned by a live source's ReadPacket when no packet came
// for about a second. It is not an end: the caller may let time pass in
// the reassembler (Reassembler.Advance) and read again.
var ErrIdle = errors.New("reassembly: no packet for a while")

// idleTick is how long a live read waits before reporting ErrIdle.
const idleTick = time.Second

// ErrFilterNeedsPcap is returned by builds without libpcap when
// LiveOptions.Filter is set.
var ErrFilterNeedsPcap = errors.New("capture filter expressions (-f) need libpcap: build ctishark with `go build -tags pcap` (cgo and the libpcap headers, e.g. libpcap-dev); without it, -p selects the ports to capture")

// CaptureError explains why a live capture could not start or continue.
type CaptureError struct {
	Interface string
	Err       error  // the system error
	Msg       string // a plainer wording of Err, if any
	Hint      string // what to do about it
}

func (e *CaptureError) Error() string {
	var b strings.Builder
	msg := e.Msg
	if msg == "" {
		msg = e.Err.Error()
	}
	fmt.Fprintf(&b, "capture on %s: %s", e.Interface, msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

func (e *CaptureError) Unwrap() error { return e.Err }

// captureError maps a system error of opening or reading a capture to a
// message that says what is wrong and what to do.
func captureError(iface string, err error) error {
	var ce *CaptureError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	e := &CaptureError{Interface: iface, Err: err}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.EPERM, syscall.EACCES:
			e.Msg = "permission denied"
			e.Hint = "capturing needs root or the CAP_NET_RAW capability, e.g. `sudo setcap cap_net_raw+ep $(which ctishark)`"
		case syscall.ENODEV, syscall.ENXIO:
			e.Msg = "no such interface"
			e.Hint = interfaceHint()
		case syscall.EBUSY:
			e.Msg = "interface busy"
			e.Hint = "another program holds it exclusively; stop it or capture on another interface"
		case syscall.ENETDOWN:
			e.Msg = "interface is down"
			e.Hint = "bring it up with `ip link set " + iface + " up`"
		case syscall.EAFNOSUPPORT, syscall.EPROTONOSUPPORT:
			e.Hint = "this kernel has no packet sockets (CONFIG_PACKET)"
		}
	}
	return e
}

// interfaceHint lists the interfaces that do exist.
func interfaceHint() string {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		return "list interfaces with `ip link`"
	}
	names := make([]string, len(ifs))
	for i, f := range ifs {
		names[i] = f.Name
	}
	return "interfaces: " + strings.Join(names, ", ")
}

// errNoInterface is the error of a capture without an interface name.
func errNoInterface() error {
	return &CaptureError{Interface: "(none)", Err: errors.New("no interface given"), Hint: interfaceHint()}
}

// lookupInterface finds the interface by name, with a clear error.
func lookupInterface(name string) (*net.Interface, error) {
	if name == "" {
		return nil, errNoInterface()
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, captureError(name, syscall.ENODEV)
	}
	return ifi, nil
}
