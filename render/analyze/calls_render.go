package analyze

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/render/termtext"
)

// linkText renders a call's links: "→ 16777516 (transfer)" when the call
// went into another, "← 16777517 (transfer)" when another came into it.
func linkText(ls []Link) string {
	// A consult call later transferred or conferenced links the same pair
	// twice: one entry per pair, its kinds joined.
	var parts []string
	for i := 0; i < len(ls); {
		j := i + 1
		kinds := ls[i].Kind
		for ; j < len(ls) && ls[j].CallID == ls[i].CallID && ls[j].To == ls[i].To; j++ {
			kinds += ", " + ls[j].Kind
		}
		arrow := "←"
		if ls[i].To {
			arrow = "→"
		}
		parts = append(parts, fmt.Sprintf("%s %d (%s)", arrow, ls[i].CallID, kinds))
		i = j
	}
	return strings.Join(parts, ", ")
}

func endText(c *Call) string {
	if c.Cause != "" {
		return c.End + " " + c.Cause
	}
	return c.End
}

func csqText(c *Call) string {
	s := ""
	if c.CSQID != 0 {
		s = strconv.FormatUint(uint64(c.CSQID), 10)
	}
	if c.Queue != "" {
		if s != "" {
			s += " "
		}
		s += c.Queue
	}
	return s
}

func agentText(c *Call) string {
	switch {
	case c.AgentID != "" && c.Extension != "":
		return c.AgentID + " (" + c.Extension + ")"
	case c.Extension != "":
		return c.Extension
	}
	return c.AgentID
}

// WriteCallsTable prints one row per call shown; calls still active are
// measured to the capture end. Calls from several capture files get a
// FILE column: the same CallID in two files is two calls. Calls past the
// itemised bound are counted on a last line.
func WriteCallsTable(w io.Writer, c0 *Calls) error {
	end := c0.End()
	multi := c0.MultiFile()
	head := []string{"CALLID", "FIRST", "LAST", "ANI", "DNIS", "DIALED", "CSQ", "AGENT", "ANSWERED", "DURATION", "END", "LINKS"}
	if multi {
		head = append(head, "FILE")
	}
	err := writeAlignedRows(w, head, c0.rowSlots(), func() rower {
		var c Call
		cells := make([]string, 0, len(head))
		return func(seq int, emit func(...string)) bool {
			if !c0.row(seq, &c) {
				return false
			}
			cells = append(cells[:0], strconv.FormatUint(uint64(c.CallID), 10), ts(c.FirstSeen), ts(c.LastSeen), dash(c.ANI), dash(c.DNIS), dash(c.Dialed),
				dash(csqText(&c)), dash(agentText(&c)), ts(c.Answered), dur(c.Duration(end)), endText(&c), dash(linkText(c.Links)))
			if multi {
				cells = append(cells, dash(c.File))
			}
			emit(cells...)
			return true
		}
	})
	if err != nil {
		return err
	}
	if n := c0.Unlisted(); n > 0 {
		_, err = fmt.Fprintf(w, "… %d more calls not listed (at most %d are; --max-calls raises the bound, -Y selects calls)\n", n, c0.limit())
	}
	return err
}

