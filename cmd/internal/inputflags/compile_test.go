package inputflags

import (
	"errors"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

func TestCompileFilter(t *testing.T) {
	if f, err := CompileFilter(""); f != nil || err != nil {
		t.Fatalf("empty filter: %v %v", f != nil, err)
	}
	_, err := CompileFilter("cti.AgentState == ")
	var ue *factory.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "^") {
		t.Fatalf("bad filter: %v (want a usage error with a caret)", err)
	}
	keep, err := CompileFilter("cti.msg_type == HEARTBEAT_REQ && cti.response_time > 0.5")
	if err != nil {
		t.Fatal(err)
	}
	m := dissect.NewMessage(dissect.LookupName("HEARTBEAT_REQ"))
	b, err := dissect.Encode(m, dissect.Layout11)
	if err != nil {
		t.Fatal(err)
	}
	r := &pipeline.Record{Num: 1, Msg: dissect.Decode(b, dissect.Context{Version: 13, Layout: dissect.Layout11})}
	if keep(r) {
		t.Error("an unanswered heartbeat matched a response-time test")
	}
	r.Response = &record.Response{Num: 2, Latency: 600e6}
	if !keep(r) {
		t.Error("a heartbeat answered in 0.6 s did not match")
	}
}
