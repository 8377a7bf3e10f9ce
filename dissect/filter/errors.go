package filter

import "strings"

// SyntaxError is a filter that does not compile. Pos is the 0-based byte
// offset in Expr of what is wrong, so a caller can point at it.
type SyntaxError struct {
	Expr string
	Pos  int
	Msg  string
}

// Error shows the message, the expression and a caret under Pos:
//
//	unknown field "cti.AgentSate" (did you mean cti.AgentState?)
//	  cti.AgentSate == 3
//	  ^
func (e *SyntaxError) Error() string {
	pos := min(max(e.Pos, 0), len(e.Expr))
	// Tabs keep their width under the caret; everything else is a space.
	pad := []byte(e.Expr[:pos])
	for i, c := range pad {
		if c != '\t' {
			pad[i] = ' '
		}
	}
	var b strings.Builder
	b.WriteString(e.Msg)
	b.WriteString("\n  ")
	b.WriteString(e.Expr)
	b.WriteString("\n  ")
	b.Write(pad)
	b.WriteString("^")
	return b.String()
}

func errAt(expr string, pos int, msg string) *SyntaxError {
	return &SyntaxError{Expr: expr, Pos: pos, Msg: msg}
}
