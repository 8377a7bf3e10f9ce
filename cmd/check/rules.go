package check

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// A rules file is a YAML mapping with a `rules` list (a bare list works
// too). Each rule holds exactly one assertion key, plus an optional name
// and an optional filter that scopes it:
//
//	rules:
//	  - name: heartbeats answered
//	    filter: cti.msg_type == "HEARTBEAT_REQ"
//	    answered_within: 100ms
//	  - count: {filter: 'cti.msg_type == "AGENT_STATE_EVENT"', op: ">=", value: 3}
//	  - no_failures: {allow: [CF_INVALID_CSTA_CONNECTION_ID]}
//	  - no_expert: error
//	  - sequence: {per: call, steps: [CALL_DELIVERED_EVENT, CALL_ESTABLISHED_EVENT, CALL_CLEARED_EVENT]}
//	  - golden: expected.jsonl
//	    ignore: [time, cti.InvokeID]

// ruleSpec is a rule as read from the file, before its filters compile.
type ruleSpec struct {
	Line   int
	Name   string
	Filter string
	Kind   string // the assertion key

	// Lines of the filters, so a bad one is pointed at where it is written.
	FilterLine, CountFilterLine int

	// count
	CountFilter string
	Op          string
	Value       int
	// answered_within
	Within time.Duration
	// no_failures
	Allow []string
	// no_expert
	Severity string
	// sequence
	Per   string
	Steps []string
	// golden
	Golden string
	Ignore []string
}

// assertionKeys are the keys that choose a rule's kind, in the order the
// help lists them.
var assertionKeys = []string{"count", "answered_within", "no_failures", "no_expert", "sequence", "golden"}

// ops are the comparisons `count` accepts.
var ops = []string{"==", "!=", ">=", "<=", ">", "<"}

// ruleFileError is a problem in the rules file, named by file and line.
type ruleFileError struct {
	File string
	Line int
	Msg  string
}

func (e *ruleFileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// maxRulesFile bounds the rules file read into memory.
const maxRulesFile = 8 << 20

// loadRules reads and checks a rules file. Relative golden paths are
// resolved against the rules file's directory.
func loadRules(path string) ([]ruleSpec, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxRulesFile {
		return nil, &ruleFileError{File: path, Msg: "larger than 8 MiB; is it a rules file?"}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	specs, err := parseRules(filepath.Base(path), data)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	for i := range specs {
		if g := specs[i].Golden; g != "" && !filepath.IsAbs(g) {
			specs[i].Golden = filepath.Join(dir, g)
		}
	}
	return specs, nil
}

// parseRules reads the YAML text of a rules file named file (for messages).
func parseRules(file string, data []byte) ([]ruleSpec, error) {
	p := &parser{file: file}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		// yaml.v3 errors read "yaml: line 7: ..."; keep the file:line form.
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if n, after, ok := strings.Cut(rest, ": "); ok {
				if line, err := strconv.Atoi(n); err == nil {
					return nil, p.errf(&yaml.Node{Line: line}, "%s", after)
				}
			}
		}
		if err.Error() == "EOF" {
			return nil, p.errf(nil, "empty rules file")
		}
		return nil, p.errf(nil, "%s", msg)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	list := root
	if root.Kind == yaml.MappingNode {
		list = nil
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Value != "rules" {
				return nil, p.errf(k, "unknown top-level key %q (want rules)", k.Value)
			}
			list = v
		}
		if list == nil {
			return nil, p.errf(root, "no rules: the file needs a rules list")
		}
	}
	if list.Kind != yaml.SequenceNode {
		return nil, p.errf(list, "rules must be a list")
	}
	if len(list.Content) == 0 {
		return nil, p.errf(list, "the rules list is empty")
	}
	var specs []ruleSpec
	for _, n := range list.Content {
		s, err := p.rule(n)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

type parser struct{ file string }

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &ruleFileError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) rule(n *yaml.Node) (ruleSpec, error) {
	s := ruleSpec{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		return s, p.errf(n, "a rule must be a mapping such as {no_expert: error}")
	}
	var assertion *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "name":
			s.Name, err = p.str(v, "name")
		case "filter":
			s.Filter, err = p.str(v, "filter")
			s.FilterLine = v.Line
		case "ignore":
			s.Ignore, err = p.strList(v, "ignore")
		default:
			if !slices.Contains(assertionKeys, k.Value) {
				return s, p.errf(k, "unknown key %q (want name, filter, ignore or one of %s)", k.Value, strings.Join(assertionKeys, ", "))
			}
			if s.Kind != "" {
				return s, p.errf(k, "a rule has one assertion; this one already has %s", s.Kind)
			}
			s.Kind, assertion = k.Value, v
		}
		if err != nil {
			return s, err
		}
	}
	if s.Kind == "" {
		return s, p.errf(n, "rule without an assertion (want one of %s)", strings.Join(assertionKeys, ", "))
	}
	if len(s.Ignore) > 0 && s.Kind != "golden" {
		return s, p.errf(n, "ignore applies to golden rules only")
	}
	return s, p.assertion(&s, assertion)
}

