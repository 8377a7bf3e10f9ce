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
// file: a developer's hook for the throughput work (make bench-e2e says how
// fast; the profile says where the time goes), not a user-facing flag.
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
	return root.Main(os.Args[1:])
}
