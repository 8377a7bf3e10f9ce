package analyze

import (
	"bufio"
	"github.com/ctishark/ctishark/render/termtext"

	"fmt"
	"io"
	"strconv"
)

// AgentList hands each agent to f in turn, stopping at f's first error
// (Agents.Each, filtered as the command asks).
type AgentList func(f func(*Agent) error) error

// WriteAgentsTable prints each agent's state timeline and totals, one
// agent at a time.
func WriteAgentsTable(out io.Writer, agents AgentList) error {
	w := bufio.NewWriterSize(out, 64<<10)
	i := 0
	err := agents(func(a *Agent) error {
		if i > 0 {
			fmt.Fprintln(w)
		}
		i++
		fmt.Fprintf(w, "Agent %s (extension %s)\n", termtext.Escape(a.AgentID), termtext.Escape(dash(a.Extension)))
		writeAligned(w, func(emit func(...string)) error {
			emit("  START", "STATE", "REASON", "DURATION")
			for _, s := range a.States {
				d := dur(s.Duration)
				if s.Open {
					d += " (open: to capture end)"
				}
				emit("  "+ts(s.Start), s.State, dash(s.Reason), d)
			}
			return nil
		})
		fmt.Fprintln(w, "  Totals")
		t := newTable(w)
		t.row("    STATE", "SPANS", "DURATION")
		for _, s := range a.Totals {
			t.row("    "+s.State, strconv.Itoa(s.Spans), dur(s.Duration))
		}
		return t.flush()
	})
	if err != nil {
		return err
	}
	return w.Flush()
}

// WriteAgentsJSON prints the agents as one JSON array, one at a time.
func WriteAgentsJSON(w io.Writer, agents AgentList) error {
	type spanJ struct {
		State    string `json:"state"`
		Reason   string `json:"reason"`
		Start    string `json:"start"`
		Duration int64  `json:"duration_us"`
		Open     bool   `json:"open"`
	}
	type totJ struct {
		State    string `json:"state"`
		Spans    int    `json:"spans"`
		Duration int64  `json:"duration_us"`
	}
	type agJ struct {
		AgentID   string  `json:"agent_id"`
		Extension string  `json:"extension"`
		States    []spanJ `json:"states"`
		Totals    []totJ  `json:"totals"`
	}
	return writeJSONArray(w, func(emit func(any) error) error {
		return agents(func(a *Agent) error {
			j := agJ{AgentID: a.AgentID, Extension: a.Extension, States: []spanJ{}, Totals: []totJ{}}
			for _, s := range a.States {
				j.States = append(j.States, spanJ{s.State, s.Reason, jsonTime(s.Start), s.Duration.Microseconds(), s.Open})
			}
			for _, s := range a.Totals {
				j.Totals = append(j.Totals, totJ{s.State, s.Spans, s.Duration.Microseconds()})
			}
			return emit(j)
		})
	})
}
