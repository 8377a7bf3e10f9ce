package render

import "net/netip"

// endpoint is an address and port as every view prints it ("" when unknown).
func endpoint(a netip.AddrPort) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
