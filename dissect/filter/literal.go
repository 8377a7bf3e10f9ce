package filter

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ctishark/ctishark/dissect"
)

// lit is a compiled literal: every reading of the token that suits the
// field, so that comparing at match time is a switch and no parsing.
type lit struct {
	hasInt   bool
	i        int64
	hasFloat bool
	f        float64
	hasStr   bool
	s        string
	b        []byte // byte data: hex literal, or the string's bytes
	hasAddr  bool
	addrOnly bool // an address without port: matches any port
	ap       netip.AddrPort
	addr     netip.Addr
	subnet   netip.Prefix // valid for a subnet: matches every address in it
	tabs     []tabVal     // an enum name whose number differs between the field's tables
	re       *regexp.Regexp
	msgID    bool // a number given for cti.msg_type: == and != compare it with the type ID
}

// tabVal is what an enum name means in one table.
type tabVal struct {
	t *dissect.Table
	v int64
}

func (l *lit) setNum(i int64) {
	l.hasInt, l.i, l.hasFloat, l.f = true, i, true, float64(i)
}

// parseNumber reads decimal, 0x hex, 0o/0b and float numbers.
func parseNumber(s string) (lit, bool) {
	var l lit
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		l.setNum(i)
		return l, true
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		l.setNum(int64(u))
		return l, true
	}
	if strings.ContainsAny(s, "_xXoObB") {
		return l, false // ParseFloat accepts hex floats and underscores; we do not
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		l.hasFloat, l.f = true, f
		return l, true
	}
	return l, false
}

// parseHexBytes reads 0a:1b:2c, 0a-1b-2c or 0a1b2c (whole bytes only).
func parseHexBytes(s string) ([]byte, bool) {
	if len(s) >= 5 && len(s)%3 == 2 && (strings.Contains(s, ":") || strings.Contains(s, "-")) {
		sep := s[2]
		var out []byte
		for i := 0; i < len(s); i += 3 {
			if i+2 < len(s) && s[i+2] != sep {
				return nil, false
			}
			b, err := hex.DecodeString(s[i : i+2])
			if err != nil {
				return nil, false
			}
			out = append(out, b[0])
		}
		return out, true
	}
	b, err := hex.DecodeString(s)
	return b, err == nil && len(b) > 0
}

// literal compiles tok as a value of field s. op is the operator it is used
// with: contains and matches take text (or bytes) whatever the field.
func (p *parser) literal(s *spec, name string, tok token, op string) (lit, error) {
	text, quoted := tok.text, tok.kind == tString
	var l lit
	if op == "matches" {
		re, err := regexp.Compile(text)
		if err != nil {
			return l, p.errAt(tok.pos, "bad regular expression: "+err.Error())
		}
		l.re = re
		return l, nil
	}
	if op == "contains" {
		l.hasStr, l.s, l.b = true, text, []byte(text)
		if s.kind == kBytes || s.kind == kMixed {
			if b, ok := parseHexBytes(text); ok && !quoted {
				l.b = b
			}
		}
		return l, nil
	}
	switch s.kind {
	case kString, kNamed:
		l.hasStr, l.s = true, text
	case kMsgType:
		if n, ok := parseNumber(text); ok && n.hasInt && !quoted {
			if d := lookupMsgID(n.i); d != nil {
				text = d.Name
			} else {
				text = "UNKNOWN_" + strconv.FormatInt(n.i, 10)
			}
			l.setNum(n.i)
			l.msgID = true
		} else if lookupMsgName(text) == nil && !strings.HasPrefix(text, "UNKNOWN_") {
			return l, p.errAt(tok.pos, "unknown message type "+strconv.Quote(text)+didYouMean(text, messageNames()))
		}
		l.hasStr, l.s = true, text
	case kDir:
		switch strings.ToLower(text) {
		case "client->server", "c2s":
			text = "client->server"
		case "server->client", "s2c":
			text = "server->client"
		default:
			return l, p.errAt(tok.pos, "cti.dir is \"client->server\" (c2s) or \"server->client\" (s2c), not "+strconv.Quote(text))
		}
		l.hasStr, l.s = true, text
	case kAddr:
		if ap, err := netip.ParseAddrPort(text); err == nil {
			l.hasAddr, l.ap = true, ap
		} else if a, err := netip.ParseAddr(text); err == nil {
			l.hasAddr, l.addrOnly, l.addr = true, true, a
		} else if pf, err := netip.ParsePrefix(text); err == nil {
			// A subnet, as Wireshark's ip.addr == 10.0.0.0/24.
			l.hasAddr, l.addrOnly, l.subnet = true, true, pf.Masked()
		} else {
			return l, p.errAt(tok.pos, name+" takes an address (10.0.0.1, 10.0.0.1:42027 or a subnet 10.0.0.0/24), not "+strconv.Quote(text))
		}
	case kBytes:
		l.hasStr, l.s, l.b = true, text, []byte(text)
		if !quoted {
			b, ok := parseHexBytes(text)
			if !ok {
				return l, p.errAt(tok.pos, name+" holds bytes: write them in hex (0a:1b:2c) or as a quoted string")
			}
			l.b = b
		}
	case kFloat:
		if n, ok := parseNumber(text); ok && !quoted {
			return n, nil
		}
		if d, err := time.ParseDuration(text); err == nil && !quoted {
			l.hasFloat, l.f = true, d.Seconds()
			return l, nil
		}
		return l, p.errAt(tok.pos, name+" is a time in seconds (1.5, 0x10, 250ms), not "+strconv.Quote(text))
	case kMixed:
		l.hasStr, l.s, l.b = true, text, []byte(text)
		if !quoted {
			if n, ok := parseNumber(text); ok {
				n.hasStr, n.s, n.b = true, text, l.b
				l = n
			}
			if b, ok := parseHexBytes(text); ok {
				l.b = b
			}
		}
	default: // kInt, kBool, kSeverity
		return p.intLiteral(s, name, tok)
	}
	return l, nil
}

