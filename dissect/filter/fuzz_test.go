package filter

import (
	"errors"
	"testing"

	"github.com/ctishark/ctishark/dissect/record"
)

// FuzzCompile feeds arbitrary text to Compile: it must return a filter or a
// *SyntaxError with an in-range position, never panic, and a compiled filter
// must match both a message and a stream event without panicking.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		"cti.AgentState == AGENT_STATE_READY", `cti.AgentID contains "10"`, "cti.CSQID in {1..5 7}",
		"cti.ServicesRequested & CTI_SERVICE_SUPERVISOR", "!(cti.num > 3) || cti.dir == c2s",
		`cti.AgentID matches "^1[0-9]*$"`, "cti.src == 10.0.0.1:42027", "cti.response_time > 250ms",
		"cti.expert.severity >= warning", `cti.NamedVariable.value == "x\x41"`, "cti.data == 0a:0b",
		"cti.reserved ~= 0 ^^ cti.CSQID === 5", "cti.num not in {1 2}", "((cti.event))",
	} {
		f.Add(s)
	}
	msg := agentState(f)
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Compile(expr)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q: %T is not a *SyntaxError", expr, err)
			}
			if se.Pos < 0 || se.Pos > len(expr) {
				t.Fatalf("%q: Pos %d out of range", expr, se.Pos)
			}
			_ = se.Error()
			return
		}
		flt.Match(&Target{Msg: msg, Num: 1})
		flt.Match(&Target{Event: &record.Event{Kind: record.Gap}})
	})
}
