package reassembly

// A connection closed by FIN or RST stays in the table as a tombstone, so
// that its late retransmissions are absorbed instead of starting a new
// connection. Late retransmissions come within seconds of the close; a
// capture of many short connections (a reconnect storm, a scan) would
// otherwise keep up to MaxConns of them, some 40 MB, until they idle
// out. The most recent maxTombstones stay; older ones leave the table.
const maxTombstones = 8192

// tombRef is a tombstone in order of burial; seq tells a stale entry (the
// connection left the table, or was reused and closed again) from the
// conn's current burial.
type tombRef struct {
	c   *conn
	seq uint64
}

// bury records c, just closed and kept in the table, as the newest
// tombstone, and lets the oldest beyond maxTombstones go.
func (r *Reassembler) bury(c *conn) {
	if !c.inTable {
		return
	}
	r.tombSeq++
	c.tomb = r.tombSeq
	r.tombs = append(r.tombs, tombRef{c, r.tombSeq})
	if len(r.tombs) <= maxTombstones {
		return
	}
	old := r.tombs[0]
	r.tombs[0] = tombRef{}
	r.tombs = r.tombs[1:]
	if old.c.tomb == old.seq && old.c.state == stClosed {
		r.table.remove(old.c)
	}
	// (Popping from the front shrinks the slice's capacity: the next
	// append that needs room copies only the entries left.)
}
