package render

import (
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/dissect/record/recordtest"
)

// benchRecords are a few call and agent records of the kind a capture is
// mostly made of: fixed enums, floating device IDs, a named variable.
func benchRecords(b testing.TB) []*record.Record {
	u := recordtest.U
	s := recordtest.S
	msgs := []*dissect.Message{
		recordtest.Build(b, "CALL_DELIVERED_EVENT", map[string]dissect.Value{"CallID": u(5), "ConnectionDeviceType": u(0), "AlertingDeviceType": u(1), "LocalConnectionState": u(2), "EventCause": u(22)},
			"ConnectionDeviceID", s("1001"), "AlertingDeviceID", s("1001"), "CallingDeviceID", s("5551234"), "CalledDeviceID", s("8005550100"), "ANI", s("5551234"), "NamedVariable", dissect.NamedVar("user.account", "42")),
		recordtest.Build(b, "CALL_ESTABLISHED_EVENT", map[string]dissect.Value{"CallID": u(5), "AnsweringDeviceType": u(1), "EventCause": u(22)},
			"ConnectionDeviceID", s("1001"), "AnsweringDeviceID", s("1001"), "CallingDeviceID", s("5551234"), "CalledDeviceID", s("8005550100")),
		recordtest.Build(b, "AGENT_STATE_EVENT", map[string]dissect.Value{"AgentState": u(3), "EventReasonCode": u(0), "StateDuration": u(12)},
			"AgentExtension", s("1001"), "AgentID", s("agent1001"), "Duration", u(30)),
		recordtest.Build(b, "OPEN_REQ", map[string]dissect.Value{"InvokeID": u(1), "VersionNumber": u(13), "ServicesRequested": u(0x05)},
			"ClientID", s("desk"), "ClientPassword", dissect.Bytes([]byte("hunter2")), "AgentID", s("1001")),
	}
	recs := make([]*record.Record, len(msgs))
	for i, m := range msgs {
		recs[i] = mkrec(m, i+1, time.Duration(i)*time.Millisecond)
	}
	return recs
}

// BenchmarkAppendJSON appends the records in the jsonl (compact) and the
// JSON (pretty) style.
func BenchmarkAppendJSON(b *testing.B) {
	recs := benchRecords(b)
	for _, c := range []struct {
		name string
		st   style
	}{{"compact", compactStyle}, {"pretty", prettyStyle}} {
		b.Run(c.name, func(b *testing.B) {
			var buf []byte
			memo := new(jsonMemo)
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range recs {
					buf = appendRecord(buf[:0], r, false, c.st, memo)
				}
			}
		})
	}
}
