package analyze

import "github.com/ctishark/ctishark/dissect"

// display is a field's symbolic rendering, or its plain value when it has
// none; "" for a missing field.
func display(f *dissect.Field) string {
	if f == nil {
		return ""
	}
	if d := f.Display(); d != "" {
		return d
	}
	return f.Value.Text()
}

// str returns a string field's value ("" when absent).
func str(m *dissect.Message, n *dissect.FieldName) string {
	s, _ := m.StringField(n)
	return s
}

// The fields the views read of every message they look at, resolved once
// (hashing the names was 3% of the CPU of calls).
var (
	fANI                  = dissect.NewFieldName("ANI")
	fAgentExtension       = dissect.NewFieldName("AgentExtension")
	fAgentID              = dissect.NewFieldName("AgentID")
	fAgentState           = dissect.NewFieldName("AgentState")
	fAlertingDeviceID     = dissect.NewFieldName("AlertingDeviceID")
	fAnsweringDeviceID    = dissect.NewFieldName("AnsweringDeviceID")
	fCSQID                = dissect.NewFieldName("CSQID")
	fDNIS                 = dissect.NewFieldName("DNIS")
	fDialedNumber         = dissect.NewFieldName("DialedNumber")
	fEventCause           = dissect.NewFieldName("EventCause")
	fEventReasonCode      = dissect.NewFieldName("EventReasonCode")
	fLocalConnectionState = dissect.NewFieldName("LocalConnectionState")
	fQueueDeviceID        = dissect.NewFieldName("QueueDeviceID")
	fSkillGroupNumber     = dissect.NewFieldName("SkillGroupNumber")
)
