package diag

import (
	"strconv"

	"github.com/ctishark/ctishark/dissect"
)

// systemReasons are the AGENT_STATE_EVENT reason codes Unified CCX sets on
// its own that explain a state the agent did not choose, with what each
// means for the person reading the capture. Codes the system sets in the
// normal course (AGT_LOGON at login, CLOSE_FINESSE_DESKTOP at a desktop's
// own logout, AGT_CALL_ENDED, AGT_WORK_TIMER_EXP, AGT_PHONE_UP) are left
// out: they are the story of a healthy shift.
// Source: https://developer.cisco.com/docs/contact-center-express/reason-codes-for-agent-state-change
// (values, names), dissect/catalog.json AgentStateReasonCode (255).
var systemReasons = map[uint64]string{
	22:    "a supervisor logged the agent out",
	255:   "Finesse logged the agent out after losing its desktop or server connection",
	32741: "the agent's extension is in use by another agent",
	32748: "the agent was deleted from the configuration while logged in",
	32749: "the consulting agent went Not Ready when the consult was cancelled",
	32750: "the agent's ICD extension changed under them",
	32753: "the agent's line is restricted",
	32754: "the agent's device is restricted",
	32757: "Unified CM failed over: agents' phones re-registered",
	32759: "the agent's phone went out of service or unregistered",
	32761: "the agent took a direct, non-ICD call",
	32762: "the agent went off-hook",
	32763: "ring no answer: the agent did not answer an offered call and was made Not Ready",
	32764: "Unified CCX failed (engine or failover)",
	32765: "the agent's desktop or IP Phone Agent stopped or lost its connection",
	32767: "the agent logged in again elsewhere, which ended the earlier login",
}

// statusCauses say what usually leads to a failure status (FAILURE_CONF
// Status, CONTROL_FAILURE_CONF FailureCode). Sources:
// https://developer.cisco.com/docs/contact-center-express/error-e-status-codes,
// https://developer.cisco.com/docs/contact-center-express/reasons-for-a-connection-to-fail,
// https://developer.cisco.com/docs/contact-center-express/control-failure-cf-values.
var statusCauses = map[uint64]string{
	1:  "the server does not speak the requested protocol version",
	4:  "a request before OPEN_CONF, or after the session ended",
	5:  "a second OPEN_REQ on a connection that already has a session",
	6:  "a required floating field is missing",
	8:  "the agent ID, extension or instrument does not match the configuration",
	9:  "the agent is not logged on",
	10: "the agent's phone is already tied to another client session",
	11: "a new OPEN_REQ from the same client replaced this session",
	13: "the CallID names no live call (it ended, or belongs to another session)",
	17: "the server could not say why",
	18: "IdleTimeout out of range",
	92: "this node is the standby: connect to the other node",
	93: "the CSQ is not configured",
	94: "Unified CM (JTAPI) did not carry out the request",
	96: "the server reset its configuration",
}

var controlCauses = map[uint64]string{
	2:  "the request does not apply to the call's or agent's current state",
	4:  "the object named (call, device) is not known to the server",
	11: "the call named is not known or already gone",
	13: "the connection named is gone (the call moved or ended)",
	16: "the call is not in a state that allows it (for example not yet ringing)",
	21: "the device or call is in a state incompatible with the request",
	22: "the object's state does not allow the request",
}

// explainStatus names a failure's status and its usual cause.
func explainStatus(m *dissect.Message) string {
	name, table := "Status", statusCauses
	if m.Def.ID == dissect.MsgControlFailureConf {
		name, table = "FailureCode", controlCauses
	}
	f := m.Get(name)
	if f == nil {
		return "no status"
	}
	s := f.Text()
	if why, ok := table[f.Value.Num]; ok {
		s += ": " + why
	}
	if m.Def.ID == dissect.MsgControlFailureConf {
		if g := m.Get("Unified CCX ErrorCode"); g != nil && g.Value.Num != 0 {
			s += " (" + g.Text() + ")"
		}
	}
	if t, ok := m.String("Text"); ok && t != "" {
		s += " — server text " + strconv.Quote(t)
	}
	return s
}
