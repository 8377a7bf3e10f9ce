package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// assertion watches the records its rule scopes, one at a time, and says
// at the end whether it held. Each keeps only what it must report (the
// first offending message numbers) and per-key state that ends when a
// cycle or pair ends, so memory stays flat over a long capture.
type assertion interface {
	observe(r *pipeline.Record)
	finish(end time.Time) outcome
}

// outcome is a rule's verdict.
type outcome struct {
	pass   bool
	reason string // why it failed (or a short note when it passed)
	nums   []int  // offending message numbers, the first maxOffenders
	more   int    // offenders beyond nums
}

// maxOffenders bounds the message numbers a failure lists.
const maxOffenders = 20

// offenders collects message numbers up to maxOffenders and counts the rest.
type offenders struct {
	nums  []int
	more  int
	notes []string // one line per offender listed, same order as nums
}

func (o *offenders) add(num int, note string) {
	if len(o.nums) < maxOffenders {
		o.nums = append(o.nums, num)
		o.notes = append(o.notes, note)
		return
	}
	o.more++
}

func (o *offenders) total() int { return len(o.nums) + o.more }

// outcome words the verdict: "N <one|many> ...". what has the singular
// and plural noun separated by "|" ("failure message|failure messages").
func (o *offenders) outcome(what string) outcome {
	if o.total() == 0 {
		return outcome{pass: true}
	}
	one, many, _ := strings.Cut(what, "|")
	noun := many
	if o.total() == 1 {
		noun = one
	}
	reason := fmt.Sprintf("%d %s", o.total(), noun)
	if len(o.notes) > 0 {
		reason += ":\n  " + strings.Join(o.notes, "\n  ")
		if o.more > 0 {
			reason += fmt.Sprintf("\n  ... and %d more", o.more)
		}
	}
	return outcome{reason: reason, nums: o.nums, more: o.more}
}

// --- count ---------------------------------------------------------------

type countAssert struct {
	match func(*pipeline.Record) bool // the count's own filter; nil = every message
	op    string
	value int
	n     int
}

func (a *countAssert) observe(r *pipeline.Record) {
	if r.Msg != nil && (a.match == nil || a.match(r)) {
		a.n++
	}
}

func (a *countAssert) finish(time.Time) outcome {
	ok := false
	switch a.op {
	case "==":
		ok = a.n == a.value
	case "!=":
		ok = a.n != a.value
	case ">=":
		ok = a.n >= a.value
	case "<=":
		ok = a.n <= a.value
	case ">":
		ok = a.n > a.value
	case "<":
		ok = a.n < a.value
	}
	return outcome{pass: ok, reason: fmt.Sprintf("count is %d, want %s %d", a.n, a.op, a.value)}
}

// --- answered_within -----------------------------------------------------

// answeredAssert needs a looking-ahead pipeline: requests carry their
// Response or are flagged Unanswered.
type answeredAssert struct {
	within   time.Duration
	slow     offenders
	lost     offenders
	pending  []pendingReq // unanswered requests too close to the capture end to judge
	requests int
	released map[int]bool // observed requests released by the look-ahead before their verdict
}

// verdictHearer is an assertion that judges requests the look-ahead
// released before their answer, when their late verdict arrives.
type verdictHearer interface{ verdict(record.Verdict) }

func (a *answeredAssert) verdict(v record.Verdict) {
	if !a.released[v.Num] {
		return
	}
	delete(a.released, v.Num)
	switch {
	case v.Response != nil:
		if v.Response.Latency > a.within {
			a.slow.add(v.Num, fmt.Sprintf("#%d %s answered by #%d after %s", v.Num, v.Type, v.Response.Num, v.Response.Latency))
		}
	case v.Unanswered:
		a.unanswered(v.Num, v.Type, v.Time)
	}
}

// unanswered judges an unanswered request at the end: one sent just before
// the capture ended may well have been answered after it.
func (a *answeredAssert) unanswered(num int, name string, at time.Time) {
	if len(a.pending) < 4*maxOffenders {
		a.pending = append(a.pending, pendingReq{num, name, at})
	} else {
		a.lost.add(num, fmt.Sprintf("#%d %s never answered", num, name))
	}
}

