package dissect

import (
	"fmt"
	"strings"
)

// ClientMode is how a client session receives events.
type ClientMode uint8

const (
	ModeUnknown ClientMode = iota
	ModeAgent              // CTI_SERVICE_CLIENT_EVENTS: one agent's events
	ModeBridge             // CTI_SERVICE_ALL_EVENTS: every agent's events
)

func (m ClientMode) String() string {
	switch m {
	case ModeAgent:
		return "agent"
	case ModeBridge:
		return "bridge"
	}
	return "unknown"
}

const (
	serviceClientEvents = 0x01
	serviceAllEvents    = 0x10
)

func modeOf(services uint32) ClientMode {
	switch {
	case services&serviceAllEvents != 0:
		return ModeBridge
	case services&serviceClientEvents != 0:
		return ModeAgent
	}
	return ModeUnknown
}

// Context is what a single decode needs to know about its session.
type Context struct {
	Version int    // protocol version (0 = unknown)
	Layout  Layout // the session's settled floating header layout (LayoutUnknown = not settled)
	Source  LayoutSource
	// Lean is the layout an unsettled session leans to: the one its
	// evidence favours so far, or UCCX's where the version leaves it open.
	// It only breaks ties between equally good readings.
	Lean Layout
	// OpenReqExtra is the number of reserved UINTs seen after ConfigMsgMask in
	// this session's OPEN_REQ (-1 = not known yet).
	OpenReqExtra int
	// Dialect is the session's settled (or forced) dialect; unknown lets
	// each message's type and bytes pick its catalog.
	Dialect Dialect
	// Keep, when set, leaves out the fields it does not keep (a Partial
	// message); nil decodes every field.
	Keep *Keep
}

// Options force what a capture cannot tell.
type Options struct {
	Version int     // force the protocol version (0 = from OPEN_REQ)
	Layout  Layout  // force the floating header layout (LayoutUnknown = from version, else detect)
	Dialect Dialect // force the dialect (DialectUnknown = decide per connection from the traffic)
	Keep    *Keep   // build only these fields (nil = all): see Keep
}

// A Note is an assumption a session made about its connection, or a fact it
// learnt that the guide leaves open. It is said once per session, not on
// every message: expert items are kept for what is wrong on the wire.
type Note struct {
	Code string // an expert code (cti.doubt.open_req_reserved, cti.layout.detected, ...)
	Text string
}

// Session is the protocol state of one TCP connection: the version and
// floating layout negotiated by OPEN_REQ (or decided from the traffic when
// the capture starts later, or when the version leaves the layout open), the
// client mode and the agent's identity.
type Session struct {
	opts Options

	Version      int
	Layout       Layout
	LayoutSource LayoutSource
	Lean         Layout // unsettled: the layout the evidence favours (see Context.Lean)
	OpenReqExtra int    // reserved UINTs after ConfigMsgMask in OPEN_REQ (-1 unknown)

	// Dialect is the protocol the connection speaks, once forced or
	// decided (DialectUnknown until then); DialectWhy says how it was
	// chosen, and is also the session's cti.dialect.detected note.
	Dialect    Dialect
	DialectWhy string

	Mode              ClientMode
	ServicesRequested uint32
	ServicesGranted   uint32
	AgentID           string
	AgentExtension    string
	AgentInstrument   string
	SawOpenReq        bool
	SawOpenConf       bool

	// Notes are the session's assumptions, each code at most once.
	Notes []Note

	tally     [nLayouts]layoutTally
	ambiguous bool   // the version allows more than one layout
	votes     [3]int // per Dialect: messages that spoke for it while undecided
}

// layoutTally is the evidence for one floating header layout over the
// connection's messages whose layouts were compared.
type layoutTally struct {
	fit, miss int // messages it read exactly / could not read
	score     int // summed plausibility of its exact readings
}

// settleMargin is how far the leading layout's summed score must be ahead
// of every other contender's before the session settles on it: about two
// records of the message's own tags more than any other reading explains.
const settleMargin = 6

// contenderMissRatio: a layout stays a contender while it misses at most
// one message in this many of those it reads exactly.
const contenderMissRatio = 8

// NewSession returns a session with nothing known yet but what opts force.
func NewSession(opts Options) *Session {
	s := &Session{opts: opts, OpenReqExtra: -1}
	s.Version = opts.Version
	if opts.Dialect != DialectUnknown {
		s.Dialect, s.DialectWhy = opts.Dialect, "forced"
	}
	if opts.Layout != LayoutUnknown {
		s.Layout, s.LayoutSource = opts.Layout, SourceForced
	} else if opts.Version != 0 {
		s.versionLayout(opts.Version)
	}
	return s
}

