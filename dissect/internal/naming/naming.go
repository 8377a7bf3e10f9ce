// Package naming makes the display-filter names of catalog fields, in one
// place for the generator (gencatalog, which cannot import the package it
// generates) and for dissect itself (tags met where a message does not
// declare them).
package naming

import "strings"

// Filter is the filter name of a field called name in the guide: "cti."
// and the name kept to letters, digits and '_'.
func Filter(name string) string { return "cti." + ident(name) }

// Entry is the filter name of one entry of a repeated floating group
// (counted by countField) whose field name a fixed field of the same
// message also has: in AGENT_STATE_EVENT the fixed CSQID is the CSQ whose
// state changed, the floating CSQIDs (numCSQs of them) list every CSQ of
// the agent. Wireshark names the two apart; so does ctishark, with the
// group (the count field's name without its Num) before the field:
// cti.CSQs.CSQID.
func Entry(countField, name string) string {
	g := ident(countField)
	for _, p := range []string{"Num", "num"} {
		if rest, ok := strings.CutPrefix(g, p); ok && rest != "" {
			g = rest
			break
		}
	}
	return Filter(g) + "." + ident(name)
}

func ident(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
