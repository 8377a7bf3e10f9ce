package render

import "net/netip"

// endpoint is an address and port as every view prints it ("" when unknown).
func endpoint(a netip.AddrPort) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// appendAddrPort appends an address and port as endpoint writes it
// (nothing when unset), the IPv4 ones without a string.
func appendAddrPort(b []byte, a netip.AddrPort) []byte {
	if !a.IsValid() {
		return b
	}
	ip := a.Addr()
	if !ip.Is4() {
		return a.AppendTo(b)
	}
	// Dotted decimal and the port, as AppendTo writes them.
	v := ip.As4()
	b = appendUint(b, uint64(v[0]))
	b = append(b, '.')
	b = appendUint(b, uint64(v[1]))
	b = append(b, '.')
	b = appendUint(b, uint64(v[2]))
	b = append(b, '.')
	b = appendUint(b, uint64(v[3]))
	b = append(b, ':')
	return appendUint(b, uint64(a.Port()))
}
