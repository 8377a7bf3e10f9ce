package pipeline

import (
	"time"
	"unsafe"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// The pipeline hands records out in capture order. When it looks ahead, a
// request is held (and every record after it with it) until its answer
// arrives, so the request can name its response; a request whose
// connection closes unanswered is flagged. Holding is bounded in records,
// in bytes and in capture time, so memory stays flat whatever the server
// does; a request the bound pushes out before its answer is Released, and
// its verdict follows later (Options.OnVerdict).
const (
	maxHeld  = 4096             // records queued behind an unanswered request
	holdTime = 10 * time.Second // capture time a request may hold the queue

	// DefaultMaxHeldBytes bounds the decoded records held behind an
	// unanswered request (Limits.Lookahead raises it). Records are
	// counted by their frame and field tree, so a few huge frames
	// (thousands of empty floating fields each) cannot take gigabytes.
	// Ordinary records take about 1 KB each (a generated capture's mean:
	// 948 bytes), so maxHeld of them are some 4 MB and this bound only
	// bites on huge messages; at 32 MiB such a flood peaks near 110-170
	// MB of RSS with the garbage collector's headroom (make memrun).
	DefaultMaxHeldBytes = 32 << 20
)

// slot is one queued record; wait is true while it is a request whose
// answer may still come; released once it left the queue before that.
type slot struct {
	rec      *Record
	wait     bool
	released bool
	bytes    int             // what the record costs while held (recordBytes)
	late     *record.Verdict // once released: what its verdict will say
	reuse    bool            // nothing but the queue points to it (see emit)
}

// maxFreeSlots bounds the slots kept for reuse: as many as the queue
// holds at its fullest, where a few hundred are the usual.
const maxFreeSlots = maxHeld

// newSlot is a slot for r, a reused one when there is one: one allocation
// per message less on the reading goroutine, which every view that pairs
// waits on.
func (p *Pipeline) newSlot(r *Record, bytes int) *slot {
	s := takeSpare(&p.freeSlots)
	if s == nil {
		s = &slot{}
	}
	*s = slot{rec: r, bytes: bytes}
	return s
}

// freeSlot takes back a popped slot that only the queue pointed to.
func (p *Pipeline) freeSlot(s *slot) {
	if s.reuse && len(p.freeSlots) < maxFreeSlots {
		*s = slot{}
		p.freeSlots = append(p.freeSlots, s)
	}
}

// fieldBytes is the size of one decoded field, for the held-bytes count.
var fieldBytes = int(unsafe.Sizeof(dissect.Field{}))

// recordBytes estimates the memory a held record keeps alive: its frame,
// its fields (the room they were given, not only what they use: a list
// grown by appending holds up to twice its length) and their children,
// and the record itself.
func recordBytes(r *Record) int { return messageBytes(r.Msg) }

// messageBytes is recordBytes of a record holding m (nil for an event).
func messageBytes(m *dissect.Message) int {
	n := 256
	if m != nil {
		n += cap(m.Frame) + (len(m.Header)+cap(m.Fields))*fieldBytes
		for i := range m.Fields {
			n += cap(m.Fields[i].Children) * fieldBytes
		}
	}
	return n
}

// queue is a FIFO of records in capture order.
type queue struct {
	s    []*slot
	head int
}

func (q *queue) push(s *slot) { q.s = append(q.s, s) }
func (q *queue) len() int     { return len(q.s) - q.head }

// pop removes the first record. The backing array is reused once drained,
// so a steady stream does not grow it.
func (q *queue) pop() *slot {
	s := q.s[q.head]
	q.s[q.head] = nil
	q.head++
	if q.head == len(q.s) {
		q.s, q.head = q.s[:0], 0
	} else if q.head > 1024 && q.head*2 > len(q.s) {
		n := copy(q.s, q.s[q.head:])
		clear(q.s[n:])
		q.s, q.head = q.s[:n], 0
	}
	return s
}

// front is the first record, nil when empty.
func (q *queue) front() *slot {
	if q.len() == 0 {
		return nil
	}
	return q.s[q.head]
}
