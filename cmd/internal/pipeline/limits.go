package pipeline

import "github.com/ctishark/ctishark/reassembly"

// Limits are the reassembler's bounds in bytes that a command line can
// change (see the --max-* flags); zero means the reassembly default.
type Limits struct {
	BufferTotal    int // reassembly.Options.MaxBufferedTotal
	PartialTotal   int // reassembly.Options.MaxPartialTotal
	FragBuffer     int // reassembly.Options.MaxFragBytes
	InterfaceTable int // reassembly.Source.SetMaxInterfaceBytes
	Lookahead      int // bytes of records held behind an unanswered request (DefaultMaxHeldBytes)
}

func (l Limits) apply(o reassembly.Options) reassembly.Options {
	o.MaxBufferedTotal, o.MaxPartialTotal, o.MaxFragBytes = l.BufferTotal, l.PartialTotal, l.FragBuffer
	return o
}

// ApplySource sets the limits that belong to the capture reader, when src
// is one.
func (l Limits) ApplySource(src PacketSource) {
	if s, ok := src.(*reassembly.Source); ok {
		s.SetMaxInterfaceBytes(l.InterfaceTable)
	}
}
