package reassembly

import (
	"encoding/binary"
	"errors"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// LayerTypeLinuxSLL2 is the Linux cooked capture v2 header, which gopacket
// v1.1.19 does not know. 1276 lies in the range gopacket leaves to
// applications ("1000 + LINKTYPE 276").
var LayerTypeLinuxSLL2 = gopacket.RegisterLayerType(1276, gopacket.LayerTypeMetadata{
	Name:    "LinuxSLL2",
	Decoder: gopacket.DecodeFunc(decodeLinuxSLL2),
})

// LinuxSLL2 is the 20-byte LINKTYPE_LINUX_SLL2 header. Unlike SLL v1 the
// protocol type comes first and an interface index is included.
type LinuxSLL2 struct {
	layers.BaseLayer
	Protocol       layers.EthernetType
	InterfaceIndex uint32
	ARPHRDType     uint16
	PacketType     layers.LinuxSLLPacketType
	AddrLen        uint8
	Addr           []byte // link-layer source address, AddrLen bytes (at most 8)
}

const sll2HeaderLen = 20

// LayerType returns LayerTypeLinuxSLL2.
func (s *LinuxSLL2) LayerType() gopacket.LayerType { return LayerTypeLinuxSLL2 }

// CanDecode returns LayerTypeLinuxSLL2.
func (s *LinuxSLL2) CanDecode() gopacket.LayerClass { return LayerTypeLinuxSLL2 }

// NextLayerType is the layer named by the protocol field.
func (s *LinuxSLL2) NextLayerType() gopacket.LayerType { return s.Protocol.LayerType() }

var errSLL2Short = errors.New("linux SLL2 header too short")

// DecodeFromBytes decodes the header without allocating.
func (s *LinuxSLL2) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < sll2HeaderLen {
		df.SetTruncated()
		return errSLL2Short
	}
	s.Protocol = layers.EthernetType(binary.BigEndian.Uint16(data[0:2]))
	s.InterfaceIndex = binary.BigEndian.Uint32(data[4:8])
	s.ARPHRDType = binary.BigEndian.Uint16(data[8:10])
	s.PacketType = layers.LinuxSLLPacketType(data[10])
	s.AddrLen = data[11]
	n := int(s.AddrLen)
	if n > 8 {
		n = 8
	}
	s.Addr = data[12 : 12+n]
	s.BaseLayer = layers.BaseLayer{Contents: data[:sll2HeaderLen], Payload: data[sll2HeaderLen:]}
	return nil
}

func decodeLinuxSLL2(data []byte, p gopacket.PacketBuilder) error {
	s := &LinuxSLL2{}
	if err := s.DecodeFromBytes(data, p); err != nil {
		return err
	}
	p.AddLayer(s)
	return p.NextDecoder(s.Protocol)
}
