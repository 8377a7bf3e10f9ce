package reassembly

import (
	"encoding/binary"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// linuxSLL and linuxSLL2 are gopacket's Linux cooked capture headers
// (LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2) with the two points where
// gopacket would drop traffic tshark dissects:
//
//   - An address length over 8. The header holds 8 address bytes, but
//     libpcap writes the device's address length (20 on InfiniBand), so
//     gopacket's "invalid address length" would lose every packet of such
//     an interface. We keep the first 8 bytes, as tshark shows them.
//   - For SLL2, gopacket chooses the next layer by the ARPHRD type and takes
//     an ip_gre device (ARPHRD_IPGRE) for Ethernet; its protocol field is
//     the GRE protocol type of what follows (0x0800: IPv4), which tshark
//     decodes. We follow the protocol field for every device type.

// cookedAddrLen is the size of the address field of both headers.
const cookedAddrLen = 8

type linuxSLL struct {
	layers.LinuxSLL
	hdr [16]byte // scratch copy of a header with a long address length
}

// DecodeFromBytes is gopacket's, with a long address length clamped.
func (s *linuxSLL) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 16 || binary.BigEndian.Uint16(data[4:6]) <= cookedAddrLen {
		return s.LinuxSLL.DecodeFromBytes(data, df)
	}
	// Decode a copy of the header that claims 8 address bytes, then point
	// the layer back into the packet.
	h := s.hdr[:]
	copy(h, data)
	binary.BigEndian.PutUint16(h[4:6], cookedAddrLen)
	if err := s.LinuxSLL.DecodeFromBytes(h, df); err != nil {
		return err
	}
	s.AddrLen = binary.BigEndian.Uint16(data[4:6])
	s.Addr = data[6 : 6+cookedAddrLen]
	s.BaseLayer = layers.BaseLayer{Contents: data[:16], Payload: data[16:]}
	return nil
}

type linuxSLL2 struct {
	layers.LinuxSLL2
	hdr [20]byte // scratch copy of a header with a long address length
}

// DecodeFromBytes is gopacket's, with a long address length clamped.
func (s *linuxSLL2) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 20 || data[11] <= cookedAddrLen {
		return s.LinuxSLL2.DecodeFromBytes(data, df)
	}
	h := s.hdr[:]
	copy(h, data)
	h[11] = cookedAddrLen
	if err := s.LinuxSLL2.DecodeFromBytes(h, df); err != nil {
		return err
	}
	s.AddrLength = data[11]
	s.Addr = data[12 : 12+cookedAddrLen]
	s.BaseLayer = layers.BaseLayer{Contents: data[:20], Payload: data[20:]}
	return nil
}

// NextLayerType is the layer the protocol field names, whatever the
// device type.
func (s *linuxSLL2) NextLayerType() gopacket.LayerType { return s.ProtocolType.LayerType() }
