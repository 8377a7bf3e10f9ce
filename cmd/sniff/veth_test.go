//go:build linux

package sniff

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSniffVeth is TestSniffLoopback on a real (virtual) Ethernet link:
// the server lives in a network namespace at the far end of a veth pair
// and the capture runs on the near end, where the client's packets are
// outgoing and the server's incoming; both directions must be captured.
func TestSniffVeth(t *testing.T) {
	needCapture(t)
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("veth test needs the ip command (iproute2)")
	}
	id := os.Getpid() % 100000
	ns := fmt.Sprintf("ctisniff%d", id)
	near, far := fmt.Sprintf("cts%da", id), fmt.Sprintf("cts%db", id)
	ipCmd := func(args ...string) error {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := ipCmd("netns", "add", ns); err != nil {
		t.Skipf("cannot create a network namespace here: %v", err)
	}
	t.Cleanup(func() { ipCmd("netns", "del", ns) }) // removes the veth pair too
	if err := ipCmd("link", "add", near, "type", "veth", "peer", "name", far); err != nil {
		t.Skipf("cannot create a veth pair here: %v", err)
	}
	for _, args := range [][]string{
		{"link", "set", far, "netns", ns},
		{"addr", "add", "10.231.77.1/24", "dev", near},
		{"link", "set", near, "up"},
		{"-n", ns, "addr", "add", "10.231.77.2/24", "dev", far},
		{"-n", ns, "link", "set", far, "up"},
	} {
		if err := ipCmd(args...); err != nil {
			t.Fatal(err)
		}
	}
	ln := listenInNetns(t, ns, "10.231.77.2:0")
	defer ln.Close()
	// A fresh veth link takes a moment to carry traffic: probe until the
	// listener answers, before the capture starts, so the replay's
	// connections find it.
	c, s := dialListener(t, ln)
	c.Close()
	s.Close()
	sniffReplay(t, near, ln)
}

// listenInNetns opens a TCP listener inside namespace ns: a socket stays
// in the namespace it was created in, so only its creation needs the
// thread switched over.
func listenInNetns(t *testing.T, ns, addr string) net.Listener {
	t.Helper()
	// Unlocked only once back home: a goroutine that ends locked takes
	// its thread (and the namespace it is in) with it.
	runtime.LockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	defer self.Close()
	target, err := os.Open("/var/run/netns/" + ns)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		t.Fatalf("setns: %v", err)
	}
	ln, lerr := net.Listen("tcp", addr)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		t.Fatalf("setns back: %v", err) // ends the goroutine, still locked
	}
	runtime.UnlockOSThread()
	if lerr != nil {
		t.Fatal(lerr)
	}
	return ln
}
