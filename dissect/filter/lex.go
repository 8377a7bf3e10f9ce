package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF    tokKind = iota
	tWord           // field name, keyword or bare literal: cti.AgentID, and, 42, 10.0.0.1:42027, c2s
	tString         // double-quoted literal, escapes resolved
	tOp             // punctuation operator: == != ~= === < <= > >= && || ^^ ! & ( ) { } ,
)

type token struct {
	kind tokKind
	text string // operator or word as written; a string's value
	pos  int
}

// wordByte reports whether c may appear in a bare word. '-' allows negative
// numbers and dashed names; '/' and ':' allow addresses and byte strings.
func wordByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || c == '-' || c == '/' ||
		c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ops lists punctuation operators, longest first so "===" wins over "==".
var ops = []string{"===", "==", "!=", "~=", "<=", ">=", "&&", "||", "^^", "<", ">", "!", "&", "(", ")", "{", "}", ",", "="}

// lex splits expr into tokens. It fails on an unterminated string, a bad
// escape or a character no token starts with.
func lex(expr string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(expr) {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			s, n, err := unquote(expr, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{kind: tString, text: s, pos: i})
			i += n
		case wordByte(c):
			j := i
			for j < len(expr) && wordByte(expr[j]) {
				j++
			}
			toks = append(toks, token{kind: tWord, text: expr[i:j], pos: i})
			i = j
		default:
			op := ""
			for _, o := range ops {
				if strings.HasPrefix(expr[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(expr[i:])
				return nil, errAt(expr, i, "unexpected character "+strconv.QuoteRune(r))
			}
			if op == "=" {
				return nil, errAt(expr, i, `"=" is not an operator; use "==" to compare`)
			}
			toks = append(toks, token{kind: tOp, text: op, pos: i})
			i += len(op)
		}
	}
	return append(toks, token{kind: tEOF, pos: len(expr)}), nil
}

// unquote reads the double-quoted string starting at expr[start]. Escapes:
// \" \\ \n \t \r \0 \xHH and \uHHHH. It returns the value and the bytes read.
func unquote(expr string, start int) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(expr) {
		c := expr[i]
		switch c {
		case '"':
			return b.String(), i + 1 - start, nil
		case '\\':
			if i+1 >= len(expr) {
				return "", 0, errAt(expr, i, "backslash at the end of the expression")
			}
			e := expr[i+1]
			switch e {
			case '"', '\\':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '0':
				b.WriteByte(0)
			case 'x', 'u':
				n := 2
				if e == 'u' {
					n = 4
				}
				if i+2+n > len(expr) {
					return "", 0, errAt(expr, i, "short \\"+string(e)+" escape")
				}
				v, err := strconv.ParseUint(expr[i+2:i+2+n], 16, 32)
				if err != nil {
					return "", 0, errAt(expr, i, "bad \\"+string(e)+" escape")
				}
				if e == 'x' {
					b.WriteByte(byte(v))
				} else {
					b.WriteRune(rune(v))
				}
				i += n
			default:
				return "", 0, errAt(expr, i, "unknown escape \\"+string(rune(e)))
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, errAt(expr, start, "string is not terminated (missing \")")
}
