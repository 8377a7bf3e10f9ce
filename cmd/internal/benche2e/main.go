//go:build linux

// Command benche2e measures ctishark end to end: each command's throughput
// and peak memory on realistic generated captures, against a floor program
// measured in the same run (gopacket's pcap reader, layer parser and TCP
// reassembler over the same file, nothing else). It is what `make bench-e2e`
// runs; figures are reported as ratios to the floor because this machine is
// shared and absolute times drift.
//
//	go run ./cmd/internal/benche2e -bin ./ctishark -sizes 100MB,1GB -n 3
//
// Captures are made once with `ctishark gen --connections N --target-size S`
// and kept in -dir for later runs. Every command runs in its own process
// with its output sent to /dev/null; peak RSS is the child's maxrss. Rounds
// interleave the commands, each right after a run of the floor (floor, a,
// floor, b, ..., then the next round), and the best of -n rounds is kept,
// so a burst of load on the machine hurts one round of every command
// rather than every round of one. ÷ floor is a command's best over the
// floor's best; the median column is the middle of its per-round ratios,
// each to the floor run just before it: the host's speed drifts within
// minutes, and two bests can come from different phases of it.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// A job is one measured command line. Args name the capture as "{}".
type job struct {
	name string
	args []string
	env  []string
	bin  string // "" = the ctishark binary
}

func jobs(self, bin string, withTshark bool) []job {
	js := []job{
		{name: "floor: gopacket read + parse + TCP reassembly", bin: self, args: []string{"-floor", "{}"}},
		{name: "read -T jsonl", args: []string{"read", "-T", "jsonl", "{}"}},
		{name: "read -T jsonl (GOMAXPROCS=1)", args: []string{"read", "-T", "jsonl", "{}"}, env: []string{"GOMAXPROCS=1"}},
		{name: "read (table)", args: []string{"read", "{}"}},
		{name: "read -T fields", args: []string{"read", "-T", "fields", "-e", "cti.num", "-e", "cti.msg_type", "-e", "cti.InvokeID", "-e", "cti.AgentID", "-e", "cti.CallID", "{}"}},
		{name: "read -Y (selective) -T jsonl", args: []string{"read", "-Y", "cti.msg_type == AGENT_STATE_EVENT", "-T", "jsonl", "{}"}},
		{name: "stats", args: []string{"stats", "{}"}},
		{name: "calls", args: []string{"calls", "{}"}},
		{name: "agents", args: []string{"agents", "{}"}},
		{name: "ladder -T json", args: []string{"ladder", "-T", "json", "{}"}},
	}
	if exec.Command(bin, "doctor", "--help").Run() == nil {
		js = append(js, job{name: "doctor", args: []string{"doctor", "{}"}})
	}
	if withTshark {
		if p, err := exec.LookPath("tshark"); err == nil {
			js = append(js, job{name: "tshark hex-only pass", bin: p,
				args: []string{"-r", "{}", "-d", "tcp.port==42027,data", "-T", "fields", "-e", "data.data"}})
		}
	}
	return js
}

type result struct {
	best   time.Duration
	cpu    time.Duration // user + system time of the best run
	rss    int64         // KiB
	err    string
	ratios []float64 // per round: the floor's time just before the command over the command's time
}

// medianRatio is the middle of a command's per-round ratios to the floor.
func (r *result) medianRatio() float64 {
	s := slices.Sorted(slices.Values(r.ratios))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func main() {
	floor := flag.String("floor", "", "internal: run the floor program on this capture")
	bin := flag.String("bin", "./ctishark", "the ctishark binary to measure")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "ctishark-bench"), "where generated captures are kept")
	sizes := flag.String("sizes", "100MB,1GB", "capture sizes to measure, comma-separated")
	conns := flag.Int("conns", 300, "TCP connections in generated captures")
	rounds := flag.Int("n", 3, "rounds; the best is kept")
	only := flag.String("only", "", "measure only the commands whose name matches this regexp (the floor always runs)")
	withTshark := flag.Bool("tshark", false, "also time tshark's hex-only pass, when tshark is installed")
	base := flag.String("base", "", "also time every command with this (earlier) ctishark binary, interleaved, for before/after ratios in one run")
	flag.Parse()
	if *floor != "" {
		check(runFloor(*floor))
		return
	}
	self, err := os.Executable()
	check(err)
	abs, err := filepath.Abs(*bin)
	check(err)
	var filter *regexp.Regexp
	if *only != "" {
		filter = regexp.MustCompile(*only)
	}
	check(os.MkdirAll(*dir, 0o755))
	fmt.Printf("machine: %s, %d cores, %s; ctishark: %s\n\n", cpuModel(), runtime.NumCPU(), runtime.Version(), version(abs))
	for _, size := range strings.Split(*sizes, ",") {
		capture := filepath.Join(*dir, fmt.Sprintf("gen-%dconn-%s.pcap", *conns, size))
		if _, err := os.Stat(capture); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s ...\n", capture)
			g := exec.Command(abs, "gen", "--connections", fmt.Sprint(*conns), "--target-size", size, "-w", capture)
			g.Stderr = os.Stderr
			check(g.Run())
		}
		measure(self, abs, *base, capture, *rounds, filter, *withTshark)
	}
}

