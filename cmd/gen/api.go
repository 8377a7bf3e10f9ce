// Package gen implements `ctishark gen`, which writes a realistic, fully
// deterministic Unified CCX CTI capture: agent-mode desktops logging in and
// taking calls, a bridge-mode wallboard receiving the configuration and every
// event, holds, consult transfers, conferences, call data, an abandoned
// call, heartbeats and a clean close, over Ethernet/IPv4/TCP with correct
// sequence numbers and checksums. The default capture breaks none of
// doctor's rules; Config.Faults adds scenarios that do (failed requests
// among them).
//
// The same Config always yields the same bytes. Generate also returns a
// Result listing what it wrote (messages with their frame numbers,
// request/confirm pairs with exact latencies, calls, agent state changes), so
// tests elsewhere can assert known answers against a capture.
package gen

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// DefaultStart is the capture's first instant: a Monday morning shift start.
var DefaultStart = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// Server is the Unified CCX CTI server's address in every generated capture.
var Server = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 10, 20, 5}), 42027)

// HeartbeatInterval is how often each client sends HEARTBEAT_REQ; every
// OPEN_REQ asks for an IdleTimeout of four intervals (100 s). Both are in
// the guide's ranges: the server accepts heartbeats up to 30 s apart, and
// IdleTimeout must be at least twice the interval and below 120 s
// (how-a-session-is-maintained, open_req).
const HeartbeatInterval = 25 * time.Second

// MSS is the TCP maximum segment size both ends announce.
const MSS = 1460

// Config says what to generate. The zero value is not usable: start from
// DefaultConfig.
type Config struct {
	Seed    uint64 // drives every random choice
	Agents  int    // agent-mode desktop connections (scripted mode)
	Calls   int    // inbound calls (scripted mode; in load mode 0 = no limit)
	Version int    // protocol version of every session (UCCX 10..18, 18 = 2-byte tags; UCCE 14..25, 20+ = 2+2 headers; 0 = the dialect's default)
	// Dialect is the protocol the sessions speak: UCCX (the zero value
	// means UCCX too) or UCCE's CTI Server protocol.
	Dialect  dissect.Dialect
	Duration time.Duration // scenario time; the capture runs past it while calls finish
	PCAPNG   bool          // write pcapng instead of classic pcap
	Start    time.Time     // timestamp of the capture's start (zero = DefaultStart)

	// Load mode, for benchmarks: when Connections or TargetBytes is set the
	// generator runs an open-ended contact center (Connections-1 agents and
	// one bridge client, calls arriving at random) and streams the capture
	// out; it stops after TargetBytes bytes (when set) or after Duration.
	// Result then holds only totals and counts, not per-message lists.
	Connections int
	TargetBytes int64

	// Faults adds scenarios that break the doctor's rules (see
	// FaultNames; "all" for every one), scripted mode only.
	Faults []string
}

// DefaultConfig is what `ctishark gen` writes with no flags, and what
// testdata/sample.pcap was generated from.
func DefaultConfig() Config {
	return Config{Seed: 2, Agents: 3, Calls: 6, Version: 13, Duration: 5 * time.Minute, Start: DefaultStart}
}

// UCCE protocol versions gen writes: catalog-ucce.json's min_version and
// max_version. The default is the first with 2+2 floating headers and
// DepartmentID, what current UCCE releases speak.
const (
	ucceMinVersion     = 14
	ucceMaxVersion     = 25
	ucceDefaultVersion = 20
)

// dialect is the config's dialect, UCCX when unset.
func (c Config) dialect() dissect.Dialect {
	if c.Dialect == dissect.DialectUCCE {
		return dissect.DialectUCCE
	}
	return dissect.DialectUCCX
}

// LoadMode reports whether the config asks for the open-ended benchmark mode.
func (c Config) LoadMode() bool { return c.Connections > 0 || c.TargetBytes > 0 }

// Validate checks the config and fills its defaults.
func (c *Config) Validate() error {
	if c.Start.IsZero() {
		c.Start = DefaultStart
	}
	if c.dialect() == dissect.DialectUCCE {
		return c.validateUCCE()
	}
	if c.Version == 0 {
		c.Version = 13
	}
	if c.Version < 10 || c.Version > 18 {
		return fmt.Errorf("protocol version %d is not a UCCX version (10 to 18; --dialect ucce for 14 to 25)", c.Version)
	}
	if c.Connections < 0 || c.TargetBytes < 0 || c.Calls < 0 || c.Duration < 0 {
		return errors.New("connections, target bytes, calls and duration must not be negative")
	}
	if c.Connections == 1 {
		return errors.New("load mode needs at least 2 connections (one agent and the bridge)")
	}
	if c.LoadMode() {
		if c.Connections == 0 {
			c.Connections = c.Agents + 1
		}
		c.Agents = c.Connections - 1
		if c.Duration == 0 && c.TargetBytes == 0 {
			return errors.New("load mode needs a duration or a target size")
		}
	}
	if c.Agents < 1 {
		return errors.New("at least one agent is needed")
	}
	if c.Agents > 60000 {
		return errors.New("at most 60000 agents")
	}
	var err error
	if c.Faults, err = checkFaults(c.Faults); err != nil {
		return err
	}
	if len(c.Faults) > 0 && c.LoadMode() {
		return errors.New("faults are for scripted captures, not load mode")
	}
	if !c.LoadMode() {
		if c.Duration < time.Minute {
			return errors.New("duration must be at least 1m")
		}
		if c.Calls > 10000 {
			return errors.New("at most 10000 calls in scripted mode (use --target-bytes for load)")
		}
	}
	return nil
}

