package analyze

import (
	"net/netip"
	"sort"
	"strconv"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Stats counts what a capture holds. Its memory depends on the number of
// message types, request types, failure codes, expert codes and sessions,
// never on the number of messages: response times go into fixed-size
// histograms.
//
// Stats reads every record of the capture (analysis first) and counts
// those Select keeps (filter after): a request's answer, latency and
// unanswered verdict are the pipeline's (Record.Response, Unanswered),
// found over the whole capture whatever the filter shows. Session facts
// (heartbeat interval, client silences) are a session's whole life too.
type Stats struct {
	// Select says which records are counted; nil counts all.
	Select func(*record.Record) bool

	messages    int
	first, last time.Time
	types       map[typeKey]int // what byDef does not count
	byDef       []int           // messages of catalog definitions: [3*Slot + direction]
	reqs        map[string]*reqStats
	failures    map[failKey]int
	sessions    map[int]*sessionStats
	lastSess    *sessionStats // the previous record's session (half the time the next one's)
	expert      map[expertKey]int
	events      map[string]*EventCount
	released    map[int]bool // counted requests the look-ahead released before their verdict

	// Sessions past MaxSessions: a bit per stream index (an eighth of a
	// byte per connection), how many, and their messages.
	unlisted     []uint64
	nUnlisted    int
	unlistedMsgs int
}

// typeKey counts messages by definition (a pointer: no string to hash
// per message), named when the report is made; unknown types by ID.
type typeKey struct {
	def *dissect.MessageDef
	id  uint32
	dir record.Direction
}

// name is the message type's name, as Message.Name gives it.
func (k typeKey) name() string {
	if k.def != nil {
		return k.def.Name
	}
	return "UNKNOWN_" + strconv.FormatUint(uint64(k.id), 10)
}

type failKey struct{ msg, code string }
type expertKey struct {
	code string
	sev  dissect.Severity
}

type reqStats struct {
	sent, failed, unanswered int
	lat                      Histogram
}

// NewStats returns an empty collector.
func NewStats() *Stats {
	return &Stats{
		types:    make(map[typeKey]int),
		reqs:     make(map[string]*reqStats),
		failures: make(map[failKey]int),
		sessions: make(map[int]*sessionStats),
		expert:   make(map[expertKey]int),
		events:   make(map[string]*EventCount),
		released: make(map[int]bool),
	}
}

// unlist counts a message of a session past MaxSessions.
func (s *Stats) unlist(stream int) {
	s.unlistedMsgs++
	if stream < 0 {
		return
	}
	w, bit := stream/64, uint64(1)<<(stream%64)
	if w >= len(s.unlisted) {
		s.unlisted = append(s.unlisted, make([]uint64, w+1-len(s.unlisted))...)
	}
	if s.unlisted[w]&bit == 0 {
		s.unlisted[w] |= bit
		s.nUnlisted++
	}
}

// Add reads one record, counting it when Select keeps it.
func (s *Stats) Add(r *record.Record) {
	sel := s.Select == nil || s.Select(r)
	var ss *sessionStats
	if r.Msg != nil {
		if ss = s.session(r); ss != nil {
			ss.add(r)
		}
	}
	if !sel {
		return
	}
	if s.first.IsZero() || r.Frame.Time.Before(s.first) {
		s.first = r.Frame.Time
	}
	if r.Frame.Time.After(s.last) {
		s.last = r.Frame.Time
	}
	if e := r.Event; e != nil {
		ec := s.events[e.Kind.String()]
		if ec == nil {
			ec = &EventCount{Kind: e.Kind.String()}
			s.events[e.Kind.String()] = ec
		}
		ec.Count++
		ec.Bytes += e.Bytes
		return
	}
	m := r.Msg
	if m == nil {
		return
	}
	s.messages++
	if ss != nil {
		ss.shown++
	}
	s.countType(m, r.Frame.Dir)
	s.countExpert(m)
	if record.IsRequest(m) {
		s.request(r)
	}
	if m.IsFailure() {
		s.failure(m)
	}
}

// countType counts a message by type and direction: a catalog
// definition's by its slot (hashing a typeKey per message was 1.5% of the
// CPU of stats), any other in types.
func (s *Stats) countType(m *dissect.Message, dir record.Direction) {
	if m.Def != nil && m.Def.Slot() >= 0 && dir < 3 {
		if s.byDef == nil {
			s.byDef = make([]int, 3*dissect.Slots())
		}
		s.byDef[3*m.Def.Slot()+int(dir)]++
		return
	}
	k := typeKey{def: m.Def, dir: dir}
	if m.Def == nil {
		k.id = m.TypeID
	}
	s.types[k]++
}

// request counts a request with the pipeline's verdict on it. A request
// released before its verdict (it held the look-ahead past its bound) is
// judged when the late verdict comes (Verdict).
func (s *Stats) request(r *record.Record) {
	rs := s.req(r.Msg.Def.Name)
	rs.sent++
	if r.Released {
		s.released[r.Num] = true // the verdict comes later (Verdict)
		return
	}
	rs.judge(r.Response, r.Unanswered)
}

// judge counts a request's verdict: answered (with its latency, maybe by a
// failure) or unanswered.
func (rs *reqStats) judge(resp *record.Response, unanswered bool) {
	switch {
	case resp != nil:
		rs.lat.Add(resp.Latency)
		if resp.Failure {
			rs.failed++
		}
	case unanswered:
		rs.unanswered++
	}
}

// Verdict counts the late verdict on a request the pipeline released
// before its answer (pipeline.Options.OnVerdict), if that request was
// counted: a released request is never taken for an answered one.
func (s *Stats) Verdict(v record.Verdict) {
	if !s.released[v.Num] {
		return
	}
	delete(s.released, v.Num)
	s.req(v.Type).judge(v.Response, v.Unanswered)
}

func (s *Stats) req(name string) *reqStats {
	rs := s.reqs[name]
	if rs == nil {
		rs = &reqStats{}
		s.reqs[name] = rs
	}
	return rs
}

// failure counts a failure message by its status code name.
func (s *Stats) failure(m *dissect.Message) {
	code := ""
	for _, n := range [...]string{"Status", "FailureCode"} {
		if f := m.Get(n); f != nil {
			code = display(f)
			break
		}
	}
	s.failures[failKey{m.Def.Name, code}]++
}

// countExpert walks the message's expert items without collecting them.
func (s *Stats) countExpert(m *dissect.Message) {
	for _, e := range m.Expert {
		s.expert[expertKey{e.Code, e.Severity}]++
	}
	if !m.MayHaveFieldExpert() {
		return
	}
	s.walkExpert(m.Header)
	s.walkExpert(m.Fields)
}

func (s *Stats) walkExpert(fs []dissect.Field) {
	for i := range fs {
		for _, e := range fs[i].Expert {
			s.expert[expertKey{e.Code, e.Severity}]++
		}
		if len(fs[i].Children) > 0 {
			s.walkExpert(fs[i].Children)
		}
	}
}

// MaxSessions bounds the sessions Stats itemises: a capture of a million
// one-message connections must not keep a million rows (each a few KB).
// Sessions past it still count in every other table; the report says how
// many were not itemised, and -Y cti.stream narrows to the ones wanted.
const MaxSessions = 10000

func (s *Stats) session(r *record.Record) *sessionStats {
	if ss := s.lastSess; ss != nil && ss.Stream == r.Frame.Stream {
		return ss
	}
	ss := s.sessions[r.Frame.Stream]
	if ss == nil {
		if len(s.sessions) >= MaxSessions {
			s.unlist(r.Frame.Stream)
			return nil
		}
		ss = &sessionStats{SessionStats: SessionStats{Stream: r.Frame.Stream}, client: r.Frame.Client(), server: r.Frame.Server()}
		s.sessions[r.Frame.Stream] = ss
	}
	s.lastSess = ss
	return ss
}

// Result is the report of everything added so far; requests still waiting
// for a confirm count as unanswered.
func (s *Stats) Result() *StatsReport {
	rep := &StatsReport{Messages: s.messages, Quantiles: QuantileNote}
	if s.messages > 0 || len(s.events) > 0 {
		rep.First, rep.Last = s.first, s.last
	}
	// Definitions of one name (a dialect's and the other's) count as one.
	byName := map[[2]string]int{}
	for k, n := range s.types {
		byName[[2]string{k.name(), k.dir.String()}] += n
	}
	if s.byDef != nil {
		for _, c := range dissect.Catalogs() {
			for _, d := range c.Messages() {
				for dir := range 3 {
					if n := s.byDef[3*d.Slot()+dir]; n > 0 {
						byName[[2]string{d.Name, record.Direction(dir).String()}] += n
					}
				}
			}
		}
	}
	for k, n := range byName {
		rep.Types = append(rep.Types, TypeCount{Type: k[0], Direction: k[1], Count: n})
	}
	sort.Slice(rep.Types, func(i, j int) bool {
		a, b := rep.Types[i], rep.Types[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Direction < b.Direction
	})
	for name, rs := range s.reqs {
		h := &rs.lat
		rep.Requests = append(rep.Requests, RequestStats{
			Type: name, Sent: rs.sent, Answered: int(h.Count()), Failed: rs.failed,
			Unanswered: rs.unanswered,
			Min:        h.Min(), Mean: h.Mean(), P50: h.Quantile(0.5), P95: h.Quantile(0.95), Max: h.Max(),
		})
	}
	sort.Slice(rep.Requests, func(i, j int) bool { return rep.Requests[i].Type < rep.Requests[j].Type })
	for k, n := range s.failures {
		rep.Failures = append(rep.Failures, FailureCount{Type: k.msg, Code: k.code, Count: n})
	}
	sort.Slice(rep.Failures, func(i, j int) bool {
		a, b := rep.Failures[i], rep.Failures[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Code < b.Code
	})
	for _, ss := range s.sessions {
		if ss.shown > 0 {
			rep.Sessions = append(rep.Sessions, ss.result())
		}
	}
	sort.Slice(rep.Sessions, func(i, j int) bool { return rep.Sessions[i].Stream < rep.Sessions[j].Stream })
	rep.UnlistedSessions, rep.UnlistedMessages = s.nUnlisted, s.unlistedMsgs
	for k, n := range s.expert {
		rep.Expert = append(rep.Expert, ExpertCount{Code: k.code, Severity: k.sev.String(), Count: n})
	}
	sort.Slice(rep.Expert, func(i, j int) bool {
		a, b := rep.Expert[i], rep.Expert[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Severity < b.Severity
	})
	for _, e := range s.events {
		rep.Events = append(rep.Events, *e)
	}
	sort.Slice(rep.Events, func(i, j int) bool { return rep.Events[i].Kind < rep.Events[j].Kind })
	return rep
}

// QuantileNote says how the response time columns are computed.
const QuantileNote = "p50/p95 from a fixed-size log-linear histogram (within 0.8%); count, min, mean and max exact"

// StatsReport is the result of Stats.
type StatsReport struct {
	Messages int
	First    time.Time
	Last     time.Time
	Types    []TypeCount
	Requests []RequestStats
	Failures []FailureCount
	Sessions []SessionStats
	// Sessions past MaxSessions are counted everywhere but not itemised.
	UnlistedSessions, UnlistedMessages int
	Expert                             []ExpertCount
	Events                             []EventCount
	Quantiles                          string
}

// TypeCount is the number of messages of one type in one direction.
type TypeCount struct {
	Type      string
	Direction string
	Count     int
}

// RequestStats are the request->confirm figures of one request type.
// Answered counts confirms and failures; the times are theirs.
type RequestStats struct {
	Type                     string
	Sent, Answered, Failed   int
	Unanswered               int
	Min, Mean, P50, P95, Max time.Duration
}

// FailureCount counts failure messages with one status code.
type FailureCount struct {
	Type  string // FAILURE_CONF, FAILURE_EVENT, CONTROL_FAILURE_CONF
	Code  string // the status enum name
	Count int
}

// ExpertCount counts expert items with one code and severity.
type ExpertCount struct {
	Code     string
	Severity string
	Count    int
}

// EventCount counts stream events of one kind (gap, skipped...).
type EventCount struct {
	Kind  string
	Count int
	Bytes int64
}

// SessionStats describes one CTI connection.
type SessionStats struct {
	Stream            int
	Client, Server    netip.AddrPort
	Version           int
	Mode              string
	ClientID          string
	ServicesRequested string
	ServicesGranted   string
	IdleTimeout       time.Duration // from OPEN_REQ (0 = not seen)
	Heartbeats        int           // HEARTBEAT_REQ sent by the client
	HeartbeatInterval time.Duration // mean spacing of HEARTBEAT_REQ (0 = fewer than two)
	MaxClientGap      time.Duration // longest silence of the client between two of its messages
	IdleViolations    int           // client silences longer than IdleTimeout
	Messages          int
	First, Last       time.Time
	Notes             []dissect.Note // the session's assumptions (layout, OPEN_REQ shape), each once
	// Dialect is the session's protocol once settled (DialectUnknown
	// before), DialectWhy the evidence it was chosen by.
	Dialect    dissect.Dialect
	DialectWhy string
}
