//go:build unix

// Command bench measures reassembly throughput and peak memory on a large
// generated capture.
//
//	go run ./reassembly/internal/bench -gen /tmp/big.pcap -mb 1024
//	go run ./reassembly/internal/bench -mode baseline /tmp/big.pcap
//	go run ./reassembly/internal/bench -mode reassemble /tmp/big.pcap
//
// Each mode runs in its own process so VmHWM (peak RSS, from
// /proc/self/status) belongs to that mode alone. Throughput is given per
// wall second and per CPU second (user+system), the latter being less
// sensitive to other load on the machine.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

func main() {
	gen := flag.String("gen", "", "generate a capture at this path")
	mb := flag.Int64("mb", 1024, "size of the generated capture in MB")
	conns := flag.Int("conns", 5000, "concurrent connections in the generated capture")
	mode := flag.String("mode", "reassemble", "baseline or reassemble")
	prof := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if *prof != "" {
		f, err := os.Create(*prof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	if *gen != "" {
		f, err := os.Create(*gen)
		check(err)
		_, err = ctitest.Generate(f, ctitest.GenOptions{Bytes: *mb << 20, Conns: *conns, Seed: 1})
		check(err)
		check(f.Close())
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bench [-mode baseline|reassemble] CAPTURE | bench -gen PATH [-mb N]")
		os.Exit(2)
	}
	path := flag.Arg(0)
	st, err := os.Stat(path)
	check(err)
	start, cpu0 := time.Now(), cpuTime()
	var detail string
	switch *mode {
	case "baseline":
		detail = baseline(path)
	case "reassemble":
		detail = reassemble(path)
	default:
		check(fmt.Errorf("unknown mode %q", *mode))
	}
	wall, cpu := time.Since(start), cpuTime()-cpu0
	size := float64(st.Size()) / 1e6
	fmt.Printf("%s: %.0f MB in %v (%.0f MB/s wall, %.0f MB/cpu-s) %s VmHWM %s\n",
		*mode, size, wall.Round(time.Millisecond), size/wall.Seconds(), size/cpu.Seconds(), detail, vmHWM())
}

// baseline reads and decodes every packet to TCP with gopacket only.
func baseline(path string) string {
	f, err := os.Open(path)
	check(err)
	defer f.Close()
	r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 64<<10))
	check(err)
	var eth layers.Ethernet
	var ip4 layers.IPv4
	var ip6 layers.IPv6
	var tcp layers.TCP
	p := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &tcp)
	p.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 4)
	var pkts, payload int64
	for {
		data, _, err := r.ZeroCopyReadPacketData()
		if err == io.EOF {
			break
		}
		check(err)
		if p.DecodeLayers(data, &decoded) == nil && len(decoded) == 3 {
			pkts++
			payload += int64(len(tcp.Payload))
		}
	}
	return fmt.Sprintf("tcp packets %d payload %d", pkts, payload)
}

// reassemble runs the full pipeline, touching every frame.
func reassemble(path string) string {
	src, err := reassembly.OpenFile(path)
	check(err)
	defer src.Close()
	r := reassembly.New(ctitest.Proto{}, reassembly.Options{})
	var sum int
	check(r.Run(src, func(it *reassembly.Item) error {
		if it.Frame != nil {
			sum += int(it.Frame.Data[7])
		}
		return nil
	}))
	s := r.Stats()
	return fmt.Sprintf("packets %d frames %d conns %d gaps %d", s.Packets, s.Frames, s.Connections, s.Gaps)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(l[6:])
		}
	}
	return "n/a"
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
