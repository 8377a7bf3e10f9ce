package progress

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/gen"
)

// bigCapture writes a generated capture larger than MinSize.
func bigCapture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg := gen.DefaultConfig()
	cfg.Connections, cfg.TargetBytes = 10, MinSize+MinSize/2
	if _, err := gen.Generate(f, cfg); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBarOnlyOnATerminalForLargeFiles(t *testing.T) {
	big := bigCapture(t)
	small := filepath.Join(t.TempDir(), "small.pcap")
	var sb bytes.Buffer
	gen.Generate(&sb, gen.DefaultConfig())
	os.WriteFile(small, sb.Bytes(), 0o644)
	for _, tc := range []struct {
		name  string
		path  string
		tty   bool
		wants bool
	}{{"big on a tty", big, true, true}, {"big on a pipe", big, false, false}, {"small on a tty", small, true, false}} {
		var errOut bytes.Buffer
		src, bar, err := Open(tc.path, &errOut, tc.tty)
		if err != nil {
			t.Fatal(err)
		}
		if (bar != nil) != tc.wants {
			t.Errorf("%s: bar %v", tc.name, bar != nil)
		}
		n := 0
		for {
			if _, err := src.ReadPacket(); err != nil {
				if err != io.EOF {
					t.Fatal(err)
				}
				break
			}
			n++
		}
		bar.Close()
		src.Close()
		if n == 0 {
			t.Errorf("%s: no packet read through the bar", tc.name)
		}
		if !tc.wants && errOut.Len() != 0 {
			t.Errorf("%s: wrote %q", tc.name, errOut.String())
		}
		if tc.wants && bar.read != mustSize(t, tc.path) {
			t.Errorf("%s: counted %d bytes of %d", tc.name, bar.read, mustSize(t, tc.path))
		}
	}
}

func mustSize(t *testing.T, p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestBarRedrawsAtMostTenTimesASecondAndErases(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(0, 0)
	b := newBar(&out, "x", 100<<20, func() time.Time { return now })
	for i := 0; i < 1000; i++ { // 1000 reads over 2 s of fake time
		now = now.Add(2 * time.Millisecond)
		b.Message()
		b.add(100 << 10)
	}
	draws := strings.Count(out.String(), "\r\x1b[K[")
	if draws < 15 || draws > 21 {
		t.Errorf("%d drawings in 2 s", draws)
	}
	last := out.String()[strings.LastIndex(out.String(), "\r"):]
	// Drawn within the last 100 ms of fake time: at least 950 of the 1000.
	if !strings.Contains(last, "messages") || !strings.Contains(last, "/100 MB") || b.msgs.Load() != 1000 {
		t.Errorf("last drawing %q", last)
	}
	if strings.Contains(last, "\n") {
		t.Error("the bar must stay on one line")
	}
	b.Close()
	if !strings.HasSuffix(out.String(), "\r\x1b[K") {
		t.Error("Close did not erase the bar")
	}
}