// validateUCCE checks a UCCE config: a UCCE version, and only the scripted
// scenario (load mode and faults are written for UCCX's scenario).
func (c *Config) validateUCCE() error {
	if c.Version == 0 {
		c.Version = ucceDefaultVersion
	}
	if c.Version < ucceMinVersion || c.Version > ucceMaxVersion {
		return fmt.Errorf("protocol version %d is not a UCCE version (%d to %d)", c.Version, ucceMinVersion, ucceMaxVersion)
	}
	if c.LoadMode() {
		return errors.New("load mode (--connections, --target-size) writes UCCX only")
	}
	if len(c.Faults) > 0 {
		return errors.New("faults are written for UCCX captures only")
	}
	if c.Agents < 1 || c.Agents > 200 {
		return errors.New("a UCCE capture needs 1 to 200 agents")
	}
	if c.Calls < 0 || c.Calls > 10000 {
		return errors.New("calls must be 0 to 10000")
	}
	if c.Duration < time.Minute {
		return errors.New("duration must be at least 1m")
	}
	return nil
}

// Result is what Generate wrote. In load mode only the totals, Counts and
// Connections are filled.
type Result struct {
	Start, End time.Time // first and last packet timestamps
	Frames     int       // packets written
	Bytes      int64     // bytes written, file header included
	NumMsgs    int       // CTI messages written
	Counts     map[string]int

	Connections []Connection
	Messages    []Message // in capture order
	Pairs       []Pair    // request -> confirm, in confirm order
	Calls       []Call    // in order of arrival
	AgentStates []AgentStateChange
}

// Connection is one TCP connection of the capture; Index is its position in
// Result.Connections and the Conn of its messages.
type Connection struct {
	Index     int
	Mode      string // "agent" or "bridge"
	ClientID  string
	AgentID   string // agent mode only
	Extension string // agent mode only
	Client    netip.AddrPort
	Server    netip.AddrPort
	Opened    time.Time // SYN
	Closed    time.Time // FIN (zero when still open at the end)
}

// Message is one CTI message of the capture.
type Message struct {
	Frame      int // 1-based number of the frame holding the message's last byte
	FirstFrame int // frame holding its first byte (differs when segmented)
	Time       time.Time
	Conn       int
	FromClient bool
	Type       string
	TypeID     uint32
	InvokeID   uint32 // 0 when the message has none
	CallID     uint32 // 0 when the message names no call
	Length     int    // frame bytes, header included
}

// Pair is a request and the message that answered it.
type Pair struct {
	Conn          int
	InvokeID      uint32 // 0 for CONFIG_REQUEST_KEY_EVENT, which has none
	Request       string
	Response      string
	RequestFrame  int
	ResponseFrame int
	RequestTime   time.Time
	ResponseTime  time.Time
	Latency       time.Duration
	Failed        bool // answered by FAILURE_CONF or CONTROL_FAILURE_CONF
}

// Call is one call of the scenario. Times are those of the frames carrying
// the events named.
type Call struct {
	CallID        uint32
	Kind          string // inbound, hold, setdata, transfer, conference, abandoned, lateanswer (abandoned, the Answer click fails), latedata, consult
	ANI, DNIS     string
	CSQID         uint32
	AgentID       string    // agent the call was delivered to
	RelatedCallID uint32    // consult calls: the call consulted from; transferred/conferenced calls: the consult call
	Offered       time.Time // first BEGIN_CALL_EVENT
	Answered      time.Time // CALL_ESTABLISHED_EVENT on the agent's connection (zero if never answered)
	Cleared       time.Time // CALL_CLEARED_EVENT, or the transfer/conference that merged a consult call
}

// AgentStateChange is an AGENT_STATE_EVENT on the agent's own connection.
type AgentStateChange struct {
	Frame      int
	Time       time.Time
	Conn       int
	AgentID    string
	Extension  string
	State      string // AgentState enum name
	StateValue uint16
	ReasonCode uint16
}