type pendingReq struct {
	num  int
	name string
	at   time.Time
}

func (a *answeredAssert) observe(r *pipeline.Record) {
	m := r.Msg
	if !record.IsRequest(m) {
		return // nothing answers it by InvokeID (CONFIG_REQUEST_EVENT...)
	}
	a.requests++
	switch {
	case r.Response != nil:
		if r.Response.Latency > a.within {
			a.slow.add(r.Num, fmt.Sprintf("#%d %s answered by #%d after %s", r.Num, m.Name(), r.Response.Num, r.Response.Latency))
		}
	case r.Released:
		if a.released == nil {
			a.released = make(map[int]bool)
		}
		a.released[r.Num] = true
	case r.Unanswered:
		a.unanswered(r.Num, m.Name(), r.Frame.Time)
	}
}

func (a *answeredAssert) finish(end time.Time) outcome {
	skipped := 0
	for _, p := range a.pending {
		if end.Sub(p.at) < a.within {
			skipped++
			continue
		}
		a.lost.add(p.num, fmt.Sprintf("#%d %s never answered", p.num, p.name))
	}
	var all offenders
	for _, o := range []*offenders{&a.slow, &a.lost} {
		for i, n := range o.nums {
			all.add(n, o.notes[i])
		}
		all.more += o.more
	}
	out := all.outcome(fmt.Sprintf("of %[1]d requests not answered within %[2]s|of %[1]d requests not answered within %[2]s", a.requests, a.within))
	if out.pass {
		out.reason = fmt.Sprintf("%d requests answered within %s", a.requests-skipped, a.within)
		if skipped > 0 {
			out.reason += fmt.Sprintf(" (%d still open at the capture's end, not judged)", skipped)
		}
	}
	return out
}

// --- no_failures ---------------------------------------------------------

type failuresAssert struct {
	allow []string
	bad   offenders
}

func (a *failuresAssert) observe(r *pipeline.Record) {
	m := r.Msg
	if m == nil || !m.IsFailure() {
		return
	}
	codes := failureCodes(m)
	for _, c := range codes {
		if slices.Contains(a.allow, c) {
			return
		}
	}
	note := fmt.Sprintf("#%d %s", r.Num, m.Name())
	if len(codes) > 0 {
		note += " " + strings.Join(codes, " ")
	}
	a.bad.add(r.Num, note)
}

// failureCodes are the symbolic codes of a failure message: the enum names
// of its status/error fields, or their numbers when not named.
func failureCodes(m *dissect.Message) []string {
	var out []string
	for i := range m.Fields {
		f := &m.Fields[i]
		switch f.Name {
		case "Status", "FailureCode", "PeripheralErrorCode", "UnifiedCCXErrorCode", "ErrorCode":
		default:
			continue
		}
		if d := f.Display(); d != "" {
			out = append(out, d)
		} else if f.Value.Num != 0 {
			out = append(out, f.Value.Text())
		}
	}
	return out
}

func (a *failuresAssert) finish(time.Time) outcome {
	what := "failure message|failure messages"
	if len(a.allow) > 0 {
		what = "failure message with a code not in allow|failure messages with a code not in allow"
	}
	return a.bad.outcome(what)
}

// --- no_expert -----------------------------------------------------------

type expertAssert struct {
	min  dissect.Severity
	bad  offenders
	msgs int
}

func parseSeverity(s string) dissect.Severity {
	switch s {
	case "note":
		return dissect.SeverityNote
	case "warning":
		return dissect.SeverityWarning
	}
	return dissect.SeverityError
}

func (a *expertAssert) observe(r *pipeline.Record) {
	if r.Event != nil {
		// Lost or skipped bytes of the stream count as warnings.
		if a.min <= dissect.SeverityWarning {
			a.bad.add(r.Num, fmt.Sprintf("stream %d: %s at packet %d: %s", r.Frame.Stream, r.Event.Kind, r.Frame.Pkt, r.Event.Text))
		}
		return
	}
	if r.Msg == nil {
		return
	}
	a.msgs++
	for _, e := range r.Msg.AllExpert() {
		if e.Severity >= a.min {
			a.bad.add(r.Num, fmt.Sprintf("#%d %s: %s %s: %s", r.Num, r.Msg.Name(), e.Severity, e.Code, e.Message))
			return
		}
	}
}