// intLiteral reads a number or a name of the field's values: enum names,
// mask bits, true/false, severities, message names for cti.msg_type_id.
func (p *parser) intLiteral(s *spec, name string, tok token) (lit, error) {
	text, quoted := tok.text, tok.kind == tString
	if !quoted {
		if n, ok := parseNumber(text); ok {
			return n, nil
		}
	}
	var l lit
	switch s.kind {
	case kBool:
		switch strings.ToLower(text) {
		case "true":
			l.setNum(1)
			return l, nil
		case "false":
			l.setNum(0)
			return l, nil
		}
	case kSeverity:
		for _, v := range severityValues {
			if strings.EqualFold(v.Name, text) {
				l.setNum(int64(v.Value))
				return l, nil
			}
		}
		return l, p.errAt(tok.pos, "severity is note, warning or error, not "+strconv.Quote(text))
	}
	if s.meta != nil && s.meta.Name == "cti.msg_type_id" {
		if d := lookupMsgName(text); d != nil {
			if !d.IDKnown {
				return l, p.errAt(tok.pos, text+" has no known type ID; use cti.msg_type == "+text)
			}
			l.setNum(int64(d.ID))
			return l, nil
		}
		return l, p.errAt(tok.pos, "unknown message type "+strconv.Quote(text)+didYouMean(text, messageNames()))
	}
	// Enum names; a name may mean different numbers in the tables of
	// different messages (cti.Status), then each field uses its own table.
	var found []tabVal
	for _, tabs := range [][]*dissect.Table{s.enums, s.masks} {
		for _, t := range tabs {
			for _, v := range t.Values {
				if v.Name == text {
					found = append(found, tabVal{t, int64(v.Value)})
					break
				}
			}
		}
	}
	if len(found) == 0 {
		// The short name Info shows: READY for AGENT_STATE_READY.
		found = append(findShort(s.enums, text), findShort(s.masks, text)...)
	}
	if len(found) > 0 {
		l.setNum(found[0].v)
		for _, f := range found[1:] {
			if f.v != found[0].v {
				l.tabs = found
				break
			}
		}
		return l, nil
	}
	if len(s.info.Enum) == 0 {
		return l, p.errAt(tok.pos, name+" is a number; "+strconv.Quote(text)+" is not one")
	}
	names := make([]string, 0, len(s.info.Enum))
	for _, v := range s.info.Enum {
		names = append(names, v.Name)
	}
	for _, t := range s.enums {
		for _, v := range t.Values {
			if sn := shortName(t, v.Name); sn != "" {
				names = append(names, sn)
			}
		}
	}
	return l, p.errAt(tok.pos, strconv.Quote(text)+" is not a value of "+name+didYouMean(text, names))
}

// Comparisons at match time. None allocates.

// num is v's number under l's reading of an enum name.
func (l *lit) num(v *val) int64 {
	if l.tabs != nil {
		for _, tv := range l.tabs {
			if tv.t == v.enum {
				return tv.v
			}
		}
	}
	return l.i
}

func (l *lit) eq(v val) bool {
	switch v.k {
	case vInt:
		if l.hasInt {
			return v.i == l.num(&v)
		}
		return l.hasFloat && float64(v.i) == l.f
	case vFloat:
		return l.hasFloat && v.f == l.f
	case vStr:
		return l.hasStr && v.s == l.s
	case vBytes:
		if l.b != nil {
			return bytes.Equal(v.b, l.b)
		}
		return l.hasStr && string(v.b) == l.s
	case vAddr:
		if !l.hasAddr {
			return false
		}
		if l.subnet.IsValid() {
			return l.subnet.Contains(v.ap.Addr().Unmap())
		}
		if l.addrOnly {
			return v.ap.Addr() == l.addr
		}
		return v.ap == l.ap
	}
	return false
}

// order compares v with l: -1, 0, 1; ok is false when they do not compare.
func (l *lit) order(v val) (int, bool) {
	switch v.k {
	case vInt:
		if l.hasInt {
			n := l.num(&v)
			switch {
			case v.i < n:
				return -1, true
			case v.i > n:
				return 1, true
			}
			return 0, true
		}
		if l.hasFloat {
			return cmpFloat(float64(v.i), l.f), true
		}
	case vFloat:
		if l.hasFloat {
			return cmpFloat(v.f, l.f), true
		}
	case vStr:
		if l.hasStr {
			return strings.Compare(v.s, l.s), true
		}
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (l *lit) contains(v val) bool {
	switch v.k {
	case vStr:
		return strings.Contains(v.s, l.s)
	case vBytes:
		return bytes.Contains(v.b, l.b)
	}
	return false
}

func (l *lit) matches(v val) bool {
	switch v.k {
	case vStr:
		return l.re.MatchString(v.s)
	case vBytes:
		return l.re.Match(v.b)
	}
	return false
}

func (l *lit) bitand(v val) bool {
	return v.k == vInt && v.i&l.num(&v) != 0
}
