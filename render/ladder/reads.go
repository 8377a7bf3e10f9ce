package ladder

import (
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Reads reports whether a diagram reads fields of definition fd: its
// arrows' labels (Info's fields), a failure's status, a session's client
// and agent, and what --call and --agent select by (the call IDs, the
// AgentID). Its arrows list every expert warning and error: a ladder
// decodes with a checked dissect.Keep.
func Reads(fd *dissect.FieldDef) bool {
	switch fd.Name {
	case "Status", "FailureCode", "Unified CCX ErrorCode", "ClientID", "AgentID":
		return true
	}
	return strings.HasSuffix(fd.Name, "CallID") || record.InfoReads(fd)
}
