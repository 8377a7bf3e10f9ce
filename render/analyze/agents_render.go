package analyze

import (
	"fmt"
	"io"
	"strconv"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/render/termtext"
)

// WriteAgentsTable prints each agent's state timeline and totals.
func WriteAgentsTable(w io.Writer, agents []Agent) error {
	for i, a := range agents {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Agent %s (extension %s)", termtext.Escape(a.AgentID), termtext.Escape(dash(a.Extension)))
		if d := dialectText(a.UCCE, a.Version); d != "" {
			fmt.Fprintf(w, ", %s: %s", d, termtext.Escape(a.DialectWhy))
		}
		fmt.Fprintln(w)
		t := newTable(w)
		t.row("  START", "STATE", "REASON", "DURATION")
		for _, s := range a.States {
			d := dur(s.Duration)
			if s.Open {
				d += " (open: to capture end)"
			}
			t.row("  "+ts(s.Start), s.State, dash(s.Reason), d)
		}
		t.flush()
		fmt.Fprintln(w, "  Totals")
		t = newTable(w)
		t.row("    STATE", "SPANS", "DURATION")
		for _, s := range a.Totals {
			t.row("    "+s.State, strconv.Itoa(s.Spans), dur(s.Duration))
		}
		if err := t.flush(); err != nil {
			return err
		}
	}
	return nil
}

// WriteAgentsJSON prints the agents as one JSON array.
func WriteAgentsJSON(w io.Writer, agents []Agent) error {
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
	out := []agJ{}
	for _, a := range agents {
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
		out = append(out, j)
	}
	return writeJSON(w, out)
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
