package render

import "net/netip"

// maxEndpoints bounds an endpointCache: a capture of a million
// connections must not keep a million strings.
const maxEndpoints = 4096

// endpointCache remembers the text of the addresses a view printed
// lately. A capture has few endpoints and each record prints two, and
// formatting an address and port costs more than looking it up. It
// belongs to one writer (no locking).
type endpointCache map[netip.AddrPort]string

// text is endpoint(a), from the cache when it is there.
func (c *endpointCache) text(a netip.AddrPort) string {
	if s, ok := (*c)[a]; ok {
		return s
	}
	if *c == nil || len(*c) >= maxEndpoints {
		*c = make(endpointCache)
	}
	s := endpoint(a)
	(*c)[a] = s
	return s
}
