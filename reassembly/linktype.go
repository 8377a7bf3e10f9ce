package reassembly

import (
	"fmt"

	"github.com/gopacket/gopacket/layers"
)

// LinkType is a pcap LINKTYPE_ value. It is wider than gopacket's
// layers.LinkType (8 bits in v1.1.19), which cannot hold SLL2 (276).
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

// fromGopacketLinkType widens pcapgo's 8-bit link type. pcapng interface
// blocks carry 16 bits, which pcapgo truncates; 276 (SLL2) arrives as 20,
// a value no link type uses, so it is mapped back.
func fromGopacketLinkType(lt layers.LinkType) LinkType {
	if lt == layers.LinkType(LinkTypeSLL2&0xff) {
		return LinkTypeSLL2
	}
	return LinkType(lt)
}
