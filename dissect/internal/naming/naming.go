// Package naming makes the display-filter names of catalog fields, in one
// place for the generator (gencatalog, which cannot import the package it
// generates) and for dissect itself (tags met where a message does not
// declare them).
//
// A name is "cti." and the field's name as the guide spells it, kept to
// letters, digits and '_', with its first letter upper-cased: the guides
// mix lineType with LineType and agentState with AgentState for the same
// kind of field, and Wireshark-style names must not differ by case alone.
package naming

import "strings"

// Filter is the filter name of a field called name in the guide.
// Reserved fields share cti.reserved, lower-case like the names that are
// not the guide's (cti.msg_type, cti.frame).
func Filter(name string) string {
	id := Ident(name)
	if id != "" && id[0] >= 'a' && id[0] <= 'z' && name != "reserved" {
		id = strings.ToUpper(id[:1]) + id[1:]
	}
	return "cti." + id
}

// Legacy is the name Filter gave before first letters were upper-cased
// (ctishark up to issue 15): still accepted in filters, with a hint.
func Legacy(name string) string { return "cti." + Ident(name) }

// Entry is the filter name of one entry of a repeated floating group
// (counted by countField) whose field name a fixed field of the same
// message also has: in AGENT_STATE_EVENT the fixed CSQID is the CSQ whose
// state changed, the floating CSQIDs (numCSQs of them) list every CSQ of
// the agent. Wireshark names the two apart; so does ctishark, with the
// group (the count field's name without its Num) before the field:
// cti.CSQs.CSQID.
func Entry(countField, name string) string {
	g := Ident(countField)
	for _, p := range []string{"Num", "num"} {
		if rest, ok := strings.CutPrefix(g, p); ok && rest != "" {
			g = rest
			break
		}
	}
	return Filter(g) + "." + Ident(name)
}

// Ident keeps the letters, digits and underscores of name: what a Go
// identifier or a filter name may hold.
func Ident(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
