// Command ctishark is a Wireshark-style analyzer for the Cisco Unified CCX CTI protocol.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/ctishark/ctishark/cmd/root"
)

func main() { os.Exit(run()) }

// run wraps the command in a CPU profile when CTISHARK_CPUPROFILE names a
// file, and writes what it allocated when CTISHARK_MEMPROFILE does:
// developers' hooks for the throughput work (make bench-e2e says how fast;
// the profiles say where the time and the garbage come from), not
// user-facing flags.
func run() int {
	if path := os.Getenv("CTISHARK_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "ctishark: CTISHARK_CPUPROFILE:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "ctishark: CTISHARK_CPUPROFILE:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	code := root.Main(os.Args[1:])
	if path := os.Getenv("CTISHARK_MEMPROFILE"); path != "" {
		// What was allocated over the run (go tool pprof -sample_index=alloc_space).
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	return code
}
