package ladder

import (
	"net/netip"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Compact client endpoints, for the streamed JSON document: it names an
// arrow's ends by their column and lists the endpoints only at its end,
// so a client session need not be an Endpoint (~180 bytes with its map
// entry and name) until then. A capture of 800,000 one-message
// connections kept 137 MB of them.

// clientRec is what a client session's endpoint needs, without pointers:
// its address, column (-1 until placed), settled mode and whether
// OPEN_REQ named it (the names are in Builder.clientNames).
type clientRec struct {
	addr  [16]byte
	port  uint16
	is4   bool
	seen  bool
	named bool
	mode  dissect.ClientMode
	index int32
	// ucceVersion is 0 for a UCCX session, else its UCCE protocol
	// version + 1 (why it was taken for UCCE: Builder.dialectWhy).
	ucceVersion uint16
}

type clientNames struct{ clientID, agentID string }

// column refers to a placed endpoint: a client's stream (>= 0) or an
// Endpoint (-1 - its position in Builder.epCols: servers, and clients
// that do not fit a clientRec).
type column int32

// NewCompactBuilder returns a builder that keeps client endpoints as
// clientRec: Arrow's fresh list holds endpoints made for the call,
// Endpoints is nil, and EachEndpoint lists the columns.
func NewCompactBuilder(showSecrets bool) *Builder {
	b := NewBuilder(showSecrets)
	b.compact = true
	b.clientNames = map[int]clientNames{}
	return b
}

// rec is the clientRec of a record's stream, made at its first sight.
func (b *Builder) rec(r *record.Record) *clientRec {
	s := r.Frame.Stream
	for len(b.recs) <= s {
		b.recs = append(b.recs, clientRec{index: -1})
	}
	c := &b.recs[s]
	if !c.seen {
		_, addr := ends(r)
		c.addr, c.port, c.is4, c.seen = addr.Addr().As16(), addr.Port(), addr.Addr().Is4(), true
	}
	return c
}

// compactOK reports whether a record's client fits a clientRec: its
// stream numbers it (the reassembler numbers streams densely from 0) and
// its address has no zone.
func compactOK(r *record.Record) bool {
	_, addr := ends(r)
	return r.Frame.Stream >= 0 && addr.Addr().Zone() == ""
}

func (b *Builder) observeCompact(r *record.Record) {
	c := b.rec(r)
	if m := r.Session.Mode; m != dissect.ModeUnknown {
		c.mode = m
	}
	if r.Session.Dialect == dissect.DialectUCCE {
		// Said once per session: only a new version (OPEN_REQ) changes it.
		if v := uint16(min(max(r.Session.Version, 0), 1<<16-2)) + 1; v != c.ucceVersion {
			c.ucceVersion = v
			if b.dialectWhy == nil {
				b.dialectWhy = map[int]string{}
			}
			b.dialectWhy[r.Frame.Stream] = r.Session.DialectWhy
		}
	}
	if r.Msg == nil || r.Msg.Def == nil || r.Msg.Def.ID != dissect.MsgOpenReq {
		return
	}
	n := b.clientNames[r.Frame.Stream]
	if s, ok := r.Msg.String("ClientID"); ok && !record.IsSecret(r.Msg.Get("ClientID")) {
		n.clientID, c.named = s, true
	}
	if s, ok := r.Msg.String("AgentID"); ok && !record.IsSecret(r.Msg.Get("AgentID")) {
		n.agentID, c.named = s, true
	}
	if c.named {
		b.clientNames[r.Frame.Stream] = n
	}
}

// placeCompact gives a record's client its column, when it has none yet,
// and returns its column index.
func (b *Builder) placeCompact(r *record.Record, fresh []*Endpoint) (int, []*Endpoint) {
	c := b.rec(r)
	if c.index < 0 {
		c.index = int32(len(b.cols))
		b.cols = append(b.cols, column(r.Frame.Stream))
		fresh = append(fresh, b.endpoint(r.Frame.Stream))
	}
	return int(c.index), fresh
}

// endpoint is the Endpoint of a client stream's clientRec.
func (b *Builder) endpoint(stream int) *Endpoint {
	c := &b.recs[stream]
	ip := netip.AddrFrom16(c.addr)
	if c.is4 {
		ip = ip.Unmap()
	}
	e := &Endpoint{Index: int(c.index), Role: RoleClient, Addr: netip.AddrPortFrom(ip, c.port), Stream: stream}
	if c.index >= 0 {
		e.Name = columnName(int(c.index))
	}
	if c.mode != dissect.ModeUnknown {
		e.Mode = c.mode.String()
	}
	if c.named {
		n := b.clientNames[stream]
		e.ClientID, e.AgentID = n.clientID, n.agentID
	}
	if c.ucceVersion > 0 {
		e.UCCE, e.Version, e.DialectWhy = true, int(c.ucceVersion)-1, b.dialectWhy[stream]
	}
	return e
}

// EachEndpoint calls f with each placed endpoint in column order (made
// for the call in a compact builder), stopping at f's first error.
func (b *Builder) EachEndpoint(f func(*Endpoint) error) error {
	if !b.compact {
		for _, e := range b.placed {
			if err := f(e); err != nil {
				return err
			}
		}
		return nil
	}
	for _, c := range b.cols {
		e := (*Endpoint)(nil)
		if c < 0 {
			e = b.epCols[-1-int(c)]
		} else {
			e = b.endpoint(int(c))
		}
		if err := f(e); err != nil {
			return err
		}
	}
	return nil
}

// placeCol gives an Endpoint its column in a compact builder.
func (b *Builder) placeCol(e *Endpoint, fresh []*Endpoint) []*Endpoint {
	if e.Index >= 0 {
		return fresh
	}
	e.Index = len(b.cols)
	e.Name = columnName(e.Index)
	b.cols = append(b.cols, column(-1-len(b.epCols)))
	b.epCols = append(b.epCols, e)
	return append(fresh, e)
}
