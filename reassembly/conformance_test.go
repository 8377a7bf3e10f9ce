package reassembly_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// conformanceDir is ../shared/conformance relative to the repository root.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "conformance")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no conformance captures: %v", err)
	}
	return dir
}

func runFile(t *testing.T, path string, opts reassembly.Options) result {
	t.Helper()
	src, err := reassembly.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return runSource(src, opts)
}

func TestConformanceTCPSegmentation(t *testing.T) {
	dir := conformanceDir(t)
	for _, heur := range []bool{false, true} {
		res := runFile(t, filepath.Join(dir, "tcp-segmentation.pcap"), reassembly.Options{NoHeuristics: !heur})
		if res.err != nil {
			t.Fatal(res.err)
		}
		var types []uint32
		for _, f := range res.frames {
			types = append(types, ctitest.Type(f.Data))
			want := reassembly.ServerToClient
			if ctitest.Type(f.Data) == 3 || ctitest.Type(f.Data) == 5 {
				want = reassembly.ClientToServer
			}
			if f.Dir != want || f.Truncated {
				t.Errorf("type %d: dir %v truncated %v", ctitest.Type(f.Data), f.Dir, f.Truncated)
			}
		}
		if want := []uint32{3, 4, 30, 23, 9, 10, 5, 6, 13, 24}; !slices.Equal(types, want) {
			t.Errorf("types %v, want %v\n%s", types, want, res)
		}
		if res.stats.Gaps != 0 || res.stats.SkippedBytes != 0 {
			t.Errorf("unexpected gaps/skips: %+v\n%s", res.stats, res)
		}
	}
}

func TestConformanceEveryMessage(t *testing.T) {
	dir := conformanceDir(t)
	for _, name := range []string{"every-message-v13.pcap", "every-message-v18.pcap"} {
		t.Run(name, func(t *testing.T) {
			res := runFile(t, filepath.Join(dir, name), reassembly.Options{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.frames) != 78 {
				t.Errorf("%d frames, want 78\n%s", len(res.frames), res)
			}
			for _, f := range res.frames {
				if f.Truncated {
					t.Errorf("truncated frame %v", f.Pkts)
				}
			}
		})
	}
}