func (p *parser) assertion(s *ruleSpec, v *yaml.Node) error {
	switch s.Kind {
	case "count":
		s.Op = "=="
		fields, err := p.mapping(v, "count", "filter", "op", "value")
		if err != nil {
			return err
		}
		if f := fields["filter"]; f != nil {
			s.CountFilterLine = f.Line
			if s.CountFilter, err = p.str(f, "count filter"); err != nil {
				return err
			}
		}
		if o := fields["op"]; o != nil {
			if !slices.Contains(ops, o.Value) || o.Kind != yaml.ScalarNode {
				return p.errf(o, "unknown op %q (want %s)", o.Value, strings.Join(ops, " "))
			}
			s.Op = o.Value
		}
		val := fields["value"]
		if val == nil {
			return p.errf(v, "count needs a value")
		}
		n, err := strconv.Atoi(val.Value)
		if err != nil || val.Kind != yaml.ScalarNode || n < 0 {
			return p.errf(val, "count value %q is not a number of messages", val.Value)
		}
		s.Value = n
	case "answered_within":
		d, err := time.ParseDuration(v.Value)
		if err != nil || v.Kind != yaml.ScalarNode || d <= 0 {
			return p.errf(v, "answered_within %q is not a positive duration such as 2s or 150ms", v.Value)
		}
		s.Within = d
	case "no_failures":
		if v.Kind == yaml.ScalarNode && (v.Value == "" || v.Value == "true" || v.Tag == "!!null") {
			return nil
		}
		fields, err := p.mapping(v, "no_failures", "allow")
		if err != nil {
			return err
		}
		if a := fields["allow"]; a != nil {
			if s.Allow, err = p.strList(a, "allow"); err != nil {
				return err
			}
		}
	case "no_expert":
		switch v.Value {
		case "note", "warning", "error":
			s.Severity = v.Value
		default:
			return p.errf(v, "no_expert %q: want note, warning or error (the lowest severity that fails)", v.Value)
		}
	case "sequence":
		fields, err := p.mapping(v, "sequence", "per", "steps")
		if err != nil {
			return err
		}
		s.Per = "call"
		if per := fields["per"]; per != nil {
			if !slices.Contains([]string{"call", "agent", "stream"}, per.Value) {
				return p.errf(per, "sequence per %q: want call, agent or stream", per.Value)
			}
			s.Per = per.Value
		}
		st := fields["steps"]
		if st == nil {
			return p.errf(v, "sequence needs steps")
		}
		if s.Steps, err = p.strList(st, "steps"); err != nil {
			return err
		}
		if len(s.Steps) < 2 {
			return p.errf(st, "a sequence needs at least two steps")
		}
		for i, name := range s.Steps {
			if slices.Contains(s.Steps[:i], name) {
				return p.errf(st, "step %s appears twice", name)
			}
		}
	case "golden":
		var err error
		if s.Golden, err = p.str(v, "golden"); err != nil {
			return err
		}
		if s.Golden == "" {
			return p.errf(v, "golden needs a file name")
		}
	}
	return nil
}

// mapping checks that v is a mapping with only the allowed keys.
func (p *parser) mapping(v *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if v.Kind != yaml.MappingNode {
		return nil, p.errf(v, "%s must be a mapping with %s", what, strings.Join(allowed, ", "))
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return nil, p.errf(k, "unknown %s key %q (want %s)", what, k.Value, strings.Join(allowed, ", "))
		}
		out[k.Value] = v.Content[i+1]
	}
	return out, nil
}

func (p *parser) str(v *yaml.Node, what string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", p.errf(v, "%s must be a string", what)
	}
	return v.Value, nil
}

func (p *parser) strList(v *yaml.Node, what string) ([]string, error) {
	if v.Kind == yaml.ScalarNode {
		return []string{v.Value}, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errf(v, "%s must be a list", what)
	}
	out := make([]string, 0, len(v.Content))
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode {
			return nil, p.errf(e, "%s entries must be strings", what)
		}
		out = append(out, e.Value)
	}
	return out, nil
}
