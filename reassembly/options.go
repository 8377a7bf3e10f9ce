package reassembly

import "time"

// Options tunes a Reassembler. The zero value means "all defaults".
type Options struct {
	// ServerPorts are the TCP ports CTI servers listen on. Traffic to or
	// from them is CTI without further checks. Nil means DefaultServerPorts;
	// an empty non-nil slice means none.
	ServerPorts []uint16
	// NoHeuristics disables CTI detection on ports other than ServerPorts.
	NoHeuristics bool
	// IdleTimeout flushes a connection that saw no packet for this long, in
	// capture time. Zero means DefaultIdleTimeout; negative disables.
	IdleTimeout time.Duration
	// MaxBuffered caps the bytes one direction of one connection may hold
	// (out-of-order segments, each charged 96 bytes more for its
	// bookkeeping, plus an incomplete frame). When out-of-order
	// data would exceed it the oldest hole is declared lost (a Gap); when a
	// single incomplete frame would exceed it the frame is dropped (an
	// Overflow). Zero means DefaultMaxBuffered.
	MaxBuffered int
	// MaxBufferedTotal caps the out-of-order bytes buffered behind holes
	// across all connections. When a segment would exceed it, the holes of
	// the connection whose buffered data is oldest are given up (Gap
	// events saying so) until it fits. Zero means DefaultMaxBufferedTotal.
	MaxBufferedTotal int
	// MaxPartialTotal caps the bytes held in order across all connections:
	// incomplete frames waiting for their last bytes, and the windows a
	// direction that lost sync scans for a header. After a packet leaves
	// more than that held, the biggest is given up until it fits: an
	// incomplete frame is dropped (an Overflow event, its remaining bytes
	// discarded to stay in sync), a resync window skipped (Skipped). Zero
	// means DefaultMaxPartialTotal.
	MaxPartialTotal int
	// HoleTimeout declares a hole in a stream lost once data after it has
	// waited this long in capture time for a retransmission. (A hole the
	// peer has acknowledged past is declared lost at once: the receiver
	// got bytes the capture missed.) Zero means DefaultHoleTimeout;
	// negative waits until the connection ends.
	HoleTimeout time.Duration
	// MaxConns caps the connection table; the least recently active entry
	// is flushed to make room. Zero means DefaultMaxConns.
	MaxConns int
	// MaxFragBytes bounds the memory held by IP fragments waiting for the
	// rest of their datagram, in bytes (fragment data plus bookkeeping);
	// the oldest incomplete datagram is dropped to make room. Zero means
	// DefaultMaxFragBytes.
	MaxFragBytes int
	// FragTimeout drops a datagram still incomplete this long, in capture
	// time, after its first fragment. Zero means DefaultFragTimeout;
	// negative waits until the end of the capture.
	FragTimeout time.Duration
}

// Defaults for Options fields left zero.
const (
	DefaultIdleTimeout = 5 * time.Minute
	DefaultMaxBuffered = 1 << 20
	// Without a global cap, 65,536 connections × 2 directions × 1 MiB
	// could be held behind holes.
	DefaultMaxBufferedTotal = 64 << 20
	// Likewise for incomplete frames: each direction may hold up to
	// MaxBuffered of one.
	DefaultMaxPartialTotal = 64 << 20
	DefaultMaxConns        = 1 << 16
	// A sender retransmits within a second or two (Linux's minimum RTO is
	// 200 ms); waiting longer only delays the frames behind the hole.
	DefaultHoleTimeout = 3 * time.Second
)

// DefaultServerPorts are the CTI server ports: UCCX (42027) and 12028.
var DefaultServerPorts = []uint16{42027, 12028}

// minBuffered keeps MaxBuffered large enough for the resync scan to look at
// a couple of maximal headers; smaller values would make every gap fatal.
const minBuffered = 4096

func (o Options) withDefaults() Options {
	if o.ServerPorts == nil {
		o.ServerPorts = DefaultServerPorts
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxBuffered <= 0 {
		o.MaxBuffered = DefaultMaxBuffered
	}
	if o.MaxBuffered < minBuffered {
		o.MaxBuffered = minBuffered
	}
	if o.MaxBufferedTotal <= 0 {
		o.MaxBufferedTotal = DefaultMaxBufferedTotal
	}
	if o.MaxPartialTotal <= 0 {
		o.MaxPartialTotal = DefaultMaxPartialTotal
	}
	if o.HoleTimeout == 0 {
		o.HoleTimeout = DefaultHoleTimeout
	}
	if o.MaxFragBytes <= 0 {
		o.MaxFragBytes = DefaultMaxFragBytes
	}
	if o.FragTimeout == 0 {
		o.FragTimeout = DefaultFragTimeout
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	return o
}
