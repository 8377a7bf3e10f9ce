package pipeline

import "github.com/ctishark/ctishark/dissect/record"

// The tests pair and number calls from a record alone, reading what the
// decoding goroutines read for the pipeline (facts).

func (c *connState) pairRecord(r *record.Record, s *slot) bool {
	id, ok := r.Msg.Uint("InvokeID")
	return c.pair(r, s, uint32(id), ok)
}

func (cs *calls) assignRecord(r *record.Record) { cs.assign(r, record.CallIDsOf(r.Msg)) }
