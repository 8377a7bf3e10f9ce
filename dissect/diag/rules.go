package diag

import (
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Area groups rules the way the doctor report does.
type Area string

// Areas, in report order.
const (
	AreaSession  Area = "session"
	AreaLiveness Area = "liveness"
	AreaAgents   Area = "agents"
	AreaCalls    Area = "calls"
	AreaRequests Area = "requests"
)

// Rule is one entry of the rule table: what is checked, how bad it is, and
// why it matters. Code is stable (part of the JSON and filter contract);
// Summary, Explain and Source are for people.
type Rule struct {
	Code     string
	Severity dissect.Severity
	Area     Area
	Summary  string   // one line: what was found
	Explain  string   // the rule, in ctishark's words
	Source   string   // guide section (URL) the rule comes from
	On       []uint32 // message types evaluated; nil = every message
	eval     evaluator
}

// evaluator looks at one record of a connection (its state before the
// record) and says whether the rule fires, with the specifics.
type evaluator func(e *Engine, r *record.Record, c *conn) (detail string, hit bool)

// Guide sections the rules cite.
const (
	srcOpenReq    = "https://developer.cisco.com/docs/contact-center-express/open_req"
	srcOpenConf   = "https://developer.cisco.com/docs/contact-center-express/open_conf"
	srcSessionIni = "https://developer.cisco.com/docs/contact-center-express/how-a-session-is-initialized"
	srcFailReason = "https://developer.cisco.com/docs/contact-center-express/reasons-for-a-connection-to-fail"
	srcMaintained = "https://developer.cisco.com/docs/contact-center-express/how-a-session-is-maintained"
	srcHA         = "https://developer.cisco.com/docs/contact-center-express/the-unified-ccx-cti-server-in-a-high-availability-unified-ccx-system"
	srcFailConf   = "https://developer.cisco.com/docs/contact-center-express/failure_conf"
	srcStatus     = "https://developer.cisco.com/docs/contact-center-express/error-e-status-codes"
	srcControlF   = "https://developer.cisco.com/docs/contact-center-express/control-failure-cf-values"
	srcReasons    = "https://developer.cisco.com/docs/contact-center-express/reason-codes-for-agent-state-change"
	srcSetState   = "https://developer.cisco.com/docs/contact-center-express/set_agent_state_req"
	srcEstab      = "https://developer.cisco.com/docs/contact-center-express/call_established_event"
	srcCleared    = "https://developer.cisco.com/docs/contact-center-express/call_cleared_event"
	srcBeginCall  = "https://developer.cisco.com/docs/contact-center-express/begin_call_event"
	srcRTP        = "https://developer.cisco.com/docs/contact-center-express/rtp_started_event-optional"
	srcConsult    = "https://developer.cisco.com/docs/contact-center-express/consult_call_req"
	srcSessionMgr = "https://developer.cisco.com/docs/contact-center-express/how-a-clientserver-connection-is-managed"
)

// Codes of the rules, for tests and scripts. Never rename one.
const (
	CodeVersionBelowMin    = "cti.diag.version_below_min"
	CodeIdleTimeoutRange   = "cti.diag.idle_timeout_range"
	CodeModeFields         = "cti.diag.mode_fields"
	CodeServicesNotGranted = "cti.diag.services_not_granted"
	CodeOpenRefused        = "cti.diag.open_refused"
	CodeOpenRetrySoon      = "cti.diag.open_retry_too_soon"
	CodeOpenStorm          = "cti.diag.open_storm"
	CodeServerNotMaster    = "cti.diag.server_not_master"
	CodeFailoverReconnect  = "cti.diag.failover_reconnect"
	CodeHeartbeatMissed    = "cti.diag.heartbeat_missed"
	CodeHeartbeatLate      = "cti.diag.heartbeat_late"
	CodeSessionIdle        = "cti.diag.session_idle"
	CodeAgentReason        = "cti.diag.agent_reason"
	CodeForeignLogout      = "cti.diag.foreign_logout"
	CodeAgentTwoSessions   = "cti.diag.agent_two_sessions"
	CodeStateRejected      = "cti.diag.state_rejected"
	CodeEstablishedNoDeliv = "cti.diag.established_without_delivered"
	CodeClearedUnknown     = "cti.diag.cleared_unknown_call"
	CodeCallIDReuse        = "cti.diag.callid_reuse"
	CodeRTPMismatch        = "cti.diag.rtp_mismatch"
	CodeConsultIncomplete  = "cti.diag.consult_not_completed"
	CodeRequestFailed      = "cti.diag.request_failed"
	CodeUnanswered         = "cti.diag.request_unanswered"
	CodeSlowResponse       = "cti.diag.slow_response"
)

var (
	onOpenReq    = []uint32{dissect.MsgOpenReq}
	onOpenConf   = []uint32{dissect.MsgOpenConf}
	onHeartbeat  = []uint32{dissect.MsgHeartbeatReq}
	onAgentState = []uint32{dissect.MsgAgentStateEvent}
	onFailures   = []uint32{dissect.MsgFailureConf, dissect.MsgControlFailureConf}
	onFailConf   = []uint32{dissect.MsgFailureConf}
)

// Rules is the rule table, in report order within each severity.
var Rules = []*Rule{
	// --- session setup ---
	{Code: CodeVersionBelowMin, Severity: dissect.SeverityError, Area: AreaSession, On: onOpenReq,
		Summary: "OPEN_REQ asks for a protocol version below the minimum (10)",
		Explain: "Unified CCX serves CTI protocol versions 10 to 18 only; an older VersionNumber is refused with E_CTI_INVALID_VERSION, so the client never gets a session.",
		Source:  srcSessionIni, eval: evalVersion},
	{Code: CodeIdleTimeoutRange, Severity: dissect.SeverityWarning, Area: AreaSession, On: append(onOpenReq, dissect.MsgHeartbeatReq),
		Summary: "IdleTimeout outside its allowed range",
		Explain: "OPEN_REQ.IdleTimeout must be at least twice the client's heartbeat interval and below 120 s (values under 20 s are refused with E_CTI_INVALID_TIMEOUT); too long and a dead client holds its phone for minutes, too short and the server resets a healthy session between heartbeats.",
		Source:  srcOpenReq, eval: evalIdleTimeout},
	{Code: CodeModeFields, Severity: dissect.SeverityWarning, Area: AreaSession, On: onOpenReq,
		Summary: "OPEN_REQ mixes agent-mode and bridge-mode fields",
		Explain: "An agent-mode client (CTI_SERVICE_CLIENT_EVENTS) names its agent (AgentID with AgentExtension or AgentInstrument) and is refused with E_CTI_REQUIRED_DATA_MISSING or E_CTI_INCONSISTENT_AGENT_DATA otherwise; a bridge-mode client (CTI_SERVICE_ALL_EVENTS) watches every agent and sends no agent identity.",
		Source:  srcFailReason, eval: evalModeFields},
	{Code: CodeServicesNotGranted, Severity: dissect.SeverityWarning, Area: AreaSession, On: onOpenConf,
		Summary: "services requested in OPEN_REQ and not granted in OPEN_CONF",
		Explain: "A successful OPEN_CONF does not mean the client got everything it asked for: the server grants only what is available, and a client that assumes otherwise waits for events or control it will never get.",
		Source:  srcOpenConf, eval: evalServices},
	{Code: CodeOpenRefused, Severity: dissect.SeverityError, Area: AreaSession, On: onFailConf,
		Summary: "OPEN_REQ refused: no session",
		Explain: "The server answered OPEN_REQ with FAILURE_CONF; the client must reset the connection, fix what the status names, and wait before trying again.",
		Source:  srcFailReason, eval: evalOpenRefused},
	{Code: CodeOpenRetrySoon, Severity: dissect.SeverityWarning, Area: AreaSession, On: onOpenReq,
		Summary: "OPEN_REQ retried sooner than 10 s after a refusal",
		Explain: "After a refused OPEN_REQ the client should wait at least 10 s before retrying; retrying at once only repeats the refusal and loads the server.",
		Source:  srcSessionIni, eval: evalRetrySoon},
	{Code: CodeOpenStorm, Severity: dissect.SeverityWarning, Area: AreaLiveness, On: onOpenReq,
		Summary: "OPEN_REQ storm: the same client opened 5 or more sessions within 60 s",
		Explain: "A client that keeps reopening its session is failing over, being refused, or being reset by the server (idle timeout, missed heartbeats); look at what ended each session.",
		Source:  srcSessionMgr, eval: evalStorm},
	{Code: CodeServerNotMaster, Severity: dissect.SeverityWarning, Area: AreaLiveness, On: onFailConf,
		Summary: "request sent to the standby node (E_CTI_SERVER_NOT_MASTER)",
		Explain: "In a high-availability cluster only the master node serves CTI clients; a standby answers with E_CTI_SERVER_NOT_MASTER and the client should connect to the other node.",
		Source:  srcHA, eval: evalNotMaster},
	{Code: CodeFailoverReconnect, Severity: dissect.SeverityNote, Area: AreaLiveness, On: onOpenReq,
		Summary: "client reconnected to another server node (failover)",
		Explain: "The client's previous session was with another server address: after missed heartbeats or E_CTI_SERVER_NOT_MASTER a client moves to the other node of the cluster.",
		Source:  srcHA, eval: evalFailover},

	// --- liveness ---
	{Code: CodeHeartbeatMissed, Severity: dissect.SeverityWarning, Area: AreaLiveness, On: onHeartbeat,
		Summary: "HEARTBEAT_REQ never answered",
		Explain: "The server answers every HEARTBEAT_REQ at once; after three unanswered heartbeats the client must declare the session failed and reset the connection (and, in a cluster, try the other node).",
		Source:  srcMaintained, eval: evalHeartbeatMissed},
	{Code: CodeHeartbeatLate, Severity: dissect.SeverityWarning, Area: AreaLiveness, On: onHeartbeat,
		Summary: "heartbeat late against the session's own interval",
		Explain: "A client sends HEARTBEAT_REQ whenever it has sent nothing for its heartbeat interval; a gap of more than 1.5 intervals (measured from the session's own heartbeats) says the client stalled, and past IdleTimeout the server resets the session.",
		Source:  srcMaintained, eval: evalHeartbeatLate},
	{Code: CodeSessionIdle, Severity: dissect.SeverityError, Area: AreaLiveness,
		Summary: "client silent longer than its IdleTimeout",
		Explain: "The server resets the TCP connection when nothing arrives from the client within OPEN_REQ.IdleTimeout; a longer silence means the session should have been dropped (or was, when the connection ends here).",
		Source:  srcMaintained, eval: evalSessionIdle},

	// --- agents ---
	{Code: CodeAgentReason, Severity: dissect.SeverityNote, Area: AreaAgents, On: onAgentState,
		Summary: "agent state changed for a system reason",
		Explain: "Unified CCX reports why it changed an agent's state on its own (reason codes 32741 to 32767, and 255 for a Finesse forced logout); these explain logouts and Not Ready states the agent did not choose.",
		Source:  srcReasons, eval: evalReason},
	{Code: CodeForeignLogout, Severity: dissect.SeverityWarning, Area: AreaAgents, On: onAgentState,
		Summary: "agent logged out without a request from its own session",
		Explain: "The agent-mode session received a LOGOUT for its own agent that it did not ask for (no SET_AGENT_STATE_REQ LOGOUT just before): a supervisor, another desktop (Finesse) or the system logged the agent out.",
		Source:  srcSetState, eval: evalForeignLogout},
	{Code: CodeAgentTwoSessions, Severity: dissect.SeverityWarning, Area: AreaAgents, On: onOpenReq,
		Summary: "two agent-mode sessions control the same agent",
		Explain: "An agent-mode OPEN_REQ named an agent another live session already controls (for example a desktop and Finesse); each sees the other's state changes as foreign, and the server may end the older session (E_CTI_NEW_SESSION_OPENED, E_CTI_DEVICE_IN_USE).",
		Source:  srcFailReason, eval: evalTwoSessions},
	{Code: CodeStateRejected, Severity: dissect.SeverityWarning, Area: AreaAgents, On: onFailures,
		Summary: "agent state change rejected",
		Explain: "SET_AGENT_STATE_REQ was refused: the requested state is not reachable from the agent's current one (for example Ready while talking), or the agent is not logged on.",
		Source:  srcSetState, eval: evalStateRejected},

	// --- calls ---
	{Code: CodeEstablishedNoDeliv, Severity: dissect.SeverityWarning, Area: AreaCalls, On: []uint32{dissect.MsgCallEstablishedEvent},
		Summary: "CALL_ESTABLISHED without CALL_DELIVERED or CALL_ORIGINATED",
		Explain: "In the call model a call rings (CALL_DELIVERED) or is dialled (CALL_ORIGINATED) before it is answered; an answer for a call this session never saw offered means events were lost or the client missed the call's start.",
		Source:  srcEstab, eval: evalEstablished},
	{Code: CodeClearedUnknown, Severity: dissect.SeverityWarning, Area: AreaCalls, On: []uint32{dissect.MsgCallClearedEvent, dissect.MsgCallConnectionClearedEvent},
		Summary: "call cleared that the session never saw",
		Explain: "A clearing event named a CallID that no earlier event of the session introduced, although the session was open from its start: events were lost or the CallID is wrong.",
		Source:  srcCleared, eval: evalCleared},
	{Code: CodeCallIDReuse, Severity: dissect.SeverityWarning, Area: AreaCalls, On: []uint32{dissect.MsgBeginCallEvent},
		Summary: "BEGIN_CALL for a CallID that is still alive",
		Explain: "A call begins once (BEGIN_CALL_EVENT) and ends once (END_CALL_EVENT); a second BEGIN_CALL before the END_CALL means the server reused a live CallID or an END_CALL was lost, and clients keyed by CallID mix two calls.",
		Source:  srcBeginCall, eval: evalReuse},
	{Code: CodeRTPMismatch, Severity: dissect.SeverityNote, Area: AreaCalls, On: []uint32{dissect.MsgRtpStartedEvent, dissect.MsgRtpStoppedEvent},
		Summary: "RTP_STARTED/RTP_STOPPED do not pair",
		Explain: "Each RTP_STARTED_EVENT of a call and direction is followed by one RTP_STOPPED_EVENT; a stop without a start (or a second start) makes recorders miss or double the media.",
		Source:  srcRTP, eval: evalRTP},
	{Code: CodeConsultIncomplete, Severity: dissect.SeverityNote, Area: AreaCalls, On: []uint32{dissect.MsgEndCallEvent},
		Summary: "consult call ended without a transfer or conference",
		Explain: "A consult call (CONSULT_CALL_REQ/CONF) is placed to be completed by TRANSFER_CALL_REQ or CONFERENCE_CALL_REQ; one that ends first was cancelled or failed, and the held customer call is left for the agent to retrieve.",
		Source:  srcConsult, eval: evalConsult},

	// --- requests ---
	{Code: CodeRequestFailed, Severity: dissect.SeverityNote, Area: AreaRequests, On: onFailures,
		Summary: "request failed",
		Explain: "The server answered a request with FAILURE_CONF or CONTROL_FAILURE_CONF instead of its confirm; the status says why.",
		Source:  srcFailConf, eval: evalFailed},
	{Code: CodeUnanswered, Severity: dissect.SeverityWarning, Area: AreaRequests,
		Summary: "request never answered",
		Explain: "Every request is answered by its confirm or a failure with the same InvokeID; none came within 10 s, before the connection closed or before the capture ended.",
		Source:  srcFailConf, eval: evalUnanswered},
	{Code: CodeSlowResponse, Severity: dissect.SeverityWarning, Area: AreaRequests,
		Summary: "response time far above this capture's usual for the request type",
		Explain: "The answer took more than ten times the mean of the earlier answers to the same request type in this capture (and at least 1 s): the server or the telephony behind it stalled.",
		Source:  srcFailConf, eval: evalSlow},
}

// Lookup returns the rule with the code, nil when there is none.
func Lookup(code string) *Rule {
	for _, r := range Rules {
		if r.Code == code {
			return r
		}
	}
	return nil
}
