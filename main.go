// Command ctishark is a Wireshark-style analyzer for the Cisco Unified CCX CTI protocol.
package main

import (
	"os"

	"github.com/ctishark/ctishark/cmd/root"
)

func main() { os.Exit(root.Main(os.Args[1:])) }
