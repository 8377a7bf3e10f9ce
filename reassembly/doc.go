// Package reassembly turns packet captures into the CTI frames carried by
// their TCP connections.
//
// # Model
//
// A [Source] reads pcap or pcapng (optionally gzip-compressed) with gopacket's
// pure-Go pcapgo readers (a classic pcap's records with a reader of our own,
// held to pcapgo's by a test, that hands them out of its read buffer
// uncopied) and hands out link-layer packets. A [Reassembler]
// decodes each packet down to TCP with a gopacket DecodingLayerParser, finds
// the connection it belongs to and feeds the payload into that connection's
// per-direction stream:
//
//   - The stream puts bytes in sequence order (32-bit sequence arithmetic
//     with wraparound). Out-of-order segments are buffered; retransmitted
//     bytes that were already seen are dropped, so the first-seen copy wins.
//   - A hole that is never filled (buffered out-of-order data exceeds
//     Options.MaxBuffered, the connection ends by a FIN from both sides or
//     an RST or at the end of the capture, or it goes idle) becomes a
//     [Gap] event, after which the framer re-synchronises: it scans forward
//     for an offset where a chain of plausible frame headers starts. Bytes
//     passed over are reported by a [Skipped] event. A capture that starts in
//     the middle of a session syncs the same way.
//   - The framer cuts the in-order bytes into frames using only the
//     [Protocol] the caller supplies (header length and plausibility); it
//     knows nothing about message layouts.
//
// RSTs are judged as the receiving stack would (RFC 5961): only one at the
// next expected sequence number ends a connection; others are reported as
// [Ignored] events. IP fragments are reassembled and IPv6 extension headers
// walked before TCP is decoded. Packets that cannot be decoded (unknown link
// types, malformed headers) are counted in [Stats], which also words them
// for a person (Stats.Warnings).
//
// Which connections are CTI: TCP on a server port (Options.ServerPorts), or
// any other connection whose first bytes in a direction form a chain of at
// least two plausible headers (or one plausible header that exactly fills the
// data once the connection closes). Which side is the client: the SYN sender;
// else the side not on a server port; else the side that sends a client-only
// message first; else a guess (the side with the higher port).
//
// Output is a single ordered sequence of [Item]s, each either a [Frame] or an
// [Event], in the order they complete in the capture. Frame.Data and
// Frame.Pkts are borrowed: they point into packet or reassembly buffers and
// are valid only until the callback returns (use [Frame.Clone] to keep one).
// This keeps the common case (whole frames inside one segment) copy-free.
//
// Resources are bounded: connections idle for Options.IdleTimeout of capture
// time are flushed, each direction buffers at most Options.MaxBuffered bytes,
// out-of-order data of all connections together at most
// Options.MaxBufferedTotal (the oldest holes are given up as Gaps), IP
// fragments at most Options.MaxFragBytes (the oldest incomplete datagrams
// are dropped and counted), a pcapng section's interface table at most
// DefaultMaxInterfaceBytes (Source.SetMaxInterfaceBytes; reading stops with
// ErrLimit), the connection table holds at most Options.MaxConns entries,
// and no length
// read from the capture (pcap record lengths, frame lengths) is used to size
// an allocation beyond what was actually received or a fixed cap.
package reassembly
