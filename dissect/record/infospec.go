package record

import (
	"sync"

	"github.com/ctishark/ctishark/dissect"
)

// The Info column: what a person needs from each message type without the
// guide at hand. Each message lists segments; a segment is literal text with
// {Field} placeholders and is left out when one of its fields is absent or
// empty, so a message shows exactly what it carries. Placeholders take
// modifiers after a colon (several may be chained):
//
//	{F}        enum name (the number when the enum has no name for it), mask
//	           bit names joined by "|", text, number, true/false
//	{F:nz}     leave the segment out when the value is zero
//	{F:state}  an AgentState without its AGENT_STATE_ prefix (READY, NOT_READY)
//	{F:mode}   a CTIServiceMask as the client mode: agent or bridge
//	{F:q}      quoted text (free text a server sends: failure texts)
//	{F:online} a BOOL as online/offline
//	{F:list}   every occurrence of a repeated field, comma-separated (at most 4, then "+N more")
//	{F:rec}    like list, each occurrence preceded by the RecordType of its record (Add, Delete...)
//	{F:count}  how many occurrences the message carries
//	{F:ne=G}   leave the segment out when F equals field G
//
// Secret fields are never shown unless --show-secrets. A message type absent
// from this table gets the generic rendering (see genericInfo): "invoke N"
// for a bare confirm, else up to four of its non-reserved, non-zero fields
// as Name=value. Expert errors and warnings are appended in brackets:
// [malformed: ...] for the cti.malformed.* codes, [error: ...] and
// [warning: ...] for the rest.
//
// Conventions: "call N" is a CallID; "dev" the ConnectionDeviceID (the
// device the event is about); LocalConnectionState and EventCause are shown
// by their guide names (LCS_*, CEC_*); "on X" is the AgentInstrument a
// request acts on.
var infoSpecs = map[string][]string{
	// Session management.
	"FAILURE_CONF":   {"{Status}", "{Text:q}"},
	"FAILURE_EVENT":  {"{Status}", "{Text:q}"},
	"OPEN_REQ":       {"v{VersionNumber}", "{ServicesRequested:mode} mode", "client {ClientID}", "agent {AgentID}", "ext {AgentExtension}", "instrument {AgentInstrument}", "idle {IdleTimeout}s"},
	"OPEN_CONF":      {"{ServicesGranted:mode} mode granted", "agent {AgentID}", "ext {AgentExtension}", "agent state {AgentState:state}", "CCX {Unified CCX Online:online}", "peripherals {NumPeripherals:nz}"},
	"HEARTBEAT_REQ":  {"invoke {InvokeID}"},
	"HEARTBEAT_CONF": {"invoke {InvokeID}"},
	"CLOSE_REQ":      {"invoke {InvokeID}", "status {Status}"},
	"CLOSE_CONF":     {"invoke {InvokeID}"},
	"SYSTEM_EVENT":   {"event {SystemEventID}", "CCX status {CCXStatus}", "device {EventDeviceID}", "{Text:q}"},

	// Call events.
	"CALL_DELIVERED_EVENT":          {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "from {CallingDeviceID}", "to {CalledDeviceID}", "ANI {ANI:ne=CallingDeviceID}", "DNIS {DNIS:ne=CalledDeviceID}", "CSQ {CSQID:nz}"},
	"CALL_ESTABLISHED_EVENT":        {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "answered by {AnsweringDeviceID}", "from {CallingDeviceID}", "to {CalledDeviceID}"},
	"CALL_HELD_EVENT":               {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "held by {HoldingDeviceID}"},
	"CALL_RETRIEVED_EVENT":          {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "retrieved by {RetrievingDeviceID}"},
	"CALL_CLEARED_EVENT":            {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}"},
	"CALL_CONNECTION_CLEARED_EVENT": {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "released by {ReleasingDeviceID}"},
	"CALL_ORIGINATED_EVENT":         {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "from {CallingDeviceID}", "to {CalledDeviceID}"},
	"CALL_FAILED_EVENT":             {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "failing {FailingDeviceID}", "to {CalledDeviceID}"},
	"CALL_CONFERENCED_EVENT":        {"call {PrimaryCallID}", "+ call {SecondaryCallID}", "{NumParties} parties", "{LocalConnectionState}", "{EventCause}", "controller {ControllerDeviceID}", "added {AddedPartyDeviceID}"},
	"CALL_TRANSFERRED_EVENT":        {"call {PrimaryCallID}", "from call {SecondaryCallID}", "{NumParties} parties", "{LocalConnectionState}", "{EventCause}", "transferring {TransferringDeviceID}", "transferred {TransferredDeviceID}"},
	"CALL_DIVERTED_EVENT":           {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "diverted from {DivertingDeviceID}", "to {CalledDeviceID}"},
	"CALL_SERVICE_INITIATED_EVENT":  {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "from {CallingDeviceID}"},
	"CALL_QUEUED_EVENT":             {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "queue {QueueDeviceID}", "{NumCSQs:nz} CSQs", "from {CallingDeviceID}", "to {CalledDeviceID}"},
	"CALL_DEQUEUED_EVENT":           {"call {CallID}", "dev {ConnectionDeviceID}", "{LocalConnectionState}", "{EventCause}", "queue {QueueDeviceID}", "{NumQueued} in queue", "{NumCSQs:nz} CSQs"},
	"BEGIN_CALL_EVENT":              {"call {CallID}", "ANI {ANI}", "DNIS {DNIS}", "dialed {DialedNumber}", "CallType {CallType}", "dev {ConnectionDeviceID}", "{NumNamedVariables:nz} named vars", "{NumNamedArrays:nz} named arrays"},
	"END_CALL_EVENT":                {"call {CallID}", "dev {ConnectionDeviceID}"},
	"CALL_DATA_UPDATE_EVENT":        {"call {CallID}", "now call {NewCallID:nz:ne=CallID}", "ANI {ANI}", "CallType {CallType}", "digits {CallerEnteredDigits}", "{NumNamedVariables:nz} named vars", "{NumNamedArrays:nz} named arrays"},
	"RTP_STARTED_EVENT":             {"call {CallID}", "dev {ConnectionDeviceID}", "codec {PayloadType}", "direction {Direction}", "from {SendingAddress}", "port {SendingPort}", "client port {clientPort:nz}"},
	"RTP_STOPPED_EVENT":             {"call {CallID}", "dev {ConnectionDeviceID}", "direction {Direction}", "agent {AgentID}", "client {ClientAddress}", "from {SendingAddress}", "port {SendingPort}"},

	// Agent state.
	"AGENT_STATE_EVENT":      {"agent {AgentID}", "(ext {AgentExtension})", "{AgentState:state}", "reason {EventReasonCode:nz}", "{numCSQs:nz} CSQs", "terminal {ActiveTerminal}"},
	"QUERY_AGENT_STATE_REQ":  {"agent {AgentID}", "ext {AgentExtension}", "instrument {AgentInstrument}"},
	"QUERY_AGENT_STATE_CONF": {"agent {AgentID}", "(ext {AgentExtension})", "{AgentState:state}", "{numCSQs:nz} CSQs"},
	"SET_AGENT_STATE_REQ":    {"agent {AgentID}", "to {AgentState:state}", "reason {EventReasonCode:nz}", "forced {ForcedFlag:nz}", "on {AgentInstrument}", "terminal {ActiveTerminal}"},
	"SET_AGENT_STATE_CONF":   {"invoke {InvokeID}"},

	// Bare confirms: the request succeeded. The table adds which message
	// was the request and how long the server took ([request #N, T ms]).
	"SET_CALL_DATA_CONF":    {"invoke {InvokeID}"},
	"ALTERNATE_CALL_CONF":   {"invoke {InvokeID}"},
	"ANSWER_CALL_CONF":      {"invoke {InvokeID}"},
	"CLEAR_CALL_CONF":       {"invoke {InvokeID}"},
	"CLEAR_CONNECTION_CONF": {"invoke {InvokeID}"},
	"HOLD_CALL_CONF":        {"invoke {InvokeID}"},
	"RECONNECT_CALL_CONF":   {"invoke {InvokeID}"},
	"RETRIEVE_CALL_CONF":    {"invoke {InvokeID}"},
	"SEND_DTMF_SIGNAL_CONF": {"invoke {InvokeID}"},

	// Call control.
	"SET_CALL_DATA_REQ":      {"call {CallID}", "ANI {ANI}", "CallType {CallType}", "digits {CallerEnteredDigits}", "{NumNamedVariables:nz} named vars", "{NumNamedArrays:nz} named arrays"},
	"CONTROL_FAILURE_CONF":   {"{FailureCode}", "{Unified CCX ErrorCode:nz}", "{Text:q}"},
	"ALTERNATE_CALL_REQ":     {"call {ActiveCallID}", "<-> call {OtherCallID}", "on {AgentInstrument}"},
	"ANSWER_CALL_REQ":        {"call {CallID}", "dev {ConnectionDeviceID}", "on {AgentInstrument}"},
	"CLEAR_CALL_REQ":         {"call {CallID}", "dev {ConnectionDeviceID}", "on {AgentInstrument}"},
	"CLEAR_CONNECTION_REQ":   {"call {CallID}", "dev {ConnectionDeviceID}", "on {AgentInstrument}"},
	"HOLD_CALL_REQ":          {"call {CallID}", "dev {ConnectionDeviceID}", "on {AgentInstrument}"},
	"CONFERENCE_CALL_REQ":    {"held call {HeldCallID}", "+ active call {ActiveCallID}", "dial {DialedNumber}", "on {AgentInstrument}"},
	"CONFERENCE_CALL_CONF":   {"new call {NewCallID}", "dev {NewConnectionDeviceID}", "{NumParties} parties"},
	"CONSULT_CALL_REQ":       {"call {ActiveCallID}", "{ConsultType} consult", "dial {DialedNumber}", "on {AgentInstrument}"},
	"CONSULT_CALL_CONF":      {"new call {NewCallID}", "dev {NewConnectionDeviceID}"},
	"MAKE_CALL_REQ":          {"dial {DialedNumber}", "on {AgentInstrument}", "{NumNamedVariables:nz} named vars"},
	"MAKE_CALL_CONF":         {"new call {NewCallID}", "dev {NewConnectionDeviceID}"},
	"RECONNECT_CALL_REQ":     {"drop call {ActiveCallID}", "retrieve call {HeldCallID}", "on {AgentInstrument}"},
	"RETRIEVE_CALL_REQ":      {"call {HeldCallID}", "dev {HeldConnectionDeviceID}", "on {AgentInstrument}"},
	"TRANSFER_CALL_REQ":      {"held call {HeldCallID}", "to active call {ActiveCallID}", "dial {DialedNumber}"},
	"TRANSFER_CALL_CONF":     {"new call {NewCallID}", "dev {NewConnectionDeviceID}", "{NumParties} parties"},
	"QUERY_DEVICE_INFO_REQ":  {"instrument {AgentInstrument}"},
	"QUERY_DEVICE_INFO_CONF": {"max {MaxActiveCalls} active", "{MaxHeldCalls} held", "{MaxDevicesInConference} in conference"},
	"SNAPSHOT_CALL_REQ":      {"call {CallID}", "dev {ConnectionDeviceID}"},
	"SNAPSHOT_CALL_CONF":     {"CallType {CallType}", "ANI {ANI}", "DNIS {DNIS}", "{NumCallDevices} devices", "{CallDeviceID:list}"},
	"SNAPSHOT_DEVICE_REQ":    {"instrument {AgentInstrument}"},
	"SNAPSHOT_DEVICE_CONF":   {"{NumCalls} calls", "{CallConnectionCallID:list}"},
	"SEND_DTMF_SIGNAL_REQ":   {"call {CallID}", "digits {DTMFString}", "on {AgentInstrument}"},

	// Configuration.
	"CONFIG_REQUEST_KEY_EVENT": {"request config keys"},
	"CONFIG_KEY_EVENT":         {"{Status}"},
	"CONFIG_REQUEST_EVENT":     {"request {ConfigurationMask}"},
	"CONFIG_BEGIN_EVENT":       {"{ConfigType}", "of {ConfigurationMask:nz}"},
	"CONFIG_END_EVENT":         {"{Status}", "{Text:q}"},
	"CONFIG_APPLICATION_EVENT": {"{NumRecords} records:", "{ApplicationName:rec}"},
	"CONFIG_CSQ_EVENT":         {"{NumRecords} records:", "{CSQName:rec}"},
	"CONFIG_AGENT_EVENT":       {"{NumRecords} records:", "{LoginID:rec}"},
	"CONFIG_DEVICE_EVENT":      {"{NumRecords} records:", "{DeviceField2:rec}"},
	"CONFIG_TERMINAL_EVENT":    {"{NumRecords} records:", "{TerminalDeviceName:rec}"},
	"TEAM_CONFIG_REQ":          {"{ConfigParam}"},
	"TEAM_CONFIG_EVENT":        {"team {TeamID}", "{TeamName:q}", "{Operation}", "{NumRecords} members:", "{AgentID:rec}"},
	"TEAM_CONFIG_CONF":         {"{Status}", "{Text:q}"},
}