// versionLayout settles the layout from a protocol version where the
// dialects agree on it; where they do not, the bytes decide, leaning to the
// first (UCCX's).
func (s *Session) versionLayout(v int) {
	ls, n := layoutsForVersion(v)
	if n == 2 && s.Dialect == DialectUCCE {
		// A UCCE session takes UCCE's layout, which independent byte
		// samples settle; UCCX's 2+1 at version 18 has none, so a UCCX
		// session still leaves it to the bytes.
		if l := dialectLayout(DialectUCCE, v); l != LayoutUnknown {
			ls[0], n = l, 1
		}
	}
	switch n {
	case 1:
		s.Layout, s.LayoutSource, s.ambiguous = ls[0], SourceVersion, false
	case 2:
		s.Layout, s.LayoutSource, s.Lean, s.ambiguous = LayoutUnknown, SourceNone, ls[0], true
		s.tally = [nLayouts]layoutTally{}
	}
}

// Context is the decode context the session gives its next message.
func (s *Session) Context() Context {
	return Context{Version: s.Version, Layout: s.Layout, Source: s.LayoutSource, Lean: s.Lean, OpenReqExtra: s.OpenReqExtra, Dialect: s.Dialect, Keep: s.opts.Keep}
}

// Decode decodes one frame of this session and learns from it.
func (s *Session) Decode(frame []byte) *Message {
	m := Decode(frame, s.Context())
	s.Observe(m)
	return m
}

// Summarize is the allocation-free counterpart of Decode; it learns from the
// frame too (learning allocates only to remember the agent's identity from
// OPEN_REQ and OPEN_CONF, and for the session's few notes).
func (s *Session) Summarize(frame []byte, out *Summary) {
	Summarize(frame, s.Context(), out)
	s.observeSummary(out)
}

// Observe updates the session from a decoded message.
func (s *Session) Observe(m *Message) {
	// Learnt after OPEN_REQ's version, which may reset the evidence.
	defer s.learnShape(m.ev, m.olderThan)
	s.learnDialect(m.vote, m.Name(), m.Version)
	// A type ID outside the catalog teaches nothing more, even when Decode
	// recognised the body of a message whose ID the guide lost: that is a
	// guess (and Summarize, which does not guess, must learn the same).
	if m.Def == nil || !m.Def.IDKnown {
		return
	}
	switch m.Def.Name {
	case "OPEN_REQ":
		v, _ := m.Uint("VersionNumber")
		svc, _ := m.Uint("ServicesRequested")
		s.learnOpenReq(int(v), uint32(svc), m.FixedSize-uccxOpenReqSize, m.Layout)
		s.learnAgent(m)
	case "OPEN_CONF":
		s.SawOpenConf = true
		svc, _ := m.Uint("ServicesGranted")
		s.ServicesGranted = uint32(svc)
		if md := modeOf(s.ServicesGranted); md != ModeUnknown {
			s.Mode = md
		}
		s.learnAgent(m)
	}
}

func (s *Session) learnOpenReq(version int, services uint32, extraBytes int, used Layout) {
	s.SawOpenReq = true
	if s.opts.Version == 0 && version > 0 && version < 1000 {
		s.Version = version
		if s.opts.Layout == LayoutUnknown {
			s.versionLayout(version)
			if s.ambiguous && used != LayoutUnknown {
				s.Lean = used // OPEN_REQ's own floating part already voted
			}
		}
	}
	s.ServicesRequested = services
	s.Mode = modeOf(services)
	if extraBytes >= 0 {
		s.OpenReqExtra = extraBytes / 4
		if s.OpenReqExtra > 0 {
			s.note(ExpOpenReqLayout, "OPEN_REQ carries three reserved UINTs after ConfigMsgMask (the UCCE layout)")
		} else {
			s.note(ExpOpenReqLayout, "OPEN_REQ ends its fixed part at ConfigMsgMask (no reserved UINTs after it)")
		}
	}
}

func (s *Session) learnAgent(m *Message) {
	if v, ok := m.String("AgentID"); ok && v != "" {
		s.AgentID = v
	}
	if v, ok := m.String("AgentExtension"); ok && v != "" {
		s.AgentExtension = v
	}
	if v, ok := m.String("AgentInstrument"); ok && v != "" {
		s.AgentInstrument = v
	}
}

