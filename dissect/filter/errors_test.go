package filter

import (
	"errors"
	"strings"
	"testing"
)

func TestSyntaxErrorPositions(t *testing.T) {
	cases := []struct {
		expr string
		pos  int
		msg  string // part of the message
	}{
		{"", 0, "empty filter"},
		{"cti.AgentSate == 3", 0, "did you mean cti.AgentState?"},
		{"AgentID == 1001", 0, "did you mean cti.AgentID?"},
		{"cti.AgentState == AGENT_STATE_REDY", 18, "did you mean AGENT_STATE_READY?"},
		{"cti.AgentState == AGENT_LOGIN_MASK", 18, "not a value of cti.AgentState"},
		{"cti.ServicesRequested & CTI_SERVICE_NOPE", 24, "not a value of cti.ServicesRequested"},
		{`cti.AgentState contains "x"`, 15, "contains works on text"},
		{`cti.AgentState > "abc"`, 17, "not a value of cti.AgentState"},
		{`cti.num > abc`, 10, "is a number"},
		{"cti.AgentID & 4", 12, "& tests bits"},
		{"(cti.AgentState == 3", 0, "missing )"},
		{"cti.AgentState == 3)", 19, "unbalanced )"},
		{"cti.AgentState == 3 cti.AgentID", 20, "expected && or ||"},
		{`cti.AgentID matches "("`, 20, "bad regular expression"},
		{"cti.AgentID = 3", 12, `use "=="`},
		{`cti.AgentID == "abc`, 15, "not terminated"},
		{`cti.AgentID == "a\qb"`, 17, `unknown escape \q`},
		{"cti.src == 10.0.0.300", 11, "takes an address"},
		{"cti.src < 10.0.0.1", 8, "needs numbers or text"},
		{"cti.dir == up", 11, "client->server"},
		{"cti.dir == client->server", 11, "client->server"},
		{"cti.msg_type > 3", 13, "cti.msg_type_id"},
		{"cti.msg_type == AGENT_STATE_EVNT", 16, "did you mean AGENT_STATE_EVENT?"},
		{"cti.msg_type_id == NOT_A_MESSAGE", 19, "unknown message type"},
		{"cti.AgentID == 1 &&", 19, "expected a field name, got end of filter"},
		{"cti.AgentID == 1 && || cti.num", 20, "expected a field name"},
		{"cti.AgentID contains", 20, "expected a value after contains"},
		{"cti.num in {1 2", 11, "missing }"},
		{"cti.num in 1", 11, "expected {"},
		{"cti.num in {}", 11, "empty set"},
		{"cti.AgentID in {1..5}", 16, "ranges need a number field"},
		{"cti.num in {1..x}", 15, "is a number"},
		{"cti.AgentState == cti.CSQID", 18, "comparing two fields"},
		{"cti.num @ 3", 8, "unexpected character '@'"},
		{"cti.time_relative > soon", 20, "time in seconds"},
		{"cti.expert.severity == fatal", 23, "note, warning or error"},
		{"cti.AgentConfigKey == zz", 22, "hex"},
		{"cti.unanswered == maybe", 18, "is a number"},
		{"== 3", 0, "expected a field name"},
		{"cti.num == and", 11, "expected a value"},
		{"not", 3, "expected a field name"},
		{"cti.msg_type_id == CONFIG_TERMINAL_EVENT", 19, "no known type ID"},
		{"cti.AgentID == cti.length", 15, "comparing two fields"},
	}
	for _, c := range cases {
		_, err := Compile(c.expr)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", c.expr, err)
			continue
		}
		if se.Pos != c.pos || !strings.Contains(se.Msg, c.msg) || se.Expr != c.expr {
			t.Errorf("%q: Pos %d Msg %q; want Pos %d and a message containing %q", c.expr, se.Pos, se.Msg, c.pos, c.msg)
		}
	}
}

func TestSyntaxErrorCaret(t *testing.T) {
	_, err := Compile("cti.num == 1 && cti.AgentSate == 3")
	want := "unknown field \"cti.AgentSate\" (did you mean cti.AgentState?)\n" +
		"  cti.num == 1 && cti.AgentSate == 3\n" +
		"  " + strings.Repeat(" ", len("cti.num == 1 && ")) + "^"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

func TestNestingBound(t *testing.T) {
	deep := strings.Repeat("(", 10000) + "cti.num" + strings.Repeat(")", 10000)
	if _, err := Compile(deep); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep nesting: %v", err)
	}
	bangs := strings.Repeat("!", 10000) + "cti.num"
	if _, err := Compile(bangs); err == nil {
		t.Error("deep negation compiled")
	}
	ok := strings.Repeat("(", 50) + "cti.num" + strings.Repeat(")", 50)
	mustCompile(t, ok)
}

// Generic Wireshark names either mean their cti. field or are refused
// with the cti. names to use.
func TestGenericNames(t *testing.T) {
	for alias, want := range map[string]string{"frame.number": "cti.frame", "tcp.stream": "cti.stream", "tcp.port": "cti.port", "ip.addr": "cti.addr", "ip.src": "cti.src", "frame.time_relative": "cti.time_relative", "cti.num": "cti.num"} {
		if got := Canonical(alias); got != want {
			t.Errorf("Canonical(%s) = %s, want %s", alias, got, want)
		}
		if _, err := Compile(alias + " == 1" + map[bool]string{true: "0.0.0.1", false: ""}[strings.HasPrefix(alias, "ip.")]); err != nil {
			t.Errorf("%s: %v", alias, err)
		}
	}
	_, err := Compile("frame.len > 3")
	if err == nil || !strings.Contains(err.Error(), "use cti. fields such as cti.frame") {
		t.Errorf("frame.len: %v", err)
	}
}