// WriteCallTimeline prints the timeline's calls (the asked one first, then
// its linked legs and any later call reusing its CallID), then their
// messages in order, with the variables as they changed. With more than
// one call, a CALL column says which each message names.
func WriteCallTimeline(w io.Writer, calls []*Call, evs []CallEvent, c0 *Calls) error {
	for _, c := range calls {
		fmt.Fprintf(w, "Call %d: ANI %s, DNIS %s, agent %s, %s, %s", c.CallID, termtext.Escape(dash(c.ANI)), termtext.Escape(dash(c.DNIS)), termtext.Escape(dash(agentText(c))), termtext.Escape(endText(c)), dur(c.Duration(c0.End())))
		if c0.MultiFile() {
			fmt.Fprintf(w, ", %s", termtext.Escape(c.File))
		}
		if d := dialectText(c.UCCE, c.Version); d != "" {
			fmt.Fprintf(w, ", %s", d)
		}
		if l := linkText(c.Links); l != "" && len(calls) > 1 {
			fmt.Fprintf(w, ", %s", l)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	multi := len(calls) > 1
	t := newTable(w)
	head := []string{"NUM", "TIME", "STREAM", "MESSAGE", "STATE", "CAUSE", "PARTIES", "VARIABLES"}
	if multi {
		head = append([]string{"NUM", "CALL"}, head[1:]...)
	}
	t.row(head...)
	for _, e := range evs {
		var ps, vs []string
		for _, p := range e.Parties {
			ps = append(ps, p.Name+"="+p.Value)
		}
		for _, v := range e.Changed {
			vs = append(vs, v.Name+"="+v.Value)
		}
		cells := []string{strconv.Itoa(e.Num), ts(e.Time), strconv.Itoa(e.Stream) + " " + e.Mode, e.Type, dash(e.State), dash(e.Cause), dash(strings.Join(ps, " ")), dash(strings.Join(vs, " "))}
		if multi {
			cells = append([]string{cells[0], strconv.FormatUint(uint64(e.CallID), 10)}, cells[1:]...)
		}
		t.row(cells...)
	}
	return t.flush()
}

type callJ struct {
	CallID    uint32  `json:"call_id"`
	File      string  `json:"file"`
	First     string  `json:"first_seen"`
	Last      string  `json:"last_seen"`
	ANI       string  `json:"ani"`
	DNIS      string  `json:"dnis"`
	Dialed    string  `json:"dialed_number"`
	CSQID     uint32  `json:"csq_id"`
	Queue     string  `json:"queue"`
	AgentID   string  `json:"agent_id"`
	Extension string  `json:"extension"`
	Answered  string  `json:"answered"`
	Ended     string  `json:"ended"`
	Duration  int64   `json:"duration_us"`
	End       string  `json:"end"`
	Cause     string  `json:"cause"`
	Sessions  int     `json:"sessions"`
	Links     []linkJ `json:"links"`
	Vars      []varJ  `json:"variables"`
	Dialect   string  `json:"dialect,omitempty"` // "ucce" for UCCE calls only, as read's session.dialect
}

type linkJ struct {
	CallID    uint32 `json:"call_id"`
	Kind      string `json:"kind"`
	Direction string `json:"direction"` // "to" or "from"
}

type varJ struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func callJSON(c *Call, end int64) callJ {
	j := callJ{CallID: c.CallID, File: c.File, First: jsonTime(c.FirstSeen), Last: jsonTime(c.LastSeen), ANI: c.ANI, DNIS: c.DNIS,
		Dialed: c.Dialed, CSQID: c.CSQID, Queue: c.Queue, AgentID: c.AgentID, Extension: c.Extension,
		Answered: jsonTime(c.Answered), Ended: jsonTime(c.Ended), Duration: end, End: c.End, Cause: c.Cause,
		Sessions: c.Sessions, Links: []linkJ{}, Vars: varsJSON(c.Vars)}
	if c.UCCE {
		j.Dialect = dissect.DialectUCCE.String()
	}
	for _, l := range c.Links {
		d := "from"
		if l.To {
			d = "to"
		}
		j.Links = append(j.Links, linkJ{l.CallID, l.Kind, d})
	}
	return j
}

func varsJSON(vs []Var) []varJ {
	out := []varJ{}
	for _, v := range vs {
		out = append(out, varJ(v))
	}
	return out
}

// WriteCallsJSON prints the calls shown as one JSON array, one at a time.
func WriteCallsJSON(w io.Writer, c0 *Calls) error {
	return writeJSONArray(w, func(emit func(any) error) error {
		return c0.Each(func(c *Call) error { return emit(callJSON(c, c.Duration(c0.End()).Microseconds())) })
	})
}

// WriteCallTimelineJSON prints the asked call ("call"), the other calls
// of its timeline ("legs": linked consult/transfer/conference legs, later
// calls reusing its CallID) and the messages naming them.
func WriteCallTimelineJSON(w io.Writer, calls []*Call, evs []CallEvent, c0 *Calls) error {
	type evJ struct {
		Num     int    `json:"num"`
		CallID  uint32 `json:"call_id"`
		Time    string `json:"time"`
		Stream  int    `json:"stream"`
		Mode    string `json:"mode"`
		Type    string `json:"msg_type"`
		State   string `json:"state"`
		Cause   string `json:"cause"`
		Parties []varJ `json:"parties"`
		Changed []varJ `json:"variables_changed"`
	}
	doc := struct {
		Call   callJ   `json:"call"`
		Legs   []callJ `json:"legs"`
		Events []evJ   `json:"events"`
	}{Call: callJSON(calls[0], calls[0].Duration(c0.End()).Microseconds()), Legs: []callJ{}, Events: []evJ{}}
	for _, c := range calls[1:] {
		doc.Legs = append(doc.Legs, callJSON(c, c.Duration(c0.End()).Microseconds()))
	}
	for _, e := range evs {
		doc.Events = append(doc.Events, evJ{e.Num, e.CallID, jsonTime(e.Time), e.Stream, e.Mode, e.Type, e.State, e.Cause, varsJSON(e.Parties), varsJSON(e.Changed)})
	}
	return writeJSON(w, doc)
}

// WriteCallsCSV writes the calls as CSV for spreadsheets: a header of the
// JSON keys (render/JSON.md's calls document), one row per call, times in
// RFC 3339 UTC, the duration in seconds, links as "to:ID kind" joined
// with ";". Quoting is CSV's, so wire text needs no other escaping.
func WriteCallsCSV(w io.Writer, c0 *Calls) error {
	end := c0.End()
	cw := csv.NewWriter(w)
	cw.Write([]string{"call_id", "file", "first_seen", "last_seen", "ani", "dnis", "dialed_number", "csq_id", "queue", "agent_id", "extension", "answered", "ended", "duration_s", "end", "cause", "sessions", "links"})
	c0.Each(func(c *Call) error {
		j := callJSON(c, c.Duration(end).Microseconds())
		var links []string
		for _, l := range j.Links {
			links = append(links, l.Direction+":"+strconv.FormatUint(uint64(l.CallID), 10)+" "+l.Kind)
		}
		cw.Write([]string{strconv.FormatUint(uint64(j.CallID), 10), j.File, j.First, j.Last, j.ANI, j.DNIS, j.Dialed,
			strconv.FormatUint(uint64(j.CSQID), 10), j.Queue, j.AgentID, j.Extension, j.Answered, j.Ended,
			strconv.FormatFloat(float64(j.Duration)/1e6, 'f', 6, 64), j.End, j.Cause, strconv.Itoa(j.Sessions), strings.Join(links, ";")})
		return cw.Error()
	})
	cw.Flush()
	return cw.Error()
}
