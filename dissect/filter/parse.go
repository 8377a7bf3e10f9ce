package filter

import (
	"strconv"
	"strings"
)

// parser is a recursive-descent parser that compiles as it parses: each
// test becomes a closure over its field accessor and literal.
//
//	or    := xor { ("||" | "or") xor }
//	xor   := and { ("^^" | "xor") and }
//	and   := unary { ("&&" | "and") unary }
//	unary := ("!" | "not") unary | "(" or ")" | test
//	test  := FIELD [ relop VALUE | ["not"] "in" SET | "contains" VALUE
//	               | "matches" VALUE | "&" VALUE ]
//	SET   := "{" { VALUE [".." VALUE] [","] } "}"
type parser struct {
	expr  string
	toks  []token
	i     int
	depth int
	refs  map[string]bool
	// old spellings of field names met (cti.lineType), for Hints
	renamed []string
}

// maxDepth bounds nesting so a hostile filter cannot exhaust the stack.
const maxDepth = 200

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(pos int, msg string) error { return errAt(p.expr, pos, msg) }

// is reports whether t is one of the spellings of an operator.
func is(t token, spellings ...string) bool {
	if t.kind != tOp && t.kind != tWord {
		return false
	}
	for _, s := range spellings {
		if t.text == s {
			return true
		}
	}
	return false
}

func describeTok(t token) string {
	switch t.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return "string " + strconv.Quote(t.text)
	}
	return strconv.Quote(t.text)
}

func (p *parser) parseOr() (node, error) {
	left, err := p.parseXor()
	if err != nil {
		return nil, err
	}
	for is(p.peek(), "||", "or") {
		p.next()
		right, err := p.parseXor()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(t *Target) bool { return l(t) || right(t) }
	}
	return left, nil
}

func (p *parser) parseXor() (node, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for is(p.peek(), "^^", "xor") {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(t *Target) bool { return l(t) != right(t) }
	}
	return left, nil
}

func (p *parser) parseAnd() (node, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for is(p.peek(), "&&", "and") {
		p.next()
		right, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(t *Target) bool { return l(t) && right(t) }
	}
	return left, nil
}

func (p *parser) parseUnary() (node, error) {
	p.depth++
	defer func() { p.depth-- }()
	t := p.peek()
	if p.depth > maxDepth {
		return nil, p.errAt(t.pos, "filter nested too deeply")
	}
	switch {
	case is(t, "!", "not"):
		p.next()
		inner, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return func(t *Target) bool { return !inner(t) }, nil
	case is(t, "("):
		p.next()
		inner, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); !is(c, ")") {
			if c.kind == tEOF {
				return nil, p.errAt(t.pos, "missing ) to close this (")
			}
			return nil, p.errAt(c.pos, "unexpected "+describeTok(c)+"; expected )")
		}
		p.next()
		return inner, nil
	}
	return p.parseTest()
}

var relops = map[string]string{
	"==": "==", "eq": "==", "any_eq": "==",
	"!=": "!=", "ne": "!=", "all_ne": "!=",
	"~=": "~=", "any_ne": "~=",
	"===": "===", "all_eq": "===",
	"<": "<", "lt": "<", "<=": "<=", "le": "<=",
	">": ">", "gt": ">", ">=": ">=", "ge": ">=",
}

