package filter

import (
	"slices"
	"sort"

	"github.com/ctishark/ctishark/dissect/record"
)

// Target is what a filter is evaluated against: a record (a decoded
// message, or a stream event, with its capture and analysis metadata).
type Target = record.Record

// node is a compiled (sub)expression.
type node func(t *Target) bool

// Filter is a compiled display filter. It is safe for concurrent use.
type Filter struct {
	expr  string
	root  node
	refs  []string
	hints []string
}

// Compile parses and checks a display filter. Errors are *SyntaxError.
func Compile(expr string) (*Filter, error) {
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{expr: expr, toks: toks, refs: map[string]bool{}}
	if toks[0].kind == tEOF {
		return nil, p.errAt(0, "empty filter")
	}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		if t.text == ")" {
			return nil, p.errAt(t.pos, "unbalanced ): no ( to close")
		}
		return nil, p.errAt(t.pos, "unexpected "+describeTok(t)+"; expected && or || between tests")
	}
	refs := make([]string, 0, len(p.refs))
	for r := range p.refs {
		refs = append(refs, r)
	}
	sort.Strings(refs)
	var hints []string
	for _, old := range p.renamed {
		if h := RenameHint(old); h != "" && !slices.Contains(hints, h) {
			hints = append(hints, h)
		}
	}
	return &Filter{expr: expr, root: root, refs: refs, hints: hints}, nil
}

// Hints are notes for the user about a filter that compiled: an old
// spelling of a field name, with the name it now has.
func (f *Filter) Hints() []string { return slices.Clone(f.hints) }

// Match reports whether t passes the filter.
func (f *Filter) Match(t *Target) bool { return f.root(t) }

// String returns the source expression.
func (f *Filter) String() string { return f.expr }

// References returns the field names the filter uses, sorted and unique.
func (f *Filter) References() []string { return append([]string(nil), f.refs...) }
