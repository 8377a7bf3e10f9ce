package root

import (
	"github.com/ctishark/ctishark/cmd/agents"
	"github.com/ctishark/ctishark/cmd/calls"
	"github.com/ctishark/ctishark/cmd/check"
	"github.com/ctishark/ctishark/cmd/doctor"
	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/fields"
	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/ladder"
	"github.com/ctishark/ctishark/cmd/read"
	"github.com/ctishark/ctishark/cmd/sniff"
	"github.com/ctishark/ctishark/cmd/stats"
	"github.com/ctishark/ctishark/cmd/wiresharkplugin"
	"github.com/spf13/cobra"
)

// subcommands lists the commands added to the root; one line per command.
func subcommands(f *factory.Factory) []*cobra.Command {
	return []*cobra.Command{
		read.NewCmdRead(f, nil),
		sniff.NewCmdSniff(f, nil),
		gen.NewCmdGen(f, nil),
		ladder.NewCmdLadder(f, nil),
		stats.NewCmdStats(f, nil),
		calls.NewCmdCalls(f, nil),
		agents.NewCmdAgents(f, nil),
		doctor.NewCmdDoctor(f, nil),
		check.NewCmdCheck(f, nil),
		fields.NewCmdFields(f, nil),
		wiresharkplugin.NewCmdWiresharkPlugin(f, nil),
	}
}
