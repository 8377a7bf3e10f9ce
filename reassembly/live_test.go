package reassembly

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
)

func TestCaptureErrorMessages(t *testing.T) {
	cases := []struct {
		err  error
		want []string
	}{
		{syscall.EPERM, []string{"capture on eth7", "permission denied", "CAP_NET_RAW"}},
		{syscall.EACCES, []string{"permission denied", "CAP_NET_RAW"}},
		{fmt.Errorf("bind: %w", syscall.ENODEV), []string{"no such interface", "interfaces: "}},
		{syscall.EBUSY, []string{"interface busy", "another program"}},
		{syscall.ENETDOWN, []string{"interface is down", "ip link set eth7 up"}},
	}
	for _, c := range cases {
		err := captureError("eth7", c.err)
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", c.err, err, w)
			}
		}
		// The system error stays reachable for callers that test it.
		var errno syscall.Errno
		if !errors.As(c.err, &errno) {
			t.Fatalf("case %v is not an errno", c.err)
		}
		if !errors.Is(err, errno) {
			t.Errorf("%v: errno lost: %#v", c.err, err)
		}
		var ce *CaptureError
		if !errors.As(err, &ce) || ce.Interface != "eth7" {
			t.Errorf("%v: not a CaptureError for eth7: %#v", c.err, err)
		}
	}
	// Already explained errors are not wrapped twice.
	once := captureError("eth7", syscall.EPERM)
	if again := captureError("eth7", once); again != once {
		t.Errorf("wrapped twice: %v", again)
	}
}

func TestLookupInterfaceMissing(t *testing.T) {
	_, err := lookupInterface("ctishark-no-such0")
	if err == nil {
		t.Fatal("want an error for a missing interface")
	}
	if !strings.Contains(err.Error(), "ctishark-no-such0: no such interface") {
		t.Errorf("unclear message: %v", err)
	}
	if _, err := lookupInterface(""); err == nil || !strings.Contains(err.Error(), "no interface given") {
		t.Errorf("empty name: %v", err)
	}
}
