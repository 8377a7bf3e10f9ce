package analyze

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/ctishark/ctishark/dissect"
)

// WriteStatsTable prints the report as titled sections of aligned columns.
// The sections write cell by cell: through a buffer, the report is a few
// writes, not one per cell (10,391 for 300 sessions).
func WriteStatsTable(w io.Writer, r *StatsReport) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := writeStatsTable(bw, r); err != nil {
		return err
	}
	return bw.Flush()
}

func writeStatsTable(w io.Writer, r *StatsReport) error {
	fmt.Fprintf(w, "Capture: %d messages, %s to %s (%s)\n\n", r.Messages, ts(r.First), ts(r.Last), dur(r.Last.Sub(r.First)))

	section(w, "Messages by type and direction", []string{"TYPE", "DIRECTION", "COUNT"}, r.Types, func(c TypeCount) []string {
		return []string{c.Type, c.Direction, strconv.Itoa(c.Count)}
	})

	fmt.Fprintf(w, "\nResponse times (ms) by request type; %s\n", r.Quantiles)
	t := newTable(w)
	t.row("  REQUEST", "SENT", "ANSWERED", "FAILED", "UNANSWERED", "MIN", "MEAN", "P50", "P95", "MAX")
	for _, q := range r.Requests {
		lat := []string{"-", "-", "-", "-", "-"}
		if q.Answered > 0 {
			lat = []string{ms(q.Min), ms(q.Mean), ms(q.P50), ms(q.P95), ms(q.Max)}
		}
		t.row(append([]string{"  " + q.Type, strconv.Itoa(q.Sent), strconv.Itoa(q.Answered), strconv.Itoa(q.Failed), strconv.Itoa(q.Unanswered)}, lat...)...)
	}
	t.flush()

	if len(r.Failures) > 0 {
		section(w, "\nFailures by status", []string{"MESSAGE", "STATUS", "COUNT"}, r.Failures, func(f FailureCount) []string {
			return []string{f.Type, f.Code, strconv.Itoa(f.Count)}
		})
	}

	fmt.Fprintln(w, "\nSessions")
	t = newTable(w)
	// The DIALECT column appears when a session speaks UCCE: UCCX is the
	// analyzer's default, and captures of it keep their table. Why each
	// was chosen is in the session notes (cti.dialect.detected) and JSON.
	ucce := hasUCCE(r.Sessions)
	head := []string{"  STREAM", "CLIENT", "SERVER", "VERSION", "MODE", "CLIENT ID", "GRANTED", "IDLE TIMEOUT", "HEARTBEAT", "MAX CLIENT GAP", "IDLE VIOLATIONS", "MESSAGES"}
	if ucce {
		head = slices.Insert(head, 4, "DIALECT")
	}
	t.row(head...)
	for _, s := range r.Sessions {
		idle, hb := "-", "-"
		if s.IdleTimeout > 0 {
			idle = dur(s.IdleTimeout)
		}
		if s.HeartbeatInterval > 0 {
			hb = fmt.Sprintf("%s (%d)", dur(s.HeartbeatInterval), s.Heartbeats)
		}
		row := []string{"  " + strconv.Itoa(s.Stream), s.Client.String(), s.Server.String(), strconv.Itoa(s.Version), s.Mode,
			dash(s.ClientID), dash(s.ServicesGranted), idle, hb, dur(s.MaxClientGap), strconv.Itoa(s.IdleViolations), strconv.Itoa(s.Messages)}
		if ucce {
			d := "-"
			if s.Dialect != dissect.DialectUnknown {
				d = s.Dialect.Upper()
			}
			row = slices.Insert(row, 4, d)
		}
		t.row(row...)
	}
	t.flush()
	if r.UnlistedSessions > 0 {
		fmt.Fprintf(w, "  … %d more sessions with %d messages not listed (at most %d are; -Y 'cti.stream == N' selects one)\n",
			r.UnlistedSessions, r.UnlistedMessages, MaxSessions)
	}
	var notes []sessionNote
	for _, s := range r.Sessions {
		for _, n := range s.Notes {
			notes = append(notes, sessionNote{s.Stream, n})
		}
	}
	if len(notes) > 0 {
		section(w, "\nSession notes", []string{"STREAM", "CODE", "NOTE"}, notes, func(n sessionNote) []string {
			return []string{strconv.Itoa(n.stream), n.Code, n.Text}
		})
	}

	if len(r.Expert) > 0 {
		section(w, "\nExpert items", []string{"CODE", "SEVERITY", "COUNT"}, r.Expert, func(e ExpertCount) []string {
			return []string{e.Code, e.Severity, strconv.Itoa(e.Count)}
		})
	}
	if len(r.Events) > 0 {
		return section(w, "\nStream events", []string{"KIND", "COUNT", "BYTES"}, r.Events, func(e EventCount) []string {
			return []string{e.Kind, strconv.Itoa(e.Count), strconv.FormatInt(e.Bytes, 10)}
		})
	}
	return nil
}

// section prints a title line and a table of items under header, every
// row indented by two spaces.
func section[T any](w io.Writer, title string, header []string, items []T, cells func(T) []string) error {
	fmt.Fprintln(w, title)
	t := newTable(w)
	indent := func(c []string) []string {
		c[0] = "  " + c[0]
		return c
	}
	t.row(indent(append([]string(nil), header...))...)
	for _, it := range items {
		t.row(indent(cells(it))...)
	}
	return t.flush()
}

