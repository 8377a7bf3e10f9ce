package pipeline

import "github.com/ctishark/ctishark/reassembly"

// packetStats keeps the reassembler's counters: what the packets of the
// last capture and of all captures so far came to, including what could
// not be decoded (unknown link types, malformed headers, incomplete IP
// datagrams), which no record reports.
type packetStats struct {
	last, total reassembly.Stats
}

func (ps *packetStats) add(st reassembly.Stats) {
	ps.last = st
	ps.total.Add(&st)
}

// Packets returns the reassembler's counters summed over every capture
// read so far.
func (p *Pipeline) Packets() reassembly.Stats { return p.packets.total }

// Warnings words what the packets of the capture read last lost without a
// record saying so (see reassembly.Stats.Warnings).
func (p *Pipeline) Warnings() []string { return p.packets.last.Warnings() }
