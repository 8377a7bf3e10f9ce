package reassembly_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	. "github.com/ctishark/ctishark/reassembly/ctitest"
)

// readAll reads src to its end or first error, counting packets.
func readAll(src *reassembly.Source) (int, error) {
	n := 0
	for {
		_, err := src.ReadPacket()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// A pcapng declaring interface after interface stops at the interface
// table bound with ErrLimit (naming the flag that raises it), after the
// packets before it; raised, the same file reads to its end.
func TestInterfaceTableBound(t *testing.T) {
	const n = 40000 // 40,000 × (20 + 512) bytes: above the 16 MiB default
	in := InterfaceFlood(n)
	defer in.Close()
	src, err := reassembly.OpenReader(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readAll(src)
	if got != 1 || !errors.Is(err, reassembly.ErrLimit) || !strings.Contains(err.Error(), "--max-interface-table") {
		t.Fatalf("read %d packets, error %v; want 1 and ErrLimit naming --max-interface-table", got, err)
	}

	in2 := InterfaceFlood(n)
	defer in2.Close()
	src, err = reassembly.OpenReader(in2)
	if err != nil {
		t.Fatal(err)
	}
	src.SetMaxInterfaceBytes(64 << 20)
	if got, err := readAll(src); got != 1 || err != nil {
		t.Fatalf("raised: read %d packets, error %v; want 1 and none", got, err)
	}
}

// 2,000,000 interface blocks (a 40 MB file) once took 1.55 GB; the bound
// keeps the live heap of the reader small.
func TestInterfaceTablePeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 40 MB")
	}
	base := liveHeap()
	in := InterfaceFlood(2_000_000)
	defer in.Close()
	src, err := reassembly.OpenReader(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAll(src); !errors.Is(err, reassembly.ErrLimit) {
		t.Fatalf("error %v, want ErrLimit", err)
	}
	heap := liveHeap()
	heap -= min(base, heap)
	runtime.KeepAlive(src)
	t.Logf("live heap %d MiB after the interface table filled", heap>>20)
	if limit := uint64(3 * reassembly.DefaultMaxInterfaceBytes); heap > limit {
		t.Errorf("live heap %d MiB, want at most %d MiB", heap>>20, limit>>20)
	}
}

// A flood of first fragments that never complete (280 MB of them) stays
// within MaxFragBytes: every datagram is dropped and counted.
func TestFragmentFloodPeakHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 280 MB")
	}
	const n, size = 200_000, 1400
	in := FragmentFlood(n, size)
	defer in.Close()
	src, err := reassembly.OpenReader(in)
	if err != nil {
		t.Fatal(err)
	}
	r := reassembly.New(Proto{}, reassembly.Options{})
	base := liveHeap()
	var peak uint64
	for i := 0; ; i++ {
		p, err := src.ReadPacket()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		r.Packet(&p, func(*reassembly.Item) error { return nil })
		if i%20000 == 19999 {
			if h := liveHeap(); h > base {
				peak = max(peak, h-base)
			}
		}
	}
	r.Close(func(*reassembly.Item) error { return nil })
	st := r.Stats()
	t.Logf("peak live heap %d MiB for %d MB of fragments", peak>>20, n*size>>20)
	if limit := uint64(reassembly.DefaultMaxFragBytes) + 8<<20; peak > limit {
		t.Errorf("peak live heap %d MiB, want at most %d MiB", peak>>20, limit>>20)
	}
	if st.Fragments != n || st.FragDropped != n || st.FragDroppedBytes != n*size {
		t.Errorf("fragments %d dropped %d (%d bytes), want %d %d (%d bytes)", st.Fragments, st.FragDropped, st.FragDroppedBytes, n, n, n*size)
	}
}