// WriteStatsJSON prints the report as one JSON document with stable keys;
// durations are integer microseconds (keys ending in _us).
func WriteStatsJSON(w io.Writer, r *StatsReport) error {
	type typeJ struct {
		Type      string `json:"type"`
		Direction string `json:"direction"`
		Count     int    `json:"count"`
	}
	type reqJ struct {
		Type       string `json:"type"`
		Sent       int    `json:"sent"`
		Answered   int    `json:"answered"`
		Failed     int    `json:"failed"`
		Unanswered int    `json:"unanswered"`
		Min        int64  `json:"min_us"`
		Mean       int64  `json:"mean_us"`
		P50        int64  `json:"p50_us"`
		P95        int64  `json:"p95_us"`
		Max        int64  `json:"max_us"`
	}
	type failJ struct {
		Type  string `json:"type"`
		Code  string `json:"status"`
		Count int    `json:"count"`
	}
	type noteJ struct {
		Code string `json:"code"`
		Text string `json:"text"`
	}
	type sessJ struct {
		Stream            int     `json:"stream"`
		Client            string  `json:"client"`
		Server            string  `json:"server"`
		Version           int     `json:"version"`
		Mode              string  `json:"mode"`
		ClientID          string  `json:"client_id"`
		ServicesRequested string  `json:"services_requested"`
		ServicesGranted   string  `json:"services_granted"`
		IdleTimeout       int64   `json:"idle_timeout_us"`
		Heartbeats        int     `json:"heartbeats"`
		HeartbeatInterval int64   `json:"heartbeat_interval_us"`
		MaxClientGap      int64   `json:"max_client_gap_us"`
		IdleViolations    int     `json:"idle_violations"`
		Messages          int     `json:"messages"`
		First             string  `json:"first"`
		Last              string  `json:"last"`
		Notes             []noteJ `json:"notes"`
		// Only for UCCE sessions, as read's session.dialect.
		Dialect    string `json:"dialect,omitempty"`
		DialectWhy string `json:"dialect_why,omitempty"`
	}
	type expJ struct {
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Count    int    `json:"count"`
	}
	type evJ struct {
		Kind  string `json:"kind"`
		Count int    `json:"count"`
		Bytes int64  `json:"bytes"`
	}
	doc := struct {
		Messages  int     `json:"messages"`
		First     string  `json:"first"`
		Last      string  `json:"last"`
		Quantiles string  `json:"quantiles"`
		Types     []typeJ `json:"message_types"`
		Requests  []reqJ  `json:"requests"`
		Failures  []failJ `json:"failures"`
		Sessions  []sessJ `json:"sessions"`
		// Only when sessions past the itemised bound exist.
		UnlistedSessions int    `json:"unlisted_sessions,omitempty"`
		UnlistedMessages int    `json:"unlisted_session_messages,omitempty"`
		Expert           []expJ `json:"expert"`
		Events           []evJ  `json:"stream_events"`
	}{Messages: r.Messages, First: jsonTime(r.First), Last: jsonTime(r.Last), Quantiles: r.Quantiles,
		UnlistedSessions: r.UnlistedSessions, UnlistedMessages: r.UnlistedMessages,
		Types: []typeJ{}, Requests: []reqJ{}, Failures: []failJ{}, Sessions: []sessJ{}, Expert: []expJ{}, Events: []evJ{}}
	for _, c := range r.Types {
		doc.Types = append(doc.Types, typeJ(c))
	}
	for _, q := range r.Requests {
		doc.Requests = append(doc.Requests, reqJ{q.Type, q.Sent, q.Answered, q.Failed, q.Unanswered,
			q.Min.Microseconds(), q.Mean.Microseconds(), q.P50.Microseconds(), q.P95.Microseconds(), q.Max.Microseconds()})
	}
	for _, f := range r.Failures {
		doc.Failures = append(doc.Failures, failJ(f))
	}
	for _, s := range r.Sessions {
		doc.Sessions = append(doc.Sessions, sessJ{s.Stream, s.Client.String(), s.Server.String(), s.Version, s.Mode, s.ClientID,
			s.ServicesRequested, s.ServicesGranted, s.IdleTimeout.Microseconds(), s.Heartbeats, s.HeartbeatInterval.Microseconds(),
			s.MaxClientGap.Microseconds(), s.IdleViolations, s.Messages, jsonTime(s.First), jsonTime(s.Last), []noteJ{}, "", ""})
		if s.Dialect == dissect.DialectUCCE {
			last := &doc.Sessions[len(doc.Sessions)-1]
			last.Dialect, last.DialectWhy = s.Dialect.String(), s.DialectWhy
		}
		for _, n := range s.Notes {
			last := &doc.Sessions[len(doc.Sessions)-1]
			last.Notes = append(last.Notes, noteJ{n.Code, n.Text})
		}
	}
	for _, e := range r.Expert {
		doc.Expert = append(doc.Expert, expJ(e))
	}
	for _, e := range r.Events {
		doc.Events = append(doc.Events, evJ(e))
	}
	return writeJSON(w, doc)
}

// hasUCCE reports whether any session speaks UCCE.
func hasUCCE(ss []SessionStats) bool {
	for i := range ss {
		if ss[i].Dialect == dissect.DialectUCCE {
			return true
		}
	}
	return false
}

// sessionNote is one row of the session notes section.
type sessionNote struct {
	stream int
	dissect.Note
}
