package pipeline

import (
	"fmt"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// connState is what the pipeline keeps per connection (in Conn.Context).
type connState struct {
	sess    *dissect.Session
	agent   string             // AgentID of the connection's OPEN_REQ
	pending map[uint32]pending // requests waiting for their confirm, by InvokeID
	notes   int                // session notes already handed out with a record
	verdict func(record.Verdict)
	shard   int  // which decoding goroutine decodes the connection (Options.Parallel)
	noCalls bool // Options.NoCalls: its messages' call references are not read
	answers *answerSlab
}

// answer is the two links pairing makes when an answer comes: the
// answer's Request and the request's Response.
type answer struct {
	req  record.Request
	resp record.Response
}

// answerSlab hands out answers from blocks of answerBlock, one allocation
// per block instead of two per answered request (pairing is on the
// reading goroutine, which every view that pairs waits on). A block lives
// as long as any record or verdict still points into it: at most some
// answerBlock times what a view keeps, and views keep numbers, not
// these pointers.
type answerSlab struct{ free []answer }

const answerBlock = 64

// next is room for an answer's two links. A nil slab (a connState made by
// hand, as tests do) allocates each on its own.
func (s *answerSlab) next() *answer {
	if s == nil {
		return &answer{}
	}
	if len(s.free) == 0 {
		s.free = make([]answer, answerBlock)
	}
	a := &s.free[0]
	s.free = s.free[1:]
	return a
}

// pending is a request waiting for its answer. slot is set when the
// pipeline looks ahead: the request's record is held in the queue until
// the answer arrives, so the answer can be written into it.
type pending struct {
	num  int
	at   time.Time
	slot *slot
}

// maxPending bounds the requests remembered per connection; a server that
// never answers must not make memory grow.
const maxPending = 4096

// pair links requests and answers by InvokeID (id, when ok says the
// message has one; read off the reading goroutine, see facts). A request
// is remembered with its queue slot s (nil when not looking ahead); pair reports whether
// it now waits for its answer. An answer gets r.Request and, when its
// request is still held, fills the request's Response.
func (c *connState) pair(r *record.Record, s *slot, id uint32, ok bool) (waits bool) {
	m := r.Msg
	if m.Def == nil || m.Def.Kind == dissect.KindEvent || !ok {
		return false
	}
	at := r.Frame.Time
	if m.Def.Kind == dissect.KindRequest { // with its InvokeID: record.IsRequest
		if c.pending == nil {
			c.pending = make(map[uint32]pending)
		}
		if len(c.pending) >= maxPending {
			// Forgotten requests can no longer be answered.
			c.release()
		}
		// A reused InvokeID replaces the older request, which can no
		// longer be told apart from the new one: it went unanswered.
		if old, ok := c.pending[id]; ok {
			c.unanswered(old.slot)
		}
		c.pending[id] = pending{num: r.Num, at: at, slot: s}
		return s != nil
	}
	req, ok := c.pending[id]
	if !ok {
		return false
	}
	delete(c.pending, uint32(id))
	lat := record.Elapsed(at, req.at)
	if lat < 0 {
		// Capture clocks do go backwards (merged or reordered files): one
		// answer, one rule for every view: no negative response time.
		m.AddExpert(dissect.SeverityWarning, dissect.ExpTimeBackwards, fmt.Sprintf(
			"the capture stamps this answer %s before its request #%d: its response time counts as 0", -lat, req.num))
		lat = 0
	}
	a := c.answers.next()
	a.req = record.Request{Num: req.num, Latency: lat}
	a.resp = record.Response{Num: r.Num, Latency: lat, Failure: m.IsFailure()}
	r.Request = &a.req
	resp := &a.resp
	switch q := req.slot; {
	case q == nil:
	case q.wait:
		q.rec.Response = resp
		q.wait = false
		q.reuse = true // out of pending, still queued: the queue's alone now
	case q.released && lat > holdTime:
		c.unanswered(q) // answered too late, as a held request would be judged
	case q.released:
		c.late(q, resp)
	}
	return false
}

// late passes a released request's verdict on: answered by resp, or
// unanswered when resp is nil.
func (c *connState) late(q *slot, resp *record.Response) {
	v := *q.late
	v.Response, v.Unanswered = resp, resp == nil
	q.released = false
	if c.verdict != nil {
		c.verdict(v)
	}
}

// unanswered gives a request's slot the verdict "unanswered": on the
// record while it is held, as a late verdict once it was released.
func (c *connState) unanswered(q *slot) {
	switch {
	case q == nil:
	case q.wait:
		q.rec.Unanswered = true
		q.wait = false
	case q.released:
		c.late(q, nil)
	}
}

// release lets every pending request of the connection go unanswered: the
// connection closed, or its requests had to be forgotten.
func (c *connState) release() {
	for _, p := range c.pending {
		c.unanswered(p.slot)
	}
	clear(c.pending)
}
