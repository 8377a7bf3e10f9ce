package pipeline

import (
	"errors"
	"runtime"
	"sync/atomic"

	"github.com/ctishark/ctishark/dissect/record"
)

// With Options.Async the record callback runs on a goroutine of its own,
// so rendering and writing one batch of records overlaps decoding the
// next on another core. Records reach the callback in the order they
// would have without it (one consumer, batches in FIFO order), so the
// output is the same bytes whatever GOMAXPROCS is. Every batch comes back
// to the reading goroutine once handed out, which recycles its messages:
// the free list and everything else of the pipeline stays on one
// goroutine.
const (
	asyncBatch    = 32 // records per batch: fewer hand-overs (each may wake a goroutine)
	asyncInflight = 8  // batches handed over and not yet back
	// asyncBytes ends a batch early, so that records of huge decoded
	// messages (recordBytes, as the look-ahead counts them) in flight
	// stay bounded in bytes too.
	asyncBytes = 1 << 20
	// asyncOutBytes bounds the batches in flight in bytes: a batch of
	// one huge record passes asyncBytes, and eight of them would hold
	// twice what four did before rendering ahead needed eight.
	asyncOutBytes = 16 << 20
)

// errStopped ends the reading once the callback has failed; Read returns
// the callback's error instead.
var errStopped = errors.New("pipeline: record callback failed")

type async struct {
	cur      *batch
	spare    []*batch
	todo     chan *batch
	back     chan *batch
	render   chan *batch // batches for the rendering goroutines (Options.Render)
	inflight int
	outBytes int // recordBytes of the batches in flight
	failed   atomic.Bool
	err      error // the callback's first error; read after the barrier
	running  bool
}

// batch is records handed over together, and with Options.Render the
// bytes they were rendered into (each record's Rendered is a slice of
// buf), done once rendered.
type batch struct {
	recs     []*Record
	sizes    []int // recordBytes of each record
	bytes    int   // recordBytes of recs
	verdicts []queuedVerdict
	buf      []byte
	done     chan struct{}
}

// queuedVerdict is a late verdict (Options.OnVerdict) passed with the
// records: it reaches OnVerdict on the callback's goroutine after the
// first at records of its batch, as it would have without Async, so a
// view that counts requests hears of a released request before its
// verdict, and never from two goroutines at once.
type queuedVerdict struct {
	at int
	v  record.Verdict
}

// renderers is how many goroutines render ahead with Options.Render: the
// callback then only writes, and rendering (most of a JSON view's work)
// spreads over the cores like decoding.
func renderers() int { return max(1, min(runtime.GOMAXPROCS(0), 4)) }

// maxKeptRender bounds the rendering room a batch keeps for the next.
const maxKeptRender = 256 << 10

// maxRenderAhead is the largest record (recordBytes) rendered ahead: a
// huge one (thousands of fields) is left to the callback, which renders
// it in its writer's one reused buffer, so that the bytes rendered and
// waiting stay small (measured: 16,000-field frames took 47 MB more
// when rendered ahead).
const maxRenderAhead = 256 << 10

// start runs the consumer for one capture, and the rendering goroutines.
func (p *Pipeline) startAsync() {
	a := &p.async
	a.todo = make(chan *batch, asyncInflight)
	a.back = make(chan *batch, asyncInflight)
	a.running = true
	if p.opts.Render != nil && p.opts.Recycle {
		a.render = make(chan *batch, asyncInflight)
		for range renderers() {
			go renderBatches(a.render, p.opts.Render())
		}
	}
	fn, onVerdict := p.fn, p.opts.OnVerdict
	go func() {
		for b := range a.todo {
			if b.done != nil {
				<-b.done
			}
			vi := 0
			for i, r := range b.recs {
				for ; vi < len(b.verdicts) && b.verdicts[vi].at == i; vi++ {
					onVerdict(b.verdicts[vi].v)
				}
				if a.err != nil {
					break
				}
				if err := fn(r); err != nil {
					a.err = err
					a.failed.Store(true)
				}
			}
			for ; vi < len(b.verdicts); vi++ {
				onVerdict(b.verdicts[vi].v)
			}
			a.back <- b
		}
		close(a.back)
	}()
}