// InfoSpecs returns a copy of the Info column specs by message name, for
// generators that carry the same summaries into other tools (the Wireshark
// plugin).
func InfoSpecs() map[string][]string {
	out := make(map[string][]string, len(infoSpecs))
	for name, segs := range infoSpecs {
		out[name] = append([]string(nil), segs...)
	}
	return out
}

// InfoReads reports whether Info reads fields of definition fd: those its
// message's spec names (with the RecordType a rec modifier reads), or
// every field of a message without a spec (genericInfo), for a
// dissect.Keep. Its expert labels read every expert item: a view showing
// Info decodes with a checked Keep.
func InfoReads(fd *dissect.FieldDef) bool { return infoReads()[fd] }

var infoReads = sync.OnceValue(func() map[*dissect.FieldDef]bool {
	set := map[*dissect.FieldDef]bool{}
	for _, c := range dissect.Catalogs() {
		for _, def := range c.Messages() {
			ds := specFor(def)
			names := map[string]bool{}
			if ds != nil {
				for _, n := range ds.names {
					names[n] = true
				}
				for _, seg := range ds.segs {
					for _, p := range seg.parts {
						if p.flags&modRec != 0 {
							names["RecordType"] = true
						}
					}
				}
			}
			for _, list := range [][]dissect.FieldDef{def.Fixed, def.Floating} {
				for i := range list {
					if ds == nil || names[list[i].Name] {
						set[&list[i]] = true
					}
				}
			}
		}
	}
	return set
})
