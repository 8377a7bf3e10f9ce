package analyze

import (
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// What the calls and agents views read of a message's floating fields, for
// the dissect.Keep their commands decode with (pipeline.Options.Reads):
// a contact centre's capture is mostly agent state events whose CSQ
// records neither view reads. A field read by these views and not listed
// here would read as absent; cmd/calls and cmd/agents compare their output
// with and without the Keep on every capture they test.

// callsNames and agentsNames are the fields the views find by name.
var (
	callsNames = []*dissect.FieldName{fANI, fAgentExtension, fAgentID, fAlertingDeviceID, fAnsweringDeviceID,
		fCSQID, fDNIS, fDialedNumber, fEventCause, fLocalConnectionState, fQueueDeviceID, fSkillGroupNumber}
	agentsNames = []*dissect.FieldName{fAgentExtension, fAgentID, fAgentState, fEventReasonCode}
)

// CallsReads reports whether Calls.Add can read a floating field of
// definition fd: one it finds by name, a call variable (setVars) or a
// party's device ID (parties).
func CallsReads(fd *dissect.FieldDef) bool {
	return named(callsNames, fd) || mayBeVar(fd) || strings.HasSuffix(fd.Name, "DeviceID")
}

// AgentsReads reports whether Agents.Add can read a floating field of
// definition fd.
func AgentsReads(fd *dissect.FieldDef) bool { return named(agentsNames, fd) }

func named(names []*dissect.FieldName, fd *dissect.FieldDef) bool {
	for _, n := range names {
		if n.Name() == fd.Name {
			return true
		}
	}
	return false
}

// StatsReads reports whether Stats.Add reads fields of definition fd: a
// failure's status, and what the session table shows of OPEN_REQ and
// OPEN_CONF. Its expert counts read every expert item: its Keep is a
// checked one (dissect.NewCheckedKeep).
func StatsReads(fd *dissect.FieldDef) bool {
	switch fd.Name {
	case "Status", "FailureCode", "IdleTimeout", "ClientID", "ServicesRequested", "ServicesGranted":
		return true
	}
	return false
}
