package read

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// TestPartialDecodeShowsTheSame holds the views that decode only
// what they show without -Y (-T fields its columns, record.FieldsRead,
// and Info's fields with a cti.info column; the table Info's fields,
// record.InfoReads; every expert item with expert columns and in the
// table) to the output of a whole decode: the same view with a filter
// every record passes, which decodes whole. The columns take children
// (.name, .primary), repeated fields, secrets, unknown tags and header
// fields; the scrambled capture has expert items on fields left out.
func TestPartialDecodeShowsTheSame(t *testing.T) {
	columns := [][]string{
		{"-e", "cti.num", "-e", "cti.msg_type", "-e", "cti.InvokeID", "-e", "cti.AgentID", "-e", "cti.CallID"},
		{"-e", "cti.NamedVariable", "-e", "cti.NamedVariable.name", "-e", "cti.NamedArray.value", "-e", "cti.ConnectionDeviceID.primary",
			"-e", "cti.ServicesGranted", "-e", "cti.CSQs.CSQID", "-e", "cti.AgentPassword", "-e", "cti.CallVariable1",
			"-e", "cti.unknown_tag", "-e", "cti.length", "-E", "occurrence=f"},
		{"-E", "header=y", "-e", "cti.ANI", "-e", "cti.DNIS", "-e", "cti.AgentState", "-e", "cti.response_time", "--show-secrets", "-e", "cti.ClientPassword"},
		{"-e", "cti.num", "-e", "cti.info", "-e", "cti.AgentID"},
		{"-e", "cti.expert", "-e", "cti.expert.severity", "-e", "cti.CallID"},
	}
	views := [][]string{{}, {"--show-secrets"}, {"-t", "ad"}}
	for _, cols := range columns {
		views = append(views, append([]string{"-T", "fields"}, cols...))
	}
	for _, path := range append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3)) {
		for _, args := range views {
			part, partErr, err1 := testutil.Exec(t, NewCmdRead, append(args, path)...)
			whole, wholeErr, err2 := testutil.Exec(t, NewCmdRead, append(args, "-Y", "cti.stream >= 0", path)...)
			if part != whole || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
				t.Fatalf("read %v %s: partial decode differs from whole:\n%.2000s\n%s\nwhole:\n%.2000s\n%s", args, path, part, partErr, whole, wholeErr)
			}
			if strings.Count(part, "\n") < 100 {
				t.Fatalf("read %v %s: %d lines", args, path, strings.Count(part, "\n"))
			}
		}
	}
}

// TestTypeFilterDecodesTheSame: a -Y that tests only the message type
// decodes the messages of other types with only what the pipeline and
// the rules read (pipeline.FilterReads); every view shows the same bytes
// as with a filter that makes the messages decode whole (the same test
// and a field's).
func TestTypeFilterDecodesTheSame(t *testing.T) {
	filters := []string{
		"cti.msg_type == AGENT_STATE_EVENT",
		"cti.msg_type != HEARTBEAT_REQ",
		`cti.msg_type contains "CALL"`,
		"cti.msg_type == 39",
		"!(cti.msg_type in {CALL_DELIVERED_EVENT BEGIN_CALL_EVENT OPEN_REQ})",
	}
	views := [][]string{{"-T", "jsonl"}, {}, {"-V"}, {"-T", "fields", "-e", "cti.num", "-e", "cti.info", "-e", "cti.expert", "-e", "cti.response_time"}}
	for _, path := range append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3)) {
		lines := 0
		for _, y := range filters {
			for _, args := range views {
				part, partErr, err1 := testutil.Exec(t, NewCmdRead, append(args, "-Y", y, path)...)
				whole, wholeErr, err2 := testutil.Exec(t, NewCmdRead, append(args, "-Y", "("+y+") && cti.stream >= 0", path)...)
				if part != whole || partErr != wholeErr || (err1 == nil) != (err2 == nil) {
					t.Fatalf("read -Y %q %v %s: differs from the whole decode:\n%.2000s\n%s\nwhole:\n%.2000s\n%s", y, args, path, part, partErr, whole, wholeErr)
				}
				lines += strings.Count(part, "\n")
			}
		}
		if lines < 500 {
			t.Fatalf("%s: only %d lines in all", path, lines)
		}
	}
}
