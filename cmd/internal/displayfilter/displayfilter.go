// Package displayfilter gives every command the same -Y flag: a
// Wireshark-style display filter (see dissect/filter) compiled once and
// turned into the pipeline's record test.
package displayfilter

import (
	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/spf13/pflag"
)

// Usage is the flag's help text.
const Usage = "display `FILTER`: only messages matching it (Wireshark syntax, e.g. 'cti.msg_type == AGENT_STATE_EVENT && cti.AgentState == AGENT_STATE_READY'; `ctishark fields` lists the names)"

// AddFlag registers -Y/--display-filter.
func AddFlag(fl *pflag.FlagSet, expr *string) {
	fl.StringVarP(expr, "display-filter", "Y", "", Usage)
}

// Compile turns a -Y expression into a record test; "" gives nil (keep
// everything). A bad filter is a usage error whose text points at the
// offending position.
func Compile(expr string) (func(*pipeline.Record) bool, error) {
	if expr == "" {
		return nil, nil
	}
	f, err := filter.Compile(expr)
	if err != nil {
		return nil, factory.Usagef("-Y: " + err.Error())
	}
	return pipeline.Matcher(f), nil
}
