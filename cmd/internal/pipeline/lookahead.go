package pipeline

import "time"

// The pipeline hands records out in capture order. When it looks ahead, a
// request is held (and every record after it with it) until its answer
// arrives, so the request can name its response; a request whose
// connection closes unanswered is flagged. Holding is bounded in records
// and in capture time, so memory stays flat whatever the server does.
const (
	maxHeld  = 4096             // records queued behind an unanswered request (~8 KB each)
	holdTime = 10 * time.Second // capture time a request may hold the queue
)

// slot is one queued record; wait is true while it is a request whose
// answer may still come.
type slot struct {
	rec  *Record
	wait bool
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