func (p *parser) parseTest() (node, error) {
	ft := p.next()
	if ft.kind != tWord || relops[ft.text] != "" || isKeyword(ft.text) {
		return nil, p.errAt(ft.pos, "expected a field name, got "+describeTok(ft))
	}
	// tshark habits: frame.number, ip.addr... mean their cti. field; old
	// spellings (cti.lineType) their new name.
	if _, ok := Renamed(ft.text); ok {
		p.renamed = append(p.renamed, ft.text)
	}
	ft.text = Canonical(ft.text)
	s := lookupSpec(ft.text)
	if s == nil {
		hint := genericHint(ft.text)
		if hint == "" {
			hint = didYouMean(ft.text, fieldNames())
		}
		if hint == "" && !strings.HasPrefix(ft.text, "cti.") && lookupSpec("cti."+ft.text) != nil {
			hint = " (did you mean cti." + ft.text + "?)"
		}
		return nil, p.errAt(ft.pos, "unknown field "+strconv.Quote(ft.text)+hint)
	}
	p.refs[ft.text] = true
	each := p.accessor(s, ft.text)

	op := p.peek()
	switch {
	case op.kind == tWord && relops[op.text] != "" || op.kind == tOp && relops[op.text] != "":
		p.next()
		return p.compare(s, ft.text, each, relops[op.text], op)
	case is(op, "contains", "matches"):
		p.next()
		if !textual(s.kind) {
			return nil, p.errAt(op.pos, ft.text+" is "+kindName(s.kind)+"; "+op.text+" works on text and bytes")
		}
		l, err := p.value(s, ft.text, op.text)
		if err != nil {
			return nil, err
		}
		if op.text == "contains" {
			return anyOf(each, l.contains), nil
		}
		return anyOf(each, l.matches), nil
	case is(op, "&"):
		p.next()
		if s.kind != kInt && s.kind != kMixed {
			return nil, p.errAt(op.pos, ft.text+" is "+kindName(s.kind)+"; & tests bits of numbers")
		}
		l, err := p.value(s, ft.text, "&")
		if err != nil {
			return nil, err
		}
		return anyOf(each, l.bitand), nil
	case is(op, "in"):
		p.next()
		return p.set(s, ft.text, each, false)
	case is(op, "not") && is(p.toks[min(p.i+1, len(p.toks)-1)], "in"):
		p.next()
		p.next()
		return p.set(s, ft.text, each, true)
	}
	// A bare field tests that it is present.
	return func(t *Target) bool {
		_, stopped := each(t, yes, true)
		return stopped
	}, nil
}

func yes(val) bool { return true }

func isKeyword(w string) bool {
	switch w {
	case "and", "or", "xor", "not", "in", "contains", "matches":
		return true
	}
	return false
}

func textual(k kind) bool {
	return k == kString || k == kBytes || k == kNamed || k == kMixed || k == kMsgType || k == kDir
}

func kindName(k kind) string {
	switch k {
	case kInt:
		return "a number"
	case kBool:
		return "a boolean"
	case kFloat:
		return "a time in seconds"
	case kString, kMsgType, kDir:
		return "text"
	case kBytes:
		return "bytes"
	case kNamed:
		return "a named variable"
	case kAddr:
		return "an address"
	case kSeverity:
		return "a severity"
	}
	return "of several types"
}

func (p *parser) accessor(s *spec, name string) eachFn {
	if s.meta != nil {
		return metaField(s.meta)
	}
	return messageField(name, s.parent)
}

// value reads the literal after an operator.
func (p *parser) value(s *spec, name, op string) (lit, error) {
	return p.valueTok(s, name, op, p.next())
}

func (p *parser) valueTok(s *spec, name, op string, t token) (lit, error) {
	switch t.kind {
	case tString:
	case tWord:
		// Expert codes look like field names (cti.unknown_tag): for
		// cti.expert a word is always a code.
		if (s.meta == nil || s.meta.Name != "cti.expert") && lookupSpec(t.text) != nil {
			return lit{}, p.errAt(t.pos, "comparing two fields is not supported; compare "+name+" with a value (quote text that looks like a field name)")
		}
		if isKeyword(t.text) || relops[t.text] != "" {
			return lit{}, p.errAt(t.pos, "expected a value after "+op+", got "+describeTok(t))
		}
	default:
		return lit{}, p.errAt(t.pos, "expected a value after "+op+", got "+describeTok(t))
	}
	return p.literal(s, name, t, op)
}

