package filter

import (
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

func TestSmoke(t *testing.T) {
	m := dissect.NewMessage(dissect.LookupName("AGENT_STATE_EVENT"))
	if err := m.SetFixed("AgentState", dissect.Uint(dissect.TypeUSHORT, 3)); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("AgentID", dissect.Str("1001")); err != nil {
		t.Fatal(err)
	}
	frame, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	dm := dissect.Decode(frame, dissect.Context{Version: 13, Layout: dissect.Layout11})
	for _, e := range []string{"cti.AgentState == AGENT_STATE_READY", "cti.AgentID == \"1001\"", "cti.msg_type == AGENT_STATE_EVENT", "cti.AgentState in {1..3}"} {
		f, err := Compile(e)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Match(&Target{Msg: dm}) {
			t.Errorf("%s: no match", e)
		}
	}
	_, err = Compile("cti.AgentSate == 3")
	t.Log(err)
}
