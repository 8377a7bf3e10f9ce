package diag

import (
	"encoding/json"
	"io"
)

// The JSON document of a report; dissect/diag/JSON.md describes it.
type jsonReport struct {
	Messages int            `json:"messages"`
	Rules    int            `json:"rules_checked"`
	Counts   map[string]int `json:"counts"`
	Findings []jsonFinding  `json:"findings"`
}

type jsonFinding struct {
	Code        string        `json:"code"`
	Severity    string        `json:"severity"`
	Area        string        `json:"area"`
	Summary     string        `json:"summary"`
	Explanation string        `json:"explanation"`
	Source      string        `json:"source"`
	Count       int           `json:"count"`
	Messages    []int         `json:"messages"`
	Streams     []int         `json:"streams"`
	Agents      []string      `json:"agents"`
	Calls       []uint32      `json:"calls"`
	Examples    []jsonExample `json:"examples"`
}

type jsonExample struct {
	Num    int    `json:"num"`
	Stream int    `json:"stream"`
	Detail string `json:"detail"`
}

// WriteJSON prints the report as one JSON document with stable keys.
func WriteJSON(w io.Writer, rp *Report, rules int) error {
	doc := jsonReport{Messages: rp.Messages, Rules: rules, Counts: map[string]int{"error": 0, "warning": 0, "note": 0}, Findings: []jsonFinding{}}
	for _, f := range rp.Findings() {
		ru := f.Rule
		doc.Counts[ru.Severity.String()]++
		jf := jsonFinding{Code: ru.Code, Severity: ru.Severity.String(), Area: string(ru.Area), Summary: ru.Summary,
			Explanation: ru.Explain, Source: ru.Source, Count: f.Count, Messages: []int{}, Streams: f.Streams,
			Agents: f.Agents, Calls: f.Calls, Examples: []jsonExample{}}
		if jf.Agents == nil {
			jf.Agents = []string{}
		}
		if jf.Calls == nil {
			jf.Calls = []uint32{}
		}
		for _, x := range f.Examples {
			jf.Messages = append(jf.Messages, x.Num)
			jf.Examples = append(jf.Examples, jsonExample(x))
		}
		doc.Findings = append(doc.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
