//go:build linux && !pcap

package reassembly

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Live captures packets from a network interface with a Linux packet
// socket (AF_PACKET), in pure Go: no cgo, no libpcap. The kernel runs the
// port filter, so only CTI traffic is copied to user space.
//
// The socket is registered with Go's network poller, so a blocked
// ReadPacket wakes up as soon as the context is cancelled; it then
// returns io.EOF, which lets the reassembler flush as at the end of a
// capture file.
type Live struct {
	iface    string
	loopback bool
	file     *os.File
	rc       syscall.RawConn
	ctx      context.Context
	stop     func() bool

	// One recvmmsg fills a batch of packet slots; ReadPacket hands them
	// out in turn and reads the next batch when they are used up. At a
	// hundred thousand packets a second, a system call per packet was a
	// large share of the capture's time.
	slots []liveSlot
	msgs  []mmsghdr
	next  int   // the slot ReadPacket returns next
	have  int   // slots the last recvmmsg filled
	err   error // sticky
	// deadline is when the read deadline was last pushed out: an idle
	// capture must report ErrIdle now and then, and pushing the deadline
	// on every packet would cost a timer update each.
	deadline time.Time
	st       LiveStats // KernelDrops summed from the kernel's counters, which reset when read
}

// OpenLive starts capturing on opts.Interface until ctx is cancelled.
func OpenLive(ctx context.Context, opts LiveOptions) (*Live, error) {
	if opts.Filter != "" {
		return nil, ErrFilterNeedsPcap
	}
	ifi, err := lookupInterface(opts.Interface)
	if err != nil {
		return nil, err
	}
	snap := opts.SnapLen
	if snap <= 0 {
		snap = DefaultSnapLen
	}
	prog, err := TCPPortFilter(opts.Ports, snap)
	if err != nil {
		return nil, err
	}
	loopback := ifi.Flags&net.FlagLoopback != 0
	if loopback {
		prog = dropOutgoing(prog)
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, err
	}
	// Protocol 0 receives nothing: the filter is in place before bind
	// switches the socket to ETH_P_ALL, so no unfiltered packet slips in.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, captureError(opts.Interface, err)
	}
	l := &Live{iface: opts.Interface, loopback: loopback, ctx: ctx}
	if err := l.setup(fd, ifi, raw, opts.BufferSize); err != nil {
		unix.Close(fd)
		return nil, captureError(opts.Interface, err)
	}
	l.file = os.NewFile(uintptr(fd), "packet:"+opts.Interface)
	if l.rc, err = l.file.SyscallConn(); err != nil {
		l.file.Close()
		return nil, captureError(opts.Interface, err)
	}
	l.slots = make([]liveSlot, max(1, min(liveBatch, liveBatchBytes/snap)))
	l.msgs = make([]mmsghdr, len(l.slots))
	for i := range l.slots {
		l.slots[i].buf = make([]byte, snap)
		l.slots[i].oob = make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))
	}
	// A past deadline wakes a blocked read at once: that is how
	// cancellation reaches the poller.
	f := l.file // not l.file: Close clears that while this may run
	l.stop = context.AfterFunc(ctx, func() { f.SetReadDeadline(time.Unix(1, 0)) })
	return l, nil
}

func (l *Live) setup(fd int, ifi *net.Interface, raw []bpf.RawInstruction, bufSize int) error {
	filter := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		filter[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog); err != nil {
		return err
	}
	if bufSize <= 0 {
		bufSize = DefaultLiveBuffer
	}
	// SO_RCVBUFFORCE passes rmem_max with CAP_NET_ADMIN; without it the
	// kernel caps SO_RCVBUF silently, which is still better than nothing.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, bufSize); err != nil {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, bufSize); err != nil {
			return err
		}
	}
	// Kernel receive timestamps: the time the packet arrived, not the
	// time we got round to reading it.
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1); err != nil {
		return err
	}
	if ifi.Flags&net.FlagUp == 0 {
		return unix.ENETDOWN
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}
	if err := unix.Bind(fd, sa); err != nil {
		return err
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// LinkType is always Ethernet: Linux frames loopback as Ethernet too.
func (l *Live) LinkType() LinkType { return LinkTypeEthernet }

// ReadPacket blocks until the next packet. It returns io.EOF once the
// context is cancelled. Data is valid until the next call.
func (l *Live) ReadPacket() (Packet, error) {
	if l.err != nil {
		return Packet{}, l.err
	}
	if l.rc == nil {
		return Packet{}, os.ErrClosed
	}
	if now := time.Now(); l.ctx.Err() == nil && now.Sub(l.deadline) > idleTick/5 {
		// A cancellation landing between the check and this call is
		// overwritten; it is then noticed when this deadline passes.
		l.file.SetReadDeadline(now.Add(idleTick))
		l.deadline = now
	}
	for {
		n, trunc, pktType, ts, err := l.recv()
		if err != nil {
			if l.ctx.Err() == nil && errors.Is(err, os.ErrDeadlineExceeded) {
				l.deadline = time.Time{} // push it out again on the next call
				return Packet{}, ErrIdle
			}
			if l.ctx.Err() != nil || errors.Is(err, os.ErrClosed) {
				err = io.EOF
			} else {
				err = captureError(l.iface, err)
			}
			l.err = err
			return Packet{}, err
		}
		// Loopback shows every packet twice: once leaving (OUTGOING) and
		// once arriving (HOST). Keep the arrival only, as libpcap does (the
		// filter already drops them; this guards kernels that lack the
		// packet-type load).
		if l.loopback && pktType == unix.PACKET_OUTGOING {
			continue
		}
		buf := l.slots[l.next-1].buf
		capLen := n
		if trunc || n > len(buf) {
			capLen = len(buf)
			l.st.Truncated++
		}
		if ts.IsZero() {
			ts = time.Now().Round(0) // a capture time: the wall clock alone (record.Elapsed)
		}
		l.st.Packets++
		l.st.Bytes += uint64(capLen)
		return Packet{Data: buf[:capLen], Time: ts, Num: int(l.st.Packets), Length: n, LinkType: LinkTypeEthernet}, nil
	}
}

// liveBatch is how many packets one recvmmsg may return; liveBatchBytes
// bounds their buffers (fewer slots with a large snap length).
const (
	liveBatch      = 32
	liveBatchBytes = 2 << 20
)

// liveSlot is the room of one packet of a batch.
type liveSlot struct {
	buf []byte
	oob []byte
	sa  unix.RawSockaddrLinklayer
	iov unix.Iovec
}

// mmsghdr is struct mmsghdr of recvmmsg(2), which x/sys does not define.
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
}

