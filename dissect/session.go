package dissect

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
	Layout  Layout // floating header layout (LayoutUnknown = detect)
	Source  LayoutSource
	// OpenReqExtra is the number of reserved UINTs seen after ConfigMsgMask in
	// this session's OPEN_REQ (-1 = not known yet).
	OpenReqExtra int
}

// Options force what a capture cannot tell.
type Options struct {
	Version int    // force the protocol version (0 = from OPEN_REQ)
	Layout  Layout // force the floating header layout (LayoutUnknown = from version, else detect)
}

// Session is the protocol state of one TCP connection: the version and
// floating layout negotiated by OPEN_REQ (or detected from the traffic when
// the capture starts later), the client mode and the agent's identity.
type Session struct {
	opts Options

	Version      int
	Layout       Layout
	LayoutSource LayoutSource
	OpenReqExtra int // reserved UINTs after ConfigMsgMask in OPEN_REQ (-1 unknown)

	Mode              ClientMode
	ServicesRequested uint32
	ServicesGranted   uint32
	AgentID           string
	AgentExtension    string
	AgentInstrument   string
	SawOpenReq        bool
	SawOpenConf       bool
}

// NewSession returns a session with nothing known yet but what opts force.
func NewSession(opts Options) *Session {
	s := &Session{opts: opts, OpenReqExtra: -1}
	s.Version = opts.Version
	if opts.Layout != LayoutUnknown {
		s.Layout, s.LayoutSource = opts.Layout, SourceForced
	} else if opts.Version != 0 {
		s.Layout, s.LayoutSource = LayoutForVersion(opts.Version), SourceVersion
	}
	return s
}

// Context is the decode context the session gives its next message.
func (s *Session) Context() Context {
	return Context{Version: s.Version, Layout: s.Layout, Source: s.LayoutSource, OpenReqExtra: s.OpenReqExtra}
}

// Decode decodes one frame of this session and learns from it.
func (s *Session) Decode(frame []byte) *Message {
	m := Decode(frame, s.Context())
	s.Observe(m)
	return m
}

// Summarize is the allocation-free counterpart of Decode; it learns from the
// frame too (learning allocates only to remember the agent's identity from
// OPEN_REQ and OPEN_CONF).
func (s *Session) Summarize(frame []byte, out *Summary) {
	Summarize(frame, s.Context(), out)
	s.observeSummary(out)
}

// Observe updates the session from a decoded message.
func (s *Session) Observe(m *Message) {
	// A type ID outside the catalog teaches nothing, even when Decode
	// recognised the body of a message whose ID the guide lost: that is a
	// guess (and Summarize, which does not guess, must learn the same).
	if m.Def == nil || !m.Def.IDKnown {
		return
	}
	switch m.Def.Name {
	case "OPEN_REQ":
		v, _ := m.Uint("VersionNumber")
		svc, _ := m.Uint("ServicesRequested")
		s.learnOpenReq(int(v), uint32(svc), m.FixedSize-m.Def.FixedSize())
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
	s.learnLayout(m.Layout, m.LayoutSource)
}

func (s *Session) learnOpenReq(version int, services uint32, extraBytes int) {
	s.SawOpenReq = true
	if s.opts.Version == 0 && version > 0 && version < 1000 {
		s.Version = version
		if s.opts.Layout == LayoutUnknown {
			s.Layout, s.LayoutSource = LayoutForVersion(version), SourceVersion
		}
	}
	s.ServicesRequested = services
	s.Mode = modeOf(services)
	if extraBytes >= 0 {
		s.OpenReqExtra = extraBytes / 4
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

// learnLayout keeps a layout the bytes proved when nothing better is known.
func (s *Session) learnLayout(l Layout, src LayoutSource) {
	if src == SourceDetected && s.LayoutSource == SourceNone && l != LayoutUnknown {
		s.Layout, s.LayoutSource = l, SourceDetected
	}
}

func (s *Session) observeSummary(sum *Summary) {
	if sum.Def == nil {
		return
	}
	switch sum.Def.Name {
	case "OPEN_REQ":
		s.learnOpenReq(int(sum.Version), sum.Services, sum.FixedSize-sum.Def.FixedSize())
		s.learnAgentSummary(sum)
	case "OPEN_CONF":
		s.SawOpenConf = true
		s.ServicesGranted = sum.Services
		if md := modeOf(sum.Services); md != ModeUnknown {
			s.Mode = md
		}
		s.learnAgentSummary(sum)
	}
	s.learnLayout(sum.Layout, sum.LayoutSource)
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
