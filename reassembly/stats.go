package reassembly

// Stats counts what a Reassembler has seen. Counters are cumulative.
type Stats struct {
	Packets    int64 // link-layer packets read
	Bytes      int64 // captured bytes of those packets
	TCPPackets int64 // packets that decoded to TCP
	TCPBytes   int64 // TCP payload bytes
	// Fragments counts IP fragments seen: of TCP for IPv4, of anything for
	// IPv6 (only the first fragment names the protocol).
	Fragments        int64
	FragDatagrams    int64 // datagrams reassembled from fragments
	FragDropped      int64 // datagrams given up incomplete (timeout, MaxFragBytes, end of capture) or malformed
	FragDroppedBytes int64 // fragment bytes they held
	Truncated        int64 // TCP segments cut short by the capture's snaplen
	Connections      int64 // connections recognised as CTI
	Frames           int64 // frames delivered (including truncated ones)
	TruncFrames      int64 // frames delivered with Truncated set
	Gaps             int64 // Gap events
	GapBytes         int64 // bytes reported missing by Gap events
	SkippedBytes     int64 // bytes passed over while resynchronising
	Overflows        int64 // Overflow events
	Retransmits      int64 // segments whose bytes had all been seen already
	OutOfOrder       int64 // segments buffered because they arrived early
	IgnoredRSTs      int64 // RSTs a receiver would have dropped (not at the next expected sequence number)
	// DecodeErrors counts packets that could not be decoded down to TCP
	// because a header was malformed, per link type. Non-TCP traffic is not
	// an error.
	DecodeErrors map[LinkType]int64
	// UnsupportedLinkType counts packets of link types we do not decode.
	UnsupportedLinkType int64
}

func (s *Stats) decodeError(lt LinkType) {
	if s.DecodeErrors == nil {
		s.DecodeErrors = make(map[LinkType]int64)
	}
	s.DecodeErrors[lt]++
}

// clone returns a copy whose map is not shared with the live counters.
func (s *Stats) clone() Stats {
	c := *s
	if s.DecodeErrors != nil {
		c.DecodeErrors = make(map[LinkType]int64, len(s.DecodeErrors))
		for k, v := range s.DecodeErrors {
			c.DecodeErrors[k] = v
		}
	}
	return c
}
