//go:build linux && !pcap

package reassembly

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func needPacketSocket(t *testing.T) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW, 0)
	if err != nil {
		t.Skipf("live capture needs root or CAP_NET_RAW (packet socket: %v)", err)
	}
	unix.Close(fd)
}

// Cancelling the context wakes a read blocked on a silent interface at
// once (through the poller, not a polling timeout), and ends the capture
// with io.EOF.
func TestLiveCancelWakesRead(t *testing.T) {
	needPacketSocket(t)
	ctx, cancel := context.WithCancel(context.Background())
	// A port nothing uses: the read blocks.
	l, err := OpenLive(ctx, LiveOptions{Interface: "lo", Ports: []uint16{9}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan error, 1)
	go func() {
		_, err := l.ReadPacket()
		got <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-got:
		if err != io.EOF {
			t.Errorf("ReadPacket after cancel: %v, want io.EOF", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("ReadPacket still blocked after cancel")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("woke after %v", d)
	}
	if err := l.Close(); err != nil {
		t.Error(err)
	}
	if _, err := l.ReadPacket(); err == nil {
		t.Error("ReadPacket after Close returned a packet")
	}
}

// Packets carry kernel timestamps and their true length; only the
// filtered port is captured, each loopback packet once.
func TestLiveCapturesFilteredTraffic(t *testing.T) {
	needPacketSocket(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	port := uint16(ln.Addr().(*net.TCPAddr).Port)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := OpenLive(ctx, LiveOptions{Interface: "lo", Ports: []uint16{port}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	before := time.Now()
	payload := []byte("0123456789abcdef")
	for _, lst := range []net.Listener{other, ln} {
		c, err := net.Dial("tcp", lst.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := lst.Accept()
		if err != nil {
			t.Fatal(err)
		}
		c.Write(payload)
		buf := make([]byte, len(payload))
		if _, err := io.ReadFull(s, buf); err != nil {
			t.Fatal(err)
		}
		c.Close()
		s.Close()
	}
	time.AfterFunc(300*time.Millisecond, cancel)
	var n, withPayload int
	for {
		p, err := l.ReadPacket()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if p.Time.Before(before.Add(-time.Second)) || p.Time.After(time.Now()) {
			t.Errorf("packet %d time %v outside the test", p.Num, p.Time)
		}
		if p.Length != len(p.Data) || p.LinkType != LinkTypeEthernet {
			t.Errorf("packet %d: length %d, %d captured, link %v", p.Num, p.Length, len(p.Data), p.LinkType)
		}
		// Ethernet + IPv4 (20) + TCP (with options) + payload.
		ihl := int(p.Data[14]&0xf) * 4
		sport := int(p.Data[14+ihl])<<8 | int(p.Data[14+ihl+1])
		dport := int(p.Data[14+ihl+2])<<8 | int(p.Data[14+ihl+3])
		if sport != int(port) && dport != int(port) {
			t.Errorf("packet %d: ports %d -> %d, filter is %d", p.Num, sport, dport, port)
		}
		if len(p.Data) > 14+ihl+int(p.Data[14+ihl+12]>>4)*4 {
			withPayload++
		}
	}
	if withPayload != 1 {
		t.Errorf("%d packets with payload, want exactly 1 (no loopback duplicate, no other port)", withPayload)
	}
	st := l.Stats()
	if st.Packets != uint64(n) || n < 5 {
		t.Errorf("stats %+v, read %d packets", st, n)
	}
	if st.KernelDrops != 0 {
		t.Errorf("kernel drops %d", st.KernelDrops)
	}
}

// A silent capture reports ErrIdle about once a second, and is not ended
// by it: the next read waits again, and cancelling still ends it.
func TestLiveIdleTick(t *testing.T) {
	needPacketSocket(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := OpenLive(ctx, LiveOptions{Interface: "lo", Ports: []uint16{9}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 2; i++ {
		start := time.Now()
		if _, err := l.ReadPacket(); !errors.Is(err, ErrIdle) {
			t.Fatalf("read %d on a silent interface: %v, want ErrIdle", i, err)
		}
		if d := time.Since(start); d < idleTick/2 || d > 3*idleTick {
			t.Errorf("read %d: ErrIdle after %v, want about %v", i, d, idleTick)
		}
	}
	cancel()
	if _, err := l.ReadPacket(); err != io.EOF {
		t.Errorf("after cancel: %v, want io.EOF", err)
	}
}
