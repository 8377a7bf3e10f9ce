package reassembly

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
)

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
	BudgetGaps       int64 // connections whose holes were given up to stay within MaxBufferedTotal
	PartialSheds     int64 // incomplete frames dropped or resync windows skipped to stay within MaxPartialTotal
	Retransmits      int64 // segments whose bytes had all been seen already
	OutOfOrder       int64 // segments buffered because they arrived early
	IgnoredRSTs      int64 // RSTs a receiver would have dropped (not at the next expected sequence number)
	// DecodeErrors counts packets that could not be decoded down to TCP
	// because a header was malformed, per link type. Non-TCP traffic is not
	// an error.
	DecodeErrors map[LinkType]int64
	// UnsupportedLinkType counts packets of link types we do not decode;
	// UnsupportedLinks says which.
	UnsupportedLinkType int64
	UnsupportedLinks    map[LinkType]int64
}

func (s *Stats) decodeError(lt LinkType) {
	if s.DecodeErrors == nil {
		s.DecodeErrors = make(map[LinkType]int64)
	}
	s.DecodeErrors[lt]++
}

func (s *Stats) unsupported(lt LinkType) {
	if s.UnsupportedLinks == nil {
		s.UnsupportedLinks = make(map[LinkType]int64)
	}
	s.UnsupportedLinkType++
	s.UnsupportedLinks[lt]++
}

// clone returns a copy whose map is not shared with the live counters.
func (s *Stats) clone() Stats {
	c := *s
	c.DecodeErrors = maps.Clone(s.DecodeErrors)
	c.UnsupportedLinks = maps.Clone(s.UnsupportedLinks)
	return c
}

// Add adds o's counters to s (totals over several captures).
func (s *Stats) Add(o *Stats) {
	dm, um := s.DecodeErrors, s.UnsupportedLinks
	a, b := reflect.ValueOf(s).Elem(), reflect.ValueOf(o).Elem()
	for i := range a.NumField() {
		if f := a.Field(i); f.Kind() == reflect.Int64 {
			f.SetInt(f.Int() + b.Field(i).Int())
		}
	}
	for lt, n := range o.DecodeErrors {
		if dm == nil {
			dm = make(map[LinkType]int64)
		}
		dm[lt] += n
	}
	for lt, n := range o.UnsupportedLinks {
		if um == nil {
			um = make(map[LinkType]int64)
		}
		um[lt] += n
	}
	s.DecodeErrors, s.UnsupportedLinks = dm, um
}

// Warnings words, for a person, the packets and bytes that were not
// decoded and were not reported by an event: packets of link types we do
// not know, packets whose headers were malformed, and IP datagrams given
// up for missing fragments. None when everything decoded.
func (s *Stats) Warnings() []string {
	var out []string
	for _, lt := range slices.Sorted(maps.Keys(s.UnsupportedLinks)) {
		out = append(out, fmt.Sprintf("%d packets of link type %d (%s) not decoded: unsupported link type", s.UnsupportedLinks[lt], uint16(lt), lt))
	}
	for _, lt := range slices.Sorted(maps.Keys(s.DecodeErrors)) {
		out = append(out, fmt.Sprintf("%d %s packets not decoded: malformed or truncated headers", s.DecodeErrors[lt], lt))
	}
	if s.FragDropped > 0 {
		out = append(out, fmt.Sprintf("%d IP datagrams dropped incomplete (%d bytes of fragments): fragments missing, older than the fragment timeout or over --max-frag-buffer", s.FragDropped, s.FragDroppedBytes))
	}
	return out
}
