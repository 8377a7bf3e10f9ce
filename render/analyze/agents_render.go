package analyze

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/render/termtext"
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
		fmt.Fprintf(w, "Agent %s (extension %s)", termtext.Escape(a.AgentID), termtext.Escape(dash(a.Extension)))
		if d := dialectText(a.UCCE, a.Version); d != "" {
			fmt.Fprintf(w, ", %s: %s", d, termtext.Escape(a.DialectWhy))
		}
		fmt.Fprintln(w)
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
		// UCCE agents only, as read's session.dialect.
		Dialect    string `json:"dialect,omitempty"`
		DialectWhy string `json:"dialect_why,omitempty"`
	}
	return writeJSONArray(w, func(emit func(any) error) error {
		return agents(func(a *Agent) error {
			j := agJ{AgentID: a.AgentID, Extension: a.Extension, States: []spanJ{}, Totals: []totJ{}}
			if a.UCCE {
				j.Dialect, j.DialectWhy = dissect.DialectUCCE.String(), a.DialectWhy
			}
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

// dialectText names a UCCE session's dialect and version for the views'
// headings ("UCCE v20"); "" for UCCX, the analyzer's default.
func dialectText(ucce bool, version int) string {
	switch {
	case !ucce:
		return ""
	case version > 0:
		return "UCCE v" + strconv.Itoa(version)
	}
	return "UCCE"
}
