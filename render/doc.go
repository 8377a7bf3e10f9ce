// Package render turns decoded CTI messages into what people and scripts
// read: a packet-list table, a Wireshark-style detail tree with an optional
// hex dump, JSON (an array or one object per line) and tshark-style fields.
//
// Renderers only read records (dissect/record): where a message came from
// (capture file and packets, time, TCP stream, endpoints), what the session
// knew when it was decoded, and what analysis of the capture found (its
// request/answer pair, whether it went unanswered). The pipeline fills
// records from the reassembler; tests build them by hand. Nothing here is
// needed to decode or analyse a capture, so the Go API (cmd/capture) does
// not link it.
package render