// recv returns the next packet of the batch, reading a new batch with
// recvmmsg once the last is used up. It uses the raw system call with
// buffers kept in l, so that reading a packet does not allocate.
func (l *Live) recv() (n int, trunc bool, pktType uint8, ts time.Time, err error) {
	if l.next >= l.have {
		if err := l.fill(); err != nil {
			return 0, false, 0, ts, err
		}
	}
	sl, mh := &l.slots[l.next], &l.msgs[l.next]
	l.next++
	return int(mh.len), mh.hdr.Flags&unix.MSG_TRUNC != 0, sl.sa.Pkttype, timestamp(sl.oob[:mh.hdr.Controllen]), nil
}

// fill reads as many packets as are waiting, up to a batch, blocking in
// the poller until there is one.
func (l *Live) fill() error {
	l.next, l.have = 0, 0
	var err error
	rerr := l.rc.Read(func(fd uintptr) bool {
		for i := range l.slots {
			sl := &l.slots[i]
			sl.iov.Base = &sl.buf[0]
			sl.iov.SetLen(len(sl.buf))
			l.msgs[i] = mmsghdr{hdr: unix.Msghdr{
				Name:    (*byte)(unsafe.Pointer(&sl.sa)),
				Namelen: uint32(unsafe.Sizeof(sl.sa)),
				Iov:     &sl.iov,
				Control: &sl.oob[0],
			}}
			l.msgs[i].hdr.SetIovlen(1)
			l.msgs[i].hdr.SetControllen(len(sl.oob))
		}
		r, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&l.msgs[0])), uintptr(len(l.msgs)), unix.MSG_TRUNC, 0, 0)
		if e == unix.EAGAIN || e == unix.EINTR {
			return false // wait for the poller
		}
		if e != 0 {
			err = e
		} else {
			l.have = int(r)
		}
		return true
	})
	if rerr != nil {
		return rerr
	}
	if err == nil && l.have == 0 {
		err = unix.EAGAIN // recvmmsg returns at least one packet or an error
	}
	return err
}

// timestamp finds SCM_TIMESTAMPNS in a packet's control data.
func timestamp(oob []byte) time.Time {
	hlen := unix.CmsgLen(0)
	for len(oob) >= hlen {
		h := (*unix.Cmsghdr)(unsafe.Pointer(&oob[0]))
		if int(h.Len) < hlen || int(h.Len) > len(oob) {
			break
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS && int(h.Len)-hlen >= int(unsafe.Sizeof(unix.Timespec{})) {
			t := (*unix.Timespec)(unsafe.Pointer(&oob[hlen]))
			return time.Unix(t.Unix())
		}
		oob = oob[min(unix.CmsgSpace(int(h.Len)-hlen), len(oob)):]
	}
	return time.Time{}
}

// Stats returns the counters so far, with the kernel's drop count.
func (l *Live) Stats() LiveStats {
	l.pollKernel()
	return l.st
}

// pollKernel adds the kernel's drop counter (which resets when read) to
// l.st.
func (l *Live) pollKernel() {
	if l.rc == nil {
		return
	}
	l.rc.Control(func(fd uintptr) {
		if s, err := unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS); err == nil {
			l.st.KernelDrops += uint64(s.Drops)
		}
	})
}

// Close stops the capture. Stats stay readable afterwards.
func (l *Live) Close() error {
	if l.file == nil {
		return nil
	}
	l.pollKernel()
	l.stop()
	err := l.file.Close()
	l.file, l.rc = nil, nil
	return err
}
