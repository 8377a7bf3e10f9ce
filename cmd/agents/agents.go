// Package agents implements `ctishark agents`: each agent's state
// timeline and the time spent in each state.
package agents

import (
	"errors"
	"fmt"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/inputflags"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/report"
	"github.com/ctishark/ctishark/cmd/internal/view"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render/analyze"
	"github.com/spf13/cobra"
)

// AgentsOptions are the flags and arguments of `ctishark agents`.
type AgentsOptions struct {
	IO     *iostreams.IOStreams
	Input  inputflags.Options
	Files  []string
	Format string
	Agent  string // --agent: only this AgentID
	Max    int    // --max-agents: the agents itemised

	wholeDecode bool // tests: decode every field, as -Y does, to compare with the partial decode
}

// NewCmdAgents returns the agents command; runF replaces agentsRun in tests.
func NewCmdAgents(f *factory.Factory, runF func(*AgentsOptions) error) *cobra.Command {
	opts := &AgentsOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "agents [flags] FILE...",
		Short: "Agent state timelines and time per state",
		Long: `Agents follows AGENT_STATE_EVENT for every agent: each state with its
reason code, start and duration, and the total time per state. A change
reaches both the agent's own desktop and every bridge client; the agent's
own (agent mode) connection is followed when there is one. The last state
of each agent runs to the end of the capture (its last message) and is
marked open. Timelines are built from every state change of the capture;
-Y selects the changes shown and totalled.`,
		Example: `  ctishark agents capture.pcap
  ctishark agents --agent jcarter -T json capture.pcap`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if err := report.Validate(&opts.Input, args, opts.Format); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return agentsRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	report.AddFormatFlag(fl, &opts.Format)
	cmd.RegisterFlagCompletionFunc("format", view.Values("table", "json"))
	fl.StringVar(&opts.Agent, "agent", "", "only the agent with this `AgentID`")
	fl.IntVar(&opts.Max, "max-agents", analyze.MaxAgents, "itemise at most `N` agents; the state changes of later ones are counted")
	opts.Input.AddFlags(fl)
	return cmd
}

// reads is what the view reads of each message, for the pipeline to decode
// only that (report.RunMessagesOnly); nil decodes everything.
func (o *AgentsOptions) reads() report.Reads {
	if o.wholeDecode {
		return report.All
	}
	return report.Reads{Fields: analyze.AgentsReads, NoCalls: true} // agents name no call
}

func agentsRun(o *AgentsOptions) error {
	at := analyze.NewAgents()
	at.Select = o.Input.Match
	at.Max = o.Max
	return report.RunMessagesOnly(o.IO, &o.Input, o.Files, o.reads(), func(r *pipeline.Record) { at.Add(r) }, func(reassembly.Stats) error {
		return writeAgents(o, at)
	})
}

// writeAgents prints the agents (only --agent's, when given), one at a
// time.
func writeAgents(o *AgentsOptions, at *analyze.Agents) error {
	if n := at.Unlisted(); n > 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: %d state changes of agents past the first %d not listed (--max-agents raises the bound)\n", n, o.Max)
	}
	found := false
	list := func(f func(*analyze.Agent) error) error {
		return at.Each(func(a *analyze.Agent) error {
			if o.Agent != "" && a.AgentID != o.Agent {
				return nil
			}
			found = true
			return f(a)
		})
	}
	if o.Agent != "" {
		// Say so before printing anything when the agent is not there.
		if list(func(*analyze.Agent) error { return errFound }); !found {
			fmt.Fprintf(o.IO.ErrOut, "ctishark: no AGENT_STATE_EVENT for agent %q\n", o.Agent)
			return &factory.SilentError{Code: factory.ExitError}
		}
	}
	if o.Format == "json" {
		return analyze.WriteAgentsJSON(o.IO.Out, list)
	}
	return analyze.WriteAgentsTable(o.IO.Out, list)
}

// errFound stops the search for --agent's agent at the first match.
var errFound = errors.New("found")
