package pipeline

import (
	"runtime"
	"sync/atomic"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// With Options.Parallel, decoding (the bulk of the work per message) runs
// on goroutines of its own while the reading goroutine goes on reading,
// reassembling, pairing and handing out. Work items go out in chunks, in
// capture order; every decoding goroutine sees every chunk and decodes
// the frames of its own connections (connState.shard), so a connection's
// session is only ever used by one goroutine, in capture order. The
// reading goroutine takes chunks back oldest first, waiting for each to
// be decoded by all, and hands their records on exactly as it would have
// without decoding goroutines: output does not depend on GOMAXPROCS or on
// which goroutine finishes first.
//
// Chunks are small and many are out: the reading goroutine alternates
// between reading a chunk's packets and handing on the oldest chunk's
// records, and while it reads, the decoding and rendering goroutines live
// on what it handed on before. Short turns keep them fed: with 128-item
// chunks, four out, the execution trace of read -T jsonl had one goroutine
// running 21-28% of the time, both 70-79%; with 32-item chunks, sixteen
// out (the same 512 items), one 16-24%, both 75-84%.
const (
	chunkLen       = 32 // work items per chunk
	chunksInFlight = 16 // chunks out for decoding before the oldest is waited for
	// maxOutBytes bounds the frame bytes of the chunks out, and chunkBytes
	// ends a chunk early: frame bytes can decode into a hundred times as
	// many bytes of fields (a 32 KiB frame of empty floating fields is
	// 16,000 of them), so what is out for decoding is bounded in frame
	// bytes as well as in items, and stays small.
	maxOutBytes = 128 << 10
	chunkBytes  = maxOutBytes / chunksInFlight
	maxDecoders = 4
)

// workKind says what a work item carries.
type workKind uint8

const (
	workFrame  workKind = iota // a frame to decode into rec
	workEvent                  // a stream event's record, ready
	workClosed                 // a connection closed (cs may be nil)
)

// work is one item of a capture, in capture order: read, then decoded
// (decode), then handed on (process).
type work struct {
	kind workKind
	rec  *Record
	cs   *connState
	into *dissect.Message // recycled message to decode into, or nil
	data []byte           // the frame's bytes, copied
	now  time.Time        // capture time of the latest packet when the item was read
	// Set by decode, for process to put in rec.
	msg  *dissect.Message
	sess record.Session
	facts
}

// facts are what handing a record on reads of its message (pairing, call
// numbering, the look-ahead's byte count): read where it is decoded, so
// the reading goroutine need not walk the fields again.
type facts struct {
	bytes     int // recordBytes
	ids       record.CallIDs
	invoke    uint32
	hasInvoke bool
}

// chunk is a batch of work items out for decoding; done receives once
// when every decoding goroutine is through with it.
type chunk struct {
	items []work
	bytes int // frame bytes of items
	left  atomic.Int32
	done  chan struct{}
}

// decoders is the reading goroutine's side: the chunk being filled, the
// chunks out (oldest first) and the decoding goroutines' queues.
type decoders struct {
	in       []chan *chunk
	cur      *chunk
	out      []*chunk
	outBytes int // frame bytes of the chunks in out
	spare    []*chunk
}

// newWork returns the work item to fill for the next item of the
// capture: the next one of the chunk being filled when decoding runs on
// other goroutines, else the pipeline's own. Filling it in place, instead
// of building an item and copying it into the chunk, keeps the reading
// goroutine from writing every item twice (measured: the copies were
// 2.4% of stats' CPU, on the reading goroutine, the critical path).
// The item is zero but for what the caller sets.
func (p *Pipeline) newWork() *work {
	if !p.opts.Parallel || p.opts.Count > 0 {
		p.one = work{}
		return &p.one
	}
	d := &p.par
	if d.cur == nil {
		d.cur = d.chunk()
	}
	// Chunks have room for chunkLen items (sent when full) and reuse
	// clears them.
	n := len(d.cur.items)
	if n < cap(d.cur.items) {
		d.cur.items = d.cur.items[:n+1]
	} else {
		d.cur.items = append(d.cur.items, work{})
	}
	return &d.cur.items[n]
}

// run takes the work item newWork gave out, filled: decoded and handed on
// at once, or left in its chunk for the decoding goroutines.
func (p *Pipeline) run(w *work) error {
	w.now = p.now
	if !p.opts.Parallel || p.opts.Count > 0 {
		decode(w)
		return p.process(w)
	}
	d := &p.par
	d.cur.bytes += len(w.data)
	if p.caughtUp() {
		return p.flushDecoders() // no reason to wait for more
	}
	if len(d.cur.items) < chunkLen && d.cur.bytes < chunkBytes {
		return nil
	}
	d.send()
	for len(d.out) >= chunksInFlight || len(d.out) > 0 && d.outBytes > maxOutBytes {
		if err := p.takeOldest(); err != nil {
			return err
		}
	}
	return nil
}

// caughtUp reports whether a live capture (Options.MaxDelay) reads packets
// within MaxDelay of the clock: then nothing waits for a batch to fill.
func (p *Pipeline) caughtUp() bool {
	return p.opts.MaxDelay > 0 && time.Since(p.now) < p.opts.MaxDelay
}

// flushDecoders hands on every item read so far, waiting for the
// decoding goroutines where needed.
func (p *Pipeline) flushDecoders() error {
	p.par.send()
	for len(p.par.out) > 0 {
		if err := p.takeOldest(); err != nil {
			return err
		}
	}
	return nil
}

// chunk returns an empty chunk, a spare one when there is one.
func (d *decoders) chunk() *chunk {
	if n := len(d.spare); n > 0 {
		c := d.spare[n-1]
		d.spare = d.spare[:n-1]
		return c
	}
	return &chunk{items: make([]work, 0, chunkLen), done: make(chan struct{}, 1)}
}

// send hands the chunk being filled to every decoding goroutine, starting
// them on first use.
func (d *decoders) send() {
	c := d.cur
	if c == nil || len(c.items) == 0 {
		return
	}
	d.outBytes += c.bytes
	d.cur = nil
	if d.in == nil {
		d.start()
	}
	c.left.Store(int32(len(d.in)))
	for _, in := range d.in {
		in <- c
	}
	d.out = append(d.out, c)
}

// decoderCount, when above zero, overrides how many decoding goroutines
// start (tests shard connections over several on any machine).
var decoderCount = 0

// start runs one decoding goroutine per two cores, at most maxDecoders:
// the reading goroutine and the callback (or the rendering goroutines)
// keep the other half busy. One per core was slower on two cores: each
// decoder scans every chunk, and the messages' memory moved between the
// cores more (measured: stats 0.88 s → 0.75 s, 1.62 → 1.41 s of CPU;
// jsonl, the table, -T fields and ladder -T json 0-8% faster).
func (d *decoders) start() {
	n := max(1, min(runtime.GOMAXPROCS(0)/2, maxDecoders))
	if decoderCount > 0 {
		n = decoderCount
	}
	d.in = make([]chan *chunk, n)
	for i := range d.in {
		in := make(chan *chunk, chunksInFlight+1)
		d.in[i] = in
		go decodeShard(i, n, in)
	}
}

// decodeShard is one decoding goroutine: shard of n.
func decodeShard(shard, n int, in <-chan *chunk) {
	for c := range in {
		for i := range c.items {
			if w := &c.items[i]; w.kind == workFrame && w.cs.shard%n == shard {
				decode(w)
			}
		}
		if c.left.Add(-1) == 0 {
			c.done <- struct{}{}
		}
	}
}

// takeOldest waits for the oldest chunk out and hands its items on, up to
// the first error.
func (p *Pipeline) takeOldest() error {
	d := &p.par
	c := d.oldest()
	defer d.reuse(c)
	for i := range c.items {
		if err := p.process(&c.items[i]); err != nil {
			return err
		}
	}
	return nil
}

// oldest waits until every decoding goroutine is through with the oldest
// chunk out and returns it.
func (d *decoders) oldest() *chunk {
	c := d.out[0]
	d.out = d.out[1:]
	d.outBytes -= c.bytes
	<-c.done
	return c
}

// reuse empties a chunk handed back for the next one.
func (d *decoders) reuse(c *chunk) {
	clear(c.items)
	c.items, c.bytes = c.items[:0], 0
	d.spare = append(d.spare, c)
}

// finish hands on every item still queued (drops them when keep is
// false: an error ended the reading, or handing on fails) and stops the
// decoding goroutines; it returns the first error handing on met.
func (d *decoders) finish(p *Pipeline, keep bool) error {
	var err error
	if keep {
		err = p.flushDecoders()
	}
	d.send()
	for len(d.out) > 0 {
		d.reuse(d.oldest())
	}
	for _, in := range d.in {
		close(in)
	}
	d.in = nil
	return err
}
