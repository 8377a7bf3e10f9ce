package reassembly

import "fmt"

// LinkType is a pcap LINKTYPE_ value, 16 bits as in pcapng interface
// blocks (gopacket's layers.LinkType has the same width). Our own type
// names the link types the decoder knows and keeps gopacket out of the
// API.
type LinkType uint16

// Link types we decode.
const (
	LinkTypeNull     LinkType = 0   // BSD loopback, host byte order family
	LinkTypeEthernet LinkType = 1   // Ethernet, with 802.1Q / QinQ tags
	LinkTypeRawOld   LinkType = 12  // raw IP (DLT_RAW on some BSDs)
	LinkTypeRaw      LinkType = 101 // raw IP, version from the first nibble
	LinkTypeLoop     LinkType = 108 // OpenBSD loopback, network byte order family
	LinkTypeLinuxSLL LinkType = 113 // Linux cooked capture v1
	LinkTypeIPv4     LinkType = 228 // raw IPv4
	LinkTypeIPv6     LinkType = 229 // raw IPv6
	LinkTypeSLL2     LinkType = 276 // Linux cooked capture v2
)

var linkTypeNames = map[LinkType]string{
	LinkTypeNull:     "NULL",
	LinkTypeEthernet: "EN10MB",
	LinkTypeRawOld:   "RAW",
	LinkTypeRaw:      "RAW",
	LinkTypeLoop:     "LOOP",
	LinkTypeLinuxSLL: "LINUX_SLL",
	LinkTypeIPv4:     "IPV4",
	LinkTypeIPv6:     "IPV6",
	LinkTypeSLL2:     "LINUX_SLL2",
}

func (lt LinkType) String() string {
	if s, ok := linkTypeNames[lt]; ok {
		return s
	}
	return fmt.Sprintf("LinkType(%d)", uint16(lt))
}
