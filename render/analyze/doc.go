// Package analyze aggregates decoded CTI records into what the calls,
// agents and stats commands print: one row per call merged across the
// sessions that saw it, agent state timelines, and capture statistics.
//
// Each aggregator takes records one at a time (Add) and is asked for its
// result once the capture is read (Result). They only read Records, like
// the rest of render; the tables and JSON documents they print live in the
// *_render.go files next to them.
package analyze
