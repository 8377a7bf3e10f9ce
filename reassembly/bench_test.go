package reassembly

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// The benchmark capture is generated once per test binary into a temp
// file. CTISHARK_BENCH_MB sets its size (default 64 MB, which keeps the
// three benchmarks well under a minute).
var (
	benchOnce sync.Once
	benchPath string
	benchSize int64
	benchDir  string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func benchCapture(b *testing.B) string {
	benchOnce.Do(func() {
		mb := int64(64)
		if s := os.Getenv("CTISHARK_BENCH_MB"); s != "" {
			if v, err := strconv.ParseInt(s, 10, 64); err == nil && v > 0 {
				mb = v
			}
		}
		benchDir, benchErr = os.MkdirTemp("", "ctishark-bench")
		if benchErr != nil {
			return
		}
		benchPath = filepath.Join(benchDir, "bench.pcap")
		f, err := os.Create(benchPath)
		if err != nil {
			benchErr = err
			return
		}
		defer f.Close()
		if _, benchErr = ctitest.Generate(f, ctitest.GenOptions{Bytes: mb << 20, Conns: 2000, Seed: 1}); benchErr != nil {
			return
		}
		st, _ := f.Stat()
		benchSize = st.Size()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// BenchmarkBaseline only reads the packets and decodes them to TCP with the
// same gopacket DecodingLayerParsers: the floor any reassembly builds on.
func BenchmarkBaseline(b *testing.B) {
	path := benchCapture(b)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		src, err := OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		d := newDecoder()
		var seg segment
		var n, pay int
		for {
			p, err := src.ReadPacket()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if ok, _ := d.decode(&p, &seg, 0); ok {
				n++
				pay += len(seg.payload)
			}
		}
		src.Close()
		if n == 0 {
			b.Fatal("no TCP")
		}
	}
}

// BenchmarkReassemble reads, decodes, reassembles and frames, with frames
// borrowed (the package's contract).
func BenchmarkReassemble(b *testing.B) { benchRun(b, false) }

// BenchmarkReassembleClone is the same, but the callback copies every frame
// (what a caller keeping all frames pays, and what an owned-copy API would
// cost everyone).
func BenchmarkReassembleClone(b *testing.B) { benchRun(b, true) }

func benchRun(b *testing.B, clone bool) {
	path := benchCapture(b)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	var frames int64
	for b.Loop() {
		src, err := OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		r := New(ctitest.Proto{}, Options{})
		var sink int
		err = r.Run(src, func(it *Item) error {
			if f := it.Frame; f != nil {
				if clone {
					f = f.Clone()
				}
				sink += int(f.Data[7])
			}
			return nil
		})
		src.Close()
		if err != nil {
			b.Fatal(err)
		}
		st := r.Stats()
		if st.Gaps != 0 || st.SkippedBytes != 0 || st.Frames == 0 {
			b.Fatalf("unexpected stats %+v", st)
		}
		frames = st.Frames
	}
	b.ReportMetric(float64(frames), "frames/op")
}
