// Package dissect decodes Unified CCX CTI frames, and those of the Unified
// CCE CTI Server protocol it derives from, into field trees.
//
// A frame is an 8-byte header (BodyLength, MessageTypeID, both big-endian)
// followed by a body made of a positional fixed part and an optional floating
// part of tagged records. The facts that drive the decoder (message IDs,
// fixed layouts, floating tags, enums and masks) live in catalog.json (UCCX)
// and catalog-ucce.json (UCCE) and are compiled into zcatalog.go and
// zcatalog_ucce.go by `go generate`; the decode and encode code is generic
// over those tables, in the style of miekg/dns, and a Session picks the
// dialect per connection (see UCCE.md).
//
// The package knows nothing of packets or terminals: it takes frame bytes and
// a Session (per-connection protocol context) and returns a *Message whose
// fields carry names, stable filter names (cti.AgentID), typed values,
// display text, byte offsets and expert items. Summarize is the allocation-free
// fast path for table and statistics views.
//
// Bad input never panics and never allocates from a length read off the wire:
// whatever can be decoded is decoded and the rest is reported as Expert items.
package dissect

//go:generate go run ./internal/gencatalog -in catalog.json -out zcatalog.go
//go:generate go run ./internal/gencatalog -in catalog-ucce.json -out zcatalog_ucce.go -prefix ucce -shared catalog.json
//go:generate go run ./internal/genlua -out ../cmd/wiresharkplugin/zcti.lua