func (a *expertAssert) finish(time.Time) outcome {
	out := a.bad.outcome(fmt.Sprintf("message or stream event with expert items of severity %[1]s or above|messages or stream events with expert items of severity %[1]s or above", a.min))
	if out.pass {
		out.reason = fmt.Sprintf("%d messages checked, none at or above %s", a.msgs, a.min)
	}
	return out
}

// --- sequence ------------------------------------------------------------

// seqAssert checks ordered steps per key. Messages are grouped by key:
// per call = (TCP stream, call) where a call is the pipeline's (a CallID
// reused after its call ended is another call), per agent = (stream, AgentID), per
// stream = the connection. Only messages of a step type count. A group
// opens a cycle at the first step; each later step must come after the
// one before it (a step beyond the next expected one is an ordering
// error; repeating a step already passed is allowed); after the last step
// the cycle is complete and the group waits for the first step again.
// Later steps in a group with no open cycle (a capture starting mid-call)
// are ignored. A cycle still open at the end of the capture fails.
type seqAssert struct {
	per    string
	steps  []string
	open   map[seqKey]*seqState
	bad    offenders
	cycles int
}

type seqKey struct {
	stream int
	id     string
	call   int // per call: the call number (record.CallRef.N)
}

type seqState struct {
	next  int // index of the next expected step
	start int // message number of the cycle's first step
	last  int // message number of the latest step seen
}

func (a *seqAssert) observe(r *pipeline.Record) {
	m := r.Msg
	if m == nil {
		return
	}
	step := slices.Index(a.steps, m.Name())
	if step < 0 {
		return
	}
	id, call, ok := a.key(r)
	if !ok {
		return
	}
	k := seqKey{r.Frame.Stream, id, call}
	st := a.open[k]
	switch {
	case st == nil && step == 0:
		a.open[k] = &seqState{next: 1, start: r.Num, last: r.Num}
	case st == nil:
		// No open cycle: the capture began after this group's first step.
	case step == st.next:
		st.next++
		st.last = r.Num
		if st.next == len(a.steps) {
			a.cycles++
			delete(a.open, k)
		}
	case step > st.next:
		a.bad.add(r.Num, fmt.Sprintf("%s: #%d %s before %s (cycle from #%d)", a.describe(k), r.Num, m.Name(), a.steps[st.next], st.start))
		delete(a.open, k)
	}
}

func (a *seqAssert) key(r *pipeline.Record) (id string, call int, ok bool) {
	m := r.Msg
	switch a.per {
	case "agent":
		if f := m.Get("AgentID"); f != nil && f.Value.Str != "" {
			return f.Value.Str, 0, true
		}
		return "", 0, false
	case "stream":
		return "", 0, true
	}
	if len(r.Calls) > 0 {
		c := r.Calls[0]
		return strconv.FormatUint(uint64(c.CallID), 10), c.N, true
	}
	return "", 0, false
}

func (a *seqAssert) describe(k seqKey) string {
	switch a.per {
	case "agent":
		return fmt.Sprintf("agent %s on stream %d", k.id, k.stream)
	case "stream":
		return fmt.Sprintf("stream %d", k.stream)
	}
	return fmt.Sprintf("call %s on stream %d", k.id, k.stream)
}

func (a *seqAssert) finish(time.Time) outcome {
	// Report open cycles in message order, so the output is stable.
	keys := make([]seqKey, 0, len(a.open))
	for k := range a.open {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y seqKey) int { return a.open[x].start - a.open[y].start })
	for _, k := range keys {
		st := a.open[k]
		a.bad.add(st.last, fmt.Sprintf("%s: cycle from #%d stopped after %s (#%d), %s never came", a.describe(k), st.start, a.steps[st.next-1], st.last, a.steps[st.next]))
	}
	out := a.bad.outcome("broken sequence|broken sequences")
	if out.pass {
		out.reason = fmt.Sprintf("%d complete cycles", a.cycles)
	}
	return out
}
