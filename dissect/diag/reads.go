package diag

import "github.com/ctishark/ctishark/dissect"

// Reads reports whether the rules read fields of definition fd (by the
// names the evaluations and explanations look up), for a dissect.Keep of a
// view that runs them: such a view need decode no other field for the
// rules' sake. A name read here and not listed would read as absent;
// cmd/stats and cmd/doctor compare their findings with and without the
// Keep on captures that break every rule.
func Reads(fd *dissect.FieldDef) bool {
	switch fd.Name {
	case "InvokeID", "CallID", "Direction", "EventReasonCode", "AgentState", "Status", "FailureCode",
		"Unified CCX ErrorCode", "Text", "ClientID", "ServicesRequested", "ServicesGranted", "IdleTimeout",
		"VersionNumber", "AgentID", "AgentExtension", "AgentInstrument":
		return true
	}
	return false
}
