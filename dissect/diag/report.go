package diag

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// Prefix starts every code of the rule table.
const Prefix = "cti.diag."

// maxExamples bounds what a finding keeps of its messages, sessions,
// agents and calls: the first few, as the report shows them.
const maxExamples = 5

// Finding is every occurrence of one rule in a capture.
type Finding struct {
	Rule     *Rule
	Count    int
	Examples []Example // the first occurrences
	Streams  []int     // distinct connections concerned, first seen first
	Agents   []string
	Calls    []uint32
}

// Example is one occurrence: the message and what the rule said of it.
type Example struct {
	Num    int
	Stream int
	Detail string
}

// Report gathers the findings the engine attached to records.
type Report struct {
	Select   func(*record.Record) bool // the -Y filter; nil keeps every record
	Messages int                       // messages examined (kept by Select)
	by       map[string]*Finding
}

// NewReport returns an empty report.
func NewReport() *Report { return &Report{by: map[string]*Finding{}} }

// Add takes the findings of one record.
func (rp *Report) Add(r *record.Record) {
	if r.Msg == nil || rp.Select != nil && !rp.Select(r) {
		return
	}
	rp.Messages++
	for _, x := range r.Msg.Expert {
		if !strings.HasPrefix(x.Code, Prefix) {
			continue
		}
		f := rp.by[x.Code]
		if f == nil {
			ru := Lookup(x.Code)
			if ru == nil {
				continue
			}
			f = &Finding{Rule: ru}
			rp.by[x.Code] = f
		}
		f.add(r, x)
	}
}

func (f *Finding) add(r *record.Record, x dissect.Expert) {
	f.Count++
	if len(f.Examples) < maxExamples {
		d, _ := strings.CutPrefix(x.Message, f.Rule.Summary+": ")
		f.Examples = append(f.Examples, Example{Num: r.Num, Stream: r.Frame.Stream, Detail: d})
	}
	f.Streams = addDistinct(f.Streams, r.Frame.Stream)
	if a := r.Agent(); a != "" {
		f.Agents = addDistinct(f.Agents, a)
	}
	if len(r.Calls) > 0 {
		f.Calls = addDistinct(f.Calls, r.Calls[0].CallID)
	}
}

func addDistinct[T comparable](s []T, v T) []T {
	if len(s) >= maxExamples || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Findings are the report's findings ranked: errors, then warnings, then
// notes; within a severity the most frequent first, then by code.
func (rp *Report) Findings() []*Finding {
	out := make([]*Finding, 0, len(rp.by))
	for _, f := range rp.by {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b *Finding) int {
		if c := cmp.Compare(b.Rule.Severity, a.Rule.Severity); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Rule.Code, b.Rule.Code)
	})
	return out
}

// Worst is the highest severity found (0 when nothing was found).
func (rp *Report) Worst() dissect.Severity {
	var w dissect.Severity
	for _, f := range rp.by {
		w = max(w, f.Rule.Severity)
	}
	return w
}
