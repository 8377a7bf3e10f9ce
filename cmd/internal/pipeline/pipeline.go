// Package pipeline glues the reassembler to the dissector: it reads
// captures, cuts their TCP streams into CTI frames, decodes each frame with
// its connection's session and hands out render.Records one at a time, in
// the order the messages complete in the capture. Nothing is kept between
// records but per-connection sessions, so memory stays flat however long
// the capture.
package pipeline

import (
	"errors"
	"io"
	"slices"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
)

// Record is what the pipeline produces: a decoded message or a stream event.
type Record = render.Record

// Options select what is decoded and how.
type Options struct {
	Ports        []uint16       // CTI server ports; nil = reassembly.DefaultServerPorts
	NoHeuristics bool           // only traffic on Ports is CTI
	Version      int            // force the protocol version (0 = from OPEN_REQ)
	Layout       dissect.Layout // force the floating header layout
	Count        int            // stop after this many messages (0 = all)
}

// Pipeline decodes one capture after another, numbering messages and
// streams across them.
type Pipeline struct {
	opts       Options
	num        int       // messages handed out so far
	streamBase int       // connections of the captures already read
	start      time.Time // first packet of the first capture
	done       bool
}

// New returns a pipeline.
func New(opts Options) *Pipeline { return &Pipeline{opts: opts} }

// Done reports whether Count messages have been handed out.
func (p *Pipeline) Done() bool { return p.done }

// Messages is the number of messages handed out so far.
func (p *Pipeline) Messages() int { return p.num }

// errCount stops the reassembler once Count messages were handed out.
var errCount = errors.New("pipeline: message count reached")

// Read decodes src to its end (or until Count messages), calling fn for
// every record. The record and what it points to belong to the caller
// (frame bytes are copied out of the reassembler's buffers). Read returns
// fn's first error, or the capture's error when it is truncated or
// corrupt; every record decodable before the damage has been handed out.
func (p *Pipeline) Read(src *reassembly.Source, fn func(*Record) error) error {
	if p.done {
		return nil
	}
	ropts := reassembly.Options{ServerPorts: p.opts.Ports, NoHeuristics: p.opts.NoHeuristics}
	if ropts.ServerPorts == nil {
		ropts.ServerPorts = reassembly.DefaultServerPorts
	}
	ra := reassembly.New(dissect.Framing{}, ropts)
	cb := func(it *reassembly.Item) error { return p.item(it, fn) }
	var err error
	for {
		pkt, rerr := src.ReadPacket()
		if rerr != nil {
			if cerr := ra.Close(cb); cerr != nil {
				err = cerr
			} else if !errors.Is(rerr, io.EOF) {
				err = rerr
			}
			break
		}
		if p.start.IsZero() {
			p.start = pkt.Time
		}
		if err = ra.Packet(&pkt, cb); err != nil {
			break
		}
	}
	p.streamBase += int(ra.Stats().Connections)
	if errors.Is(err, errCount) {
		return nil
	}
	return err
}

func (p *Pipeline) item(it *reassembly.Item, fn func(*Record) error) error {
	if p.done {
		return errCount
	}
	if f := it.Frame; f != nil {
		cs, _ := f.Conn.Context.(*connState)
		if cs == nil {
			cs = &connState{sess: dissect.NewSession(dissect.Options{Version: p.opts.Version, Layout: p.opts.Layout})}
			f.Conn.Context = cs
		}
		sess := cs.sess
		data := slices.Clone(f.Data)
		m := sess.Decode(data)
		p.num++
		r := &Record{
			Num:     p.num,
			Frame:   p.frameInfo(f.Conn, f.Dir, f.LastPkt, f.Time),
			Msg:     m,
			Session: render.Session{Version: sess.Version, Layout: sess.Layout, LayoutSource: sess.LayoutSource, Mode: sess.Mode},
		}
		r.Request = cs.pair(m, p.num, f.Time)
		r.Frame.Pkts = slices.Clone(f.Pkts)
		r.Frame.Truncated = f.Truncated
		if err := fn(r); err != nil {
			return err
		}
		if p.opts.Count > 0 && p.num >= p.opts.Count {
			p.done = true
			return errCount
		}
		return nil
	}
	e := it.Event
	if e == nil {
		return nil
	}
	switch e.Kind {
	case reassembly.Gap, reassembly.Skipped, reassembly.Overflow, reassembly.DirectionChanged:
	default:
		return nil // opened and closed connections are not worth a row
	}
	r := &Record{
		Frame: p.frameInfo(e.Conn, e.Dir, e.Pkt, e.Time),
		Event: &render.Event{Kind: e.Kind.String(), Bytes: e.Bytes, Offset: e.Offset, Text: e.Text},
	}
	if e.Pkt > 0 {
		r.Frame.Pkts = []int{e.Pkt}
	}
	return fn(r)
}

func (p *Pipeline) frameInfo(c *reassembly.Conn, dir reassembly.Direction, pkt int, t time.Time) render.Frame {
	fr := render.Frame{Pkt: pkt, Time: t, Start: p.start, Stream: p.streamBase + c.Index, Dir: dir.String()}
	if dir == reassembly.ClientToServer {
		fr.Src, fr.Dst = c.Client, c.Server
	} else {
		fr.Src, fr.Dst = c.Server, c.Client
	}
	return fr
}

// connState is what the pipeline keeps per connection (in Conn.Context).
type connState struct {
	sess    *dissect.Session
	pending map[uint32]pending // requests waiting for their confirm, by InvokeID
}

type pending struct {
	num int
	at  time.Time
}

// maxPending bounds the requests remembered per connection; a server that
// never answers must not make memory grow.
const maxPending = 4096

// pair remembers requests and links confirms to them by InvokeID.
func (c *connState) pair(m *dissect.Message, num int, at time.Time) *render.Request {
	if m.Def == nil || m.Def.Kind == dissect.KindEvent {
		return nil
	}
	id, ok := m.Uint("InvokeID")
	if !ok {
		return nil
	}
	if m.Def.Kind == dissect.KindRequest {
		if c.pending == nil {
			c.pending = make(map[uint32]pending)
		}
		if len(c.pending) >= maxPending {
			clear(c.pending)
		}
		c.pending[uint32(id)] = pending{num: num, at: at}
		return nil
	}
	req, ok := c.pending[uint32(id)]
	if !ok {
		return nil
	}
	delete(c.pending, uint32(id))
	return &render.Request{Num: req.num, Latency: at.Sub(req.at)}
}