func measure(self, bin, base, capture string, rounds int, filter *regexp.Regexp, withTshark bool) {
	st, err := os.Stat(capture)
	check(err)
	mb := float64(st.Size()) / 1e6
	msgs := countMessages(bin, capture)
	js := jobs(self, bin, withTshark)
	if base != "" {
		// Each command of the base binary right after the same command of
		// this one, so both see the same machine.
		var both []job
		for _, j := range js {
			both = append(both, j)
			if j.bin == "" {
				b := j
				b.name, b.bin = "(base) "+j.name, base
				both = append(both, b)
			}
		}
		js = both
	}
	res := make([]result, len(js))
	for round := 0; round < rounds; round++ {
		for i, j := range js {
			if i > 0 && filter != nil && !filter.MatchString(j.name) {
				continue
			}
			// The floor runs again right before each command, for the
			// median column: this host's speed drifts by up to 2x within
			// minutes, and a ratio of two runs seconds apart is what such
			// drift leaves alone. Those runs do not count for the floor's
			// best, which stays a best of -n runs like every command's.
			var floor time.Duration
			if i > 0 {
				if fd, _, _, ferr := run(bin, js[0], capture); ferr == "" {
					floor = fd
				}
			}
			d, cpu, rss, err := run(bin, j, capture)
			r := &res[i]
			if err != "" {
				r.err = err
				continue
			}
			if r.best == 0 || d < r.best {
				r.best, r.cpu = d, cpu
			}
			r.rss = max(r.rss, rss)
			if i == 0 {
				floor = d
			}
			if floor > 0 {
				r.ratios = append(r.ratios, floor.Seconds()/d.Seconds())
			}
		}
	}
	fmt.Printf("### %s: %.0f MB, %d CTI messages\n\n", filepath.Base(capture), mb, msgs)
	// cores: CPU time over wall time of the best run, how much of the
	// machine the command kept busy (2.0 is both cores of this one).
	// MB/s, messages/s and ÷ floor are of the best runs (÷ floor: the
	// command's best over the floor's best); median is the middle of the
	// per-round ratios, each to the floor run just before the command.
	fmt.Println("| command | MB/s | messages/s | ÷ floor | median | cores | peak RSS |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|")
	floorRate := 0.0
	if base != "" {
		defer fmt.Printf("(base) rows: %s, each run right after the row above it.\n\n", version(base))
	}
	for i, j := range js {
		r := res[i]
		switch {
		case r.err != "":
			fmt.Printf("| %s | failed: %s | | | | | |\n", j.name, r.err)
			continue
		case r.best == 0 || len(r.ratios) == 0:
			continue
		}
		rate := mb / r.best.Seconds()
		if i == 0 {
			floorRate = rate
		}
		fmt.Printf("| %s | %.1f | %.0f | %.3f | %.3f | %.2f | %.0f MB |\n", j.name, rate, float64(msgs)/r.best.Seconds(),
			rate/floorRate, r.medianRatio(), r.cpu.Seconds()/r.best.Seconds(), float64(r.rss)/1024)
	}
	fmt.Println()
}

// run executes one job with its output discarded and returns its wall time,
// its CPU time (user and system) and its peak RSS in KiB.
func run(bin string, j job, capture string) (time.Duration, time.Duration, int64, string) {
	args := make([]string, len(j.args))
	for i, a := range j.args {
		args[i] = strings.ReplaceAll(a, "{}", capture)
	}
	exe := j.bin
	if exe == "" {
		exe = bin
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), j.env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err == nil {
		cmd.Stdout = devnull // a real file: no copying pipe in the measurement
		defer devnull.Close()
	}
	start := time.Now()
	err = cmd.Run()
	d := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 1 { // doctor exits 1 on findings
			return 0, 0, 0, strings.TrimSpace(firstLine(stderr.String()) + " " + err.Error())
		}
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), rss, ""
}

func countMessages(bin, capture string) int64 {
	out, err := exec.Command(bin, "stats", "-T", "json", capture).Output()
	check(err)
	var s struct {
		Messages int64 `json:"messages"`
	}
	check(json.Unmarshal(out, &s))
	return s.Messages
}

func version(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(firstLine(string(out)))
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "benche2e:", err)
		os.Exit(2)
	}
}