func (p *parser) compare(s *spec, name string, each eachFn, op string, opTok token) (node, error) {
	ordered := op == "<" || op == "<=" || op == ">" || op == ">="
	if ordered {
		switch s.kind {
		case kAddr, kDir, kBytes:
			return nil, p.errAt(opTok.pos, name+" is "+kindName(s.kind)+"; "+opTok.text+" needs numbers or text")
		case kMsgType:
			return nil, p.errAt(opTok.pos, "cti.msg_type is a name; compare numbers with cti.msg_type_id")
		}
	}
	l, err := p.value(s, name, opTok.text)
	if err != nil {
		return nil, err
	}
	if l.msgID {
		// A type ID may name different messages in the two dialects
		// (236): compare it with the header, not with one of the names.
		each = metaField(lookupSpec("cti.msg_type_id").meta)
	}
	switch op {
	case "==":
		return anyOf(each, l.eq), nil
	case "!=": // Wireshark: every occurrence differs (and the field is there)
		return allOf(each, func(v val) bool { return !l.eq(v) }), nil
	case "~=": // some occurrence differs
		return anyOf(each, func(v val) bool { return !l.eq(v) }), nil
	case "===":
		return allOf(each, l.eq), nil
	case "<":
		return anyOf(each, func(v val) bool { c, ok := l.order(v); return ok && c < 0 }), nil
	case "<=":
		return anyOf(each, func(v val) bool { c, ok := l.order(v); return ok && c <= 0 }), nil
	case ">":
		return anyOf(each, func(v val) bool { c, ok := l.order(v); return ok && c > 0 }), nil
	default: // ">="
		return anyOf(each, func(v val) bool { c, ok := l.order(v); return ok && c >= 0 }), nil
	}
}

// anyOf is true when some value of the field passes.
func anyOf(each eachFn, p pred) node {
	return func(t *Target) bool {
		_, stopped := each(t, p, true)
		return stopped
	}
}

// allOf is true when the field is present and every value passes.
func allOf(each eachFn, p pred) node {
	return func(t *Target) bool {
		found, stopped := each(t, p, false)
		return found && !stopped
	}
}

// set parses { a b c 1..5 } and compiles membership. "not in" is true when
// the field is present and no value is in the set.
func (p *parser) set(s *spec, name string, each eachFn, negate bool) (node, error) {
	open := p.next()
	if !is(open, "{") {
		return nil, p.errAt(open.pos, "expected { after in")
	}
	type elem struct {
		lo, hi lit
		rng    bool
	}
	var elems []elem
	for {
		t := p.peek()
		if is(t, "}") {
			p.next()
			break
		}
		if is(t, ",") {
			p.next()
			continue
		}
		if t.kind == tEOF {
			return nil, p.errAt(open.pos, "missing } to close this {")
		}
		t = p.next()
		if t.kind == tWord {
			// 1..5 lexes as one word, "1 .. 5" as three.
			lo, hi, ok := strings.Cut(t.text, "..")
			hiPos := t.pos + len(lo) + 2
			if !ok {
				if r := p.peek(); r.kind == tWord && strings.HasPrefix(r.text, "..") {
					p.next()
					lo, hi, ok, hiPos = t.text, r.text[2:], true, r.pos+2
				}
			}
			if ok {
				loTok, hiTok := token{tWord, lo, t.pos}, token{tWord, hi, hiPos}
				if lo == "" {
					return nil, p.errAt(t.pos, "range without a start")
				}
				if hi == "" {
					hiTok = p.next()
				}
				e, err := p.rangeElem(s, name, loTok, hiTok)
				if err != nil {
					return nil, err
				}
				elems = append(elems, elem{e[0], e[1], true})
				continue
			}
		}
		l, err := p.valueTok(s, name, "in", t)
		if err != nil {
			return nil, err
		}
		elems = append(elems, elem{lo: l})
	}
	if len(elems) == 0 {
		return nil, p.errAt(open.pos, "empty set")
	}
	in := func(v val) bool {
		for i := range elems {
			e := &elems[i]
			if !e.rng {
				if e.lo.eq(v) {
					return true
				}
				continue
			}
			a, ok1 := e.lo.order(v)
			b, ok2 := e.hi.order(v)
			if ok1 && ok2 && a >= 0 && b <= 0 {
				return true
			}
		}
		return false
	}
	if negate {
		return allOf(each, func(v val) bool { return !in(v) }), nil
	}
	return anyOf(each, in), nil
}

func (p *parser) rangeElem(s *spec, name string, lo, hi token) ([2]lit, error) {
	var out [2]lit
	switch s.kind {
	case kInt, kFloat, kMixed, kSeverity, kBool:
	default:
		return out, p.errAt(lo.pos, "ranges need a number field; "+name+" is "+kindName(s.kind))
	}
	for i, t := range []token{lo, hi} {
		if t.kind != tWord && t.kind != tString {
			return out, p.errAt(t.pos, "expected the end of the range, got "+describeTok(t))
		}
		l, err := p.literal(s, name, t, "in")
		if err != nil {
			return out, err
		}
		out[i] = l
	}
	return out, nil
}
