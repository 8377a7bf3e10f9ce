package ladder

import (
	"net/netip"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Builder turns Records into Arrows. It learns every session's description
// from its OPEN_REQ (Observe every record, selected or not) and places an
// endpoint as a column only when a drawn arrow first touches it, so a
// narrowed ladder has only the columns it uses.
type Builder struct {
	ShowSecrets bool
	// InfoAhead says Record.Rendered holds the message's Info text, made
	// ahead on another goroutine (pipeline Options.Render); empty, it is
	// made here.
	InfoAhead bool

	servers map[netip.AddrPort]*Endpoint
	clients map[int]*Endpoint // by TCP stream
	placed  []*Endpoint

	// A compact builder (NewCompactBuilder) keeps clients as clientRec.
	compact     bool
	recs        []clientRec // by stream
	clientNames map[int]clientNames
	dialectWhy  map[int]string // UCCE client sessions: why they were taken for UCCE
	cols        []column
	epCols      []*Endpoint
}

// NewBuilder returns an empty builder.
func NewBuilder(showSecrets bool) *Builder {
	return &Builder{ShowSecrets: showSecrets, servers: map[netip.AddrPort]*Endpoint{}, clients: map[int]*Endpoint{}}
}

// Endpoints are the columns placed so far, in column order.
func (b *Builder) Endpoints() []*Endpoint { return b.placed }

// ends returns the server and client address of a record's connection.
func ends(r *record.Record) (server, client netip.AddrPort) {
	if r.Frame.Dir == record.ClientToServer {
		return r.Frame.Dst, r.Frame.Src
	}
	return r.Frame.Src, r.Frame.Dst
}

func (b *Builder) client(r *record.Record) *Endpoint {
	e := b.clients[r.Frame.Stream]
	if e == nil {
		_, addr := ends(r)
		e = &Endpoint{Index: -1, Role: RoleClient, Addr: addr, Stream: r.Frame.Stream}
		b.clients[r.Frame.Stream] = e
	}
	return e
}

func (b *Builder) server(r *record.Record) *Endpoint {
	addr, _ := ends(r)
	e := b.servers[addr]
	if e == nil {
		e = &Endpoint{Index: -1, Role: RoleServer, Addr: addr, Stream: -1}
		b.servers[addr] = e
	}
	return e
}

// Observe learns what a record says about its session: the client
// signature, agent and mode of an OPEN_REQ, the mode the session settled on.
func (b *Builder) Observe(r *record.Record) {
	if b.compact && compactOK(r) {
		b.observeCompact(r)
		return
	}
	e := b.client(r)
	if m := r.Session.Mode; m != dissect.ModeUnknown {
		e.Mode = m.String()
	}
	if r.Session.Dialect == dissect.DialectUCCE {
		e.UCCE, e.Version, e.DialectWhy = true, r.Session.Version, r.Session.DialectWhy
	}
	if r.Msg == nil || r.Msg.Def == nil || r.Msg.Def.ID != dissect.MsgOpenReq {
		return
	}
	if s, ok := r.Msg.String("ClientID"); ok && !record.IsSecret(r.Msg.Get("ClientID")) {
		e.ClientID = s
	}
	if s, ok := r.Msg.String("AgentID"); ok && !record.IsSecret(r.Msg.Get("AgentID")) {
		e.AgentID = s
	}
}

// place gives an endpoint its column, when it has none yet.
func (b *Builder) place(e *Endpoint, fresh []*Endpoint) []*Endpoint {
	if e.Index >= 0 {
		return fresh
	}
	e.Index = len(b.placed)
	e.Name = columnName(e.Index)
	b.placed = append(b.placed, e)
	return append(fresh, e)
}

// Arrow converts a record (after Observe) into an arrow, placing its
// endpoints; fresh lists the endpoints that got a column just now, server
// first, so a streaming renderer can introduce them before the arrow.
func (b *Builder) Arrow(r *record.Record) (a Arrow, fresh []*Endpoint) {
	srv := b.server(r)
	var cli int
	switch {
	case b.compact && compactOK(r):
		fresh = b.placeCol(srv, fresh)
		cli, fresh = b.placeCompact(r, fresh)
	case b.compact:
		e := b.client(r)
		fresh = b.placeCol(srv, fresh)
		fresh = b.placeCol(e, fresh)
		cli = e.Index
	default:
		e := b.client(r)
		fresh = b.place(srv, fresh)
		fresh = b.place(e, fresh)
		cli = e.Index
	}
	a = Arrow{Num: r.Num, Time: r.Frame.Time, Stream: r.Frame.Stream, From: srv.Index, To: cli}
	if !r.Frame.Start.IsZero() {
		a.Rel = r.Frame.Time.Sub(r.Frame.Start)
	}
	if r.Frame.Dir == record.ClientToServer {
		a.From, a.To = cli, srv.Index
	}
	if ev := r.Event; ev != nil {
		a.Kind = ev.Kind.String()
		a.MsgType = strings.ToUpper(ev.Kind.String())
		a.Label = record.EventInfo(ev, r.Frame.Dir)
		return a, fresh
	}
	m := r.Msg
	a.MsgType = m.Name()
	a.Kind = dissect.KindEvent.String() // an unknown message type
	if m.Def != nil {
		a.Kind = m.Def.Kind.String()
	}
	if b.InfoAhead && len(r.Rendered) > 0 {
		a.Label = string(r.Rendered)
	} else {
		a.Label = record.Info(m, b.ShowSecrets)
	}
	if q := r.Request; q != nil {
		a.Request, a.Latency, a.HasLatency = q.Num, q.Latency, true
	}
	if p := r.Response; p != nil {
		a.Response, a.Latency, a.HasLatency = p.Num, p.Latency, true
	}
	a.Unanswered = r.Unanswered
	if m.IsFailure() {
		a.Failure = true
		a.Status = failureStatus(m)
	}
	for _, e := range m.AllExpert() {
		if e.Severity >= dissect.SeverityWarning {
			a.Expert = append(a.Expert, e.Severity.String()+": "+e.Message)
		}
	}
	return a, fresh
}

// failureStatus is the name of a failure's status: FAILURE_CONF's Status,
// CONTROL_FAILURE_CONF's FailureCode (with the CCX error code when set).
func failureStatus(m *dissect.Message) string {
	var parts []string
	for _, name := range []string{"Status", "FailureCode", "Unified CCX ErrorCode"} {
		f := m.Get(name)
		if f == nil || !f.Value.Type.IsInteger() {
			continue
		}
		if name == "Unified CCX ErrorCode" && f.Value.Num == 0 {
			continue
		}
		if d := f.Display(); d != "" {
			parts = append(parts, d)
		} else {
			parts = append(parts, name+"="+f.Value.Text())
		}
	}
	return strings.Join(parts, " ")
}
