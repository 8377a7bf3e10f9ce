package sniff

import (
	"fmt"
	"io"
	"net"
	"strings"
)

// listInterfaces prints the interfaces as tshark -D does: a number, the
// name, and in brackets what kind it is and whether it is up.
func listInterfaces(w io.Writer) error {
	ifs, err := net.Interfaces()
	if err != nil {
		return fmt.Errorf("listing interfaces: %w", err)
	}
	for i, ifc := range ifs {
		fmt.Fprintf(w, "%d. %s%s\n", i+1, ifc.Name, interfaceNote(ifc))
	}
	return nil
}

func interfaceNote(ifc net.Interface) string {
	var notes []string
	if ifc.Flags&net.FlagLoopback != 0 {
		notes = append(notes, "Loopback")
	}
	if ifc.Flags&net.FlagUp == 0 {
		notes = append(notes, "down")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}
