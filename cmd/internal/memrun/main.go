//go:build unix

// Command memrun measures the peak RSS of ctishark binaries on the
// captures built to make a reader or a report hold memory (issue 14's
// memory cases): 500 connections each with ~1 MiB behind an unfilled
// hole, a pcapng of 2,000,000 interface blocks, 200,000 IP fragments that
// never complete (reassembly/ctitest's floods), 800,000 one-message
// connections, 1,000,000 calls, 1,000,000 agents and an unanswered
// request followed by 300 frames of 16k fields (floods.go). Each binary
// runs every command (read, read -T json, stats, calls, calls -T json,
// agents, agents -T json, ladder -T json, doctor) on each capture in its
// own process; the figure is that process's peak RSS (getrusage
// ru_maxrss). Give several binaries (for instance one built before a
// change and one after) to compare them on the same files in one run:
//
//	make memrun            # the working tree's binary (BASE=rev: that one too)
//	go run ./cmd/internal/memrun -dir /tmp/flood OLD NEW
//	go run ./cmd/internal/memrun -case calls -cmd calls NEW
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ctishark/ctishark/reassembly/ctitest"
)

type flood struct {
	name, file string
	make       func() io.ReadCloser
}

func main() {
	dir := flag.String("dir", os.TempDir(), "where to write the generated captures")
	keep := flag.Bool("keep", false, "keep the generated captures (and reuse them in the next run)")
	only := flag.String("case", "", "only the cases whose name contains this")
	onlyCmd := flag.String("cmd", "", "only the commands whose text contains this")
	conns := flag.Int("conns", 800_000, "connections of the one-message case")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: memrun [-dir DIR] [-keep] BINARY...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	floods := []flood{
		// MSS-sized messages, as a real sender would segment 1 MiB.
		{"500 conns x 1 MiB behind holes", "holes.pcap", func() io.ReadCloser { return ctitest.HoleFlood(500, 700, 1400) }},
		{"2M pcapng interface blocks", "ifaces.pcapng", func() io.ReadCloser { return ctitest.InterfaceFlood(2_000_000) }},
		{"200k incomplete IP fragments", "frags.pcap", func() io.ReadCloser { return ctitest.FragmentFlood(200_000, 1400) }},
		{fmt.Sprintf("%dk one-message conns", *conns/1000), fmt.Sprintf("conns%d.pcap", *conns), func() io.ReadCloser { return shortConns(*conns) }},
		{"1M calls", "calls.pcap", func() io.ReadCloser { return manyCalls(1_000_000) }},
		{"1M agents", "agents.pcap", func() io.ReadCloser { return manyAgents(1_000_000) }},
		{"unanswered request + 300 frames of 16k fields", "unanswered.pcap", func() io.ReadCloser { return unanswered(300) }},
	}
	var chosen []flood
	for _, f := range floods {
		if strings.Contains(f.name, *only) {
			chosen = append(chosen, f)
		}
	}
	floods = chosen
	for i := range floods {
		f := &floods[i]
		f.file = filepath.Join(*dir, "memrun-"+f.file)
		if _, err := os.Stat(f.file); err == nil && *keep {
			continue
		}
		if err := write(f.file, f.make()); err != nil {
			fmt.Fprintln(os.Stderr, "memrun:", err)
			os.Exit(1)
		}
		if !*keep {
			defer os.Remove(f.file)
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	fmt.Fprintln(tw, "case\tinput MB\tbinary\tcommand\tpeak RSS MB\texit\tseconds\tstderr (first line)")
	for _, f := range floods {
		fi, _ := os.Stat(f.file)
		for _, bin := range flag.Args() {
			for _, cmd := range commands {
				if !strings.Contains(cmd, *onlyCmd) {
					continue
				}
				rss, code, secs, msg := measure(bin, strings.Fields(cmd), f.file)
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%d\t%d\t%.1f\t%s\n", f.name, fi.Size()>>20, filepath.Base(bin), cmd, rss>>20, code, secs, msg)
				fmt.Fprintf(os.Stderr, "memrun: %s, %s %s done\n", f.name, filepath.Base(bin), cmd)
			}
		}
	}
}

// commands are what memrun runs on each capture.
var commands = []string{"read", "read -T json", "stats", "calls", "calls -T json", "agents", "agents -T json", "ladder -T json", "doctor"}

func write(path string, r io.ReadCloser) error {
	defer r.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// measure runs `bin cmd file`, output discarded, and returns its peak RSS
// in bytes, exit code, wall time and the first line it wrote to stderr.
func measure(bin string, cmd []string, file string) (rss int64, code int, secs float64, msg string) {
	c := exec.Command(bin, append(cmd, file)...)
	var errOut limited
	c.Stderr = &errOut
	start := time.Now()
	err := c.Run()
	secs = time.Since(start).Seconds()
	if c.ProcessState == nil {
		return 0, -1, secs, err.Error()
	}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return rss, c.ProcessState.ExitCode(), secs, errOut.firstLine()
}

// limited keeps the first 4 KiB written to it.
type limited struct{ b []byte }

func (l *limited) Write(p []byte) (int, error) {
	if room := 4096 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limited) firstLine() string {
	for i, c := range l.b {
		if c == '\n' {
			return string(l.b[:i])
		}
	}
	return string(l.b)
}
