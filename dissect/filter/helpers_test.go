package filter

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// field is one field to put in a test message: fixed when fixed is true.
type field struct {
	name  string
	v     dissect.Value
	fixed bool
}

// decoded builds a message, encodes it and decodes the bytes back, so
// filters run on real decoder output (children, expert items, Defs).
func decoded(t testing.TB, version int, msg string, fields ...field) *dissect.Message {
	t.Helper()
	def := dissect.LookupName(msg)
	if def == nil {
		t.Fatalf("no message %s", msg)
	}
	m := dissect.NewMessage(def)
	for _, f := range fields {
		var err error
		if f.fixed {
			err = m.SetFixed(f.name, f.v)
		} else {
			err = m.Add(f.name, f.v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	return dissect.Decode(frame, dissect.Context{Version: version, Layout: dissect.Layout11})
}

func fx(name string, v dissect.Value) field { return field{name, v, true} }
func fl(name string, v dissect.Value) field { return field{name, v, false} }

func u16(n uint64) dissect.Value { return dissect.Uint(dissect.TypeUSHORT, n) }
func u32(n uint64) dissect.Value { return dissect.Uint(dissect.TypeUINT, n) }

// agentState is an AGENT_STATE_EVENT with CSQID three times: fixed 10,
// floating 5 and 7.
func agentState(t testing.TB) *dissect.Message {
	return decoded(t, 13, "AGENT_STATE_EVENT",
		fx("AgentState", u16(3)), fx("EventReasonCode", u16(32760)), fx("CSQID", u32(10)), fx("StateDuration", u32(120)), fx("numCSQs", u16(2)),
		fl("AgentExtension", dissect.Str("5001")), fl("AgentID", dissect.Str("1001")),
		fl("CSQID", u32(5)), fl("CSQID", u32(7)))
}

func mustCompile(t testing.TB, expr string) *Filter {
	t.Helper()
	f, err := Compile(expr)
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	return f
}

type matchCase struct {
	expr string
	want bool
}

func checkMatches(t *testing.T, tg *Target, cases []matchCase) {
	t.Helper()
	for _, c := range cases {
		f, err := Compile(c.expr)
		if err != nil {
			t.Errorf("Compile(%q): %v", c.expr, err)
			continue
		}
		if got := f.Match(tg); got != c.want {
			t.Errorf("%s: got %v, want %v", c.expr, got, c.want)
		}
	}
}