// learnShape adds one message's layout evidence and settles the layout
// once one layout clearly explains the connection's bytes best.
func (s *Session) learnShape(ev evidence, olderThan int) {
	if olderThan > 0 && s.Version == 0 {
		s.note(ExpVersionAbsent, fmt.Sprintf("fixed parts end before their version-%d fields: the server speaks an older protocol version", olderThan))
	}
	if !ev.compared || s.LayoutSource != SourceNone {
		return
	}
	for _, l := range Layouts {
		t := &s.tally[l]
		if ev.fit[l] {
			t.fit++
			t.score += int(ev.score[l])
		} else {
			t.miss++
		}
	}
	// Contenders read (nearly) every message exactly; one odd message in
	// eight does not rule a layout out.
	contender := func(l Layout) bool { t := s.tally[l]; return t.fit > 0 && t.miss*contenderMissRatio <= t.fit }
	leader := LayoutUnknown
	order, n := leanFirst(s.Lean)
	for _, l := range order[:n] {
		if contender(l) && (leader == LayoutUnknown || s.tally[l].score > s.tally[leader].score) {
			leader = l
		}
	}
	if leader == LayoutUnknown {
		return
	}
	s.Lean = leader
	runner := 0
	for _, l := range Layouts {
		if l != leader && contender(l) {
			runner = max(runner, s.tally[l].score)
		}
	}
	if s.tally[leader].score-runner < settleMargin {
		return
	}
	s.Layout, s.LayoutSource = leader, SourceDetected
	why := fmt.Sprintf("floating header layout %s (%s) inferred from the bytes: %d message(s) read exactly under it", leader, leader.Describe(), s.tally[leader].fit)
	if s.ambiguous {
		why += fmt.Sprintf("; protocol version %d allows %s", s.Version, versionLayouts(s.Version))
	}
	s.note(ExpLayoutDetected, why)
}

// versionLayouts spells out the layouts the dialects give version v.
func versionLayouts(v int) string {
	var parts []string
	for _, vl := range VersionLayouts {
		if v >= vl.From && (vl.To == 0 || v <= vl.To) {
			parts = append(parts, fmt.Sprintf("%s (%s)", vl.Layout, strings.ToUpper(vl.Dialect.String())))
		}
	}
	return strings.Join(parts, " or ")
}

// dialectMargin is how many more messages must speak for one dialect than
// for the other before an undecided session settles on it (OPEN_REQ's own
// evidence settles it at once).
const dialectMargin = 2

// learnDialect counts one message's dialect evidence and settles the
// session's dialect when it is conclusive. Messages decoded before then
// have already picked their catalog one by one (see defFor).
func (s *Session) learnDialect(v vote, name string, version int) {
	if s.Dialect != DialectUnknown || v.dialect == DialectUnknown {
		return
	}
	s.votes[v.dialect]++
	other := DialectUCCX
	if v.dialect == DialectUCCX {
		other = DialectUCCE
	}
	if !v.decides && s.votes[v.dialect]-s.votes[other] < dialectMargin {
		return
	}
	s.Dialect = v.dialect
	s.DialectWhy = v.text(name, version)
	if v.dialect == DialectUCCE {
		// UCCX is the analyzer's default and says so by its OPEN_REQ note
		// already; leaving it is worth saying once.
		s.note(ExpDialectDetected, "dialect UCCE: "+s.DialectWhy)
	}
}

// maxNotes bounds a session's notes: a hostile peer alternating OPEN_REQ
// layouts must not grow them.
const maxNotes = 8

// note records an assumption once. Notes are only ever appended, so a
// consumer can report the ones added since it last looked.
func (s *Session) note(code, text string) {
	for i := range s.Notes {
		if s.Notes[i].Code == code && s.Notes[i].Text == text {
			return
		}
	}
	if len(s.Notes) < maxNotes {
		s.Notes = append(s.Notes, Note{Code: code, Text: text})
	}
}

func (s *Session) observeSummary(sum *Summary) {
	defer s.learnShape(sum.ev, sum.olderThan)
	if sum.Def == nil {
		return
	}
	s.learnDialect(sum.vote, sum.Def.Name, int(sum.Version))
	switch sum.Def.Name {
	case "OPEN_REQ":
		s.learnOpenReq(int(sum.Version), sum.Services, sum.FixedSize-uccxOpenReqSize, sum.Layout)
		s.learnAgentSummary(sum)
	case "OPEN_CONF":
		s.SawOpenConf = true
		s.ServicesGranted = sum.Services
		if md := modeOf(sum.Services); md != ModeUnknown {
			s.Mode = md
		}
		s.learnAgentSummary(sum)
	}
}

func (s *Session) learnAgentSummary(sum *Summary) {
	if len(sum.AgentID) > 0 {
		s.AgentID = string(sum.AgentID)
	}
	if len(sum.AgentExtension) > 0 {
		s.AgentExtension = string(sum.AgentExtension)
	}
	if len(sum.AgentInstrument) > 0 {
		s.AgentInstrument = string(sum.AgentInstrument)
	}
}