// renderBatches renders the records of each batch into its buffer.
func renderBatches(in <-chan *batch, render func(dst []byte, r *Record) []byte) {
	for b := range in {
		buf := b.buf[:0]
		for i, r := range b.recs {
			if b.sizes[i] > maxRenderAhead {
				continue
			}
			at := len(buf)
			buf = render(buf, r)
			// A slice of the buffer as it is now: when a later record
			// grows it, this one's bytes stay where they are.
			r.Rendered = buf[at:len(buf):len(buf)]
		}
		b.buf = buf
		b.done <- struct{}{}
	}
}

// addVerdict queues a late verdict behind the records queued so far.
func (p *Pipeline) addVerdict(v record.Verdict) {
	a := &p.async
	if a.cur == nil {
		a.cur = p.spareBatch()
	}
	a.cur.verdicts = append(a.cur.verdicts, queuedVerdict{at: len(a.cur.recs), v: v})
}

// spareBatch returns an empty batch, a spare one when there is one.
func (p *Pipeline) spareBatch() *batch {
	a := &p.async
	if n := len(a.spare); n > 0 {
		b := a.spare[n-1]
		a.spare = a.spare[:n-1]
		return b
	}
	return &batch{recs: make([]*Record, 0, asyncBatch), sizes: make([]int, 0, asyncBatch)}
}

// addAsync queues a record (of bytes, as recordBytes counts it) for the
// callback; a full batch is handed over.
func (p *Pipeline) addAsync(r *Record, bytes int) error {
	a := &p.async
	if a.failed.Load() {
		return errStopped
	}
	if a.cur == nil {
		a.cur = p.spareBatch()
	}
	a.cur.recs = append(a.cur.recs, r)
	a.cur.sizes = append(a.cur.sizes, bytes)
	a.cur.bytes += bytes
	if len(a.cur.recs) == asyncBatch || a.cur.bytes >= asyncBytes {
		p.sendBatch()
	}
	return nil
}

// sendBatch hands the current batch over, first taking back a batch done
// with when asyncInflight are out.
func (p *Pipeline) sendBatch() {
	a := &p.async
	b := a.cur
	if b == nil || len(b.recs) == 0 && len(b.verdicts) == 0 {
		return
	}
	if !a.running {
		p.startAsync()
	}
	for a.inflight == asyncInflight || (a.inflight > 0 && a.outBytes+b.bytes > asyncOutBytes) {
		p.takeBack(<-a.back)
	}
	if a.render != nil {
		if b.done == nil {
			b.done = make(chan struct{}, 1)
		}
		a.render <- b
	}
	a.todo <- b
	a.inflight++
	a.outBytes += b.bytes
	a.cur = nil
}

// takeBack recycles the messages of a batch the callback is done with.
func (p *Pipeline) takeBack(b *batch) {
	p.async.inflight--
	p.async.outBytes -= b.bytes
	for i, r := range b.recs {
		r.Rendered = nil
		p.recycle(r)
		b.recs[i] = nil
	}
	b.recs, b.sizes, b.bytes = b.recs[:0], b.sizes[:0], 0
	clear(b.verdicts)
	b.verdicts = b.verdicts[:0]
	if cap(b.buf) > maxKeptRender {
		b.buf = nil
	}
	p.async.spare = append(p.async.spare, b)
}

// barrier hands out what is batched and waits until the callback has seen
// every record; it returns the callback's first error.
func (p *Pipeline) barrier() error {
	a := &p.async
	p.sendBatch()
	if !a.running {
		return a.err
	}
	close(a.todo)
	if a.render != nil {
		close(a.render)
		a.render = nil
	}
	for b := range a.back {
		p.takeBack(b)
	}
	a.running = false
	return a.err
}
