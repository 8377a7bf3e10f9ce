package reassembly

// PartialHeld is the capacity of the in-order buffers the reassembler
// counts against MaxPartialTotal: after Close it must be back to zero, or
// the count drifts and the budget sheds frames it should not.
func PartialHeld(r *Reassembler) int { return r.partialTotal }

// TableLen is the number of connections in the table, tombstones included.
func TableLen(r *Reassembler) int { return r.table.n }

// MaxTombstones is the bound on tombstones kept.
const MaxTombstones = maxTombstones
