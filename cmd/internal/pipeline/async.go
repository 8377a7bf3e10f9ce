package pipeline

import (
	"errors"
	"sync/atomic"
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
	asyncInflight = 4  // batches handed over and not yet back
	// asyncBytes ends a batch early, so that records of huge decoded
	// messages (recordBytes, as the look-ahead counts them) in flight
	// stay bounded in bytes too.
	asyncBytes = 4 << 20
)

// errStopped ends the reading once the callback has failed; Read returns
// the callback's error instead.
var errStopped = errors.New("pipeline: record callback failed")

type async struct {
	cur      []*Record
	curBytes int // recordBytes of cur
	spare    [][]*Record
	todo     chan []*Record
	back     chan []*Record
	inflight int
	failed   atomic.Bool
	err      error // the callback's first error; read after the barrier
	running  bool
}

// start runs the consumer for one capture.
func (a *async) start(fn func(*Record) error) {
	a.todo = make(chan []*Record, asyncInflight)
	a.back = make(chan []*Record, asyncInflight)
	a.running = true
	go func() {
		for b := range a.todo {
			for _, r := range b {
				if a.err != nil {
					break
				}
				if err := fn(r); err != nil {
					a.err = err
					a.failed.Store(true)
				}
			}
			a.back <- b
		}
		close(a.back)
	}()
}

// addAsync queues a record (of bytes, as recordBytes counts it) for the
// callback; a full batch is handed over.
func (p *Pipeline) addAsync(r *Record, bytes int) error {
	a := &p.async
	if a.failed.Load() {
		return errStopped
	}
	if a.cur == nil {
		if n := len(a.spare); n > 0 {
			a.cur, a.spare = a.spare[n-1], a.spare[:n-1]
		} else {
			a.cur = make([]*Record, 0, asyncBatch)
		}
	}
	a.cur = append(a.cur, r)
	a.curBytes += bytes
	if len(a.cur) == asyncBatch || a.curBytes >= asyncBytes {
		p.sendBatch()
	}
	return nil
}

// sendBatch hands the current batch over, first taking back a batch done
// with when asyncInflight are out.
func (p *Pipeline) sendBatch() {
	a := &p.async
	if len(a.cur) == 0 {
		return
	}
	if !a.running {
		a.start(p.fn)
	}
	if a.inflight == asyncInflight {
		p.takeBack(<-a.back)
	}
	a.todo <- a.cur
	a.inflight++
	a.cur, a.curBytes = nil, 0
}

// takeBack recycles the messages of a batch the callback is done with.
func (p *Pipeline) takeBack(b []*Record) {
	p.async.inflight--
	for i, r := range b {
		p.recycle(r)
		b[i] = nil
	}
	p.async.spare = append(p.async.spare, b[:0])
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
	for b := range a.back {
		p.takeBack(b)
	}
	a.running = false
	return a.err
}
