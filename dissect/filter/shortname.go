package filter

import (
	"strings"

	"github.com/ctishark/ctishark/dissect"
)

// The Info column shows enum values without the prefix their table's
// names share (READY for AGENT_STATE_READY, ONLINE... ), so filters accept
// those short names too: a name matches a value when the value is the
// table's prefix followed by it.

// tablePrefix is the longest underscore-ended prefix that at least half
// of t's named values (reserved aside) start with: "AGENT_STATE_" for
// AgentState, whose BUSY_OTHER lacks it; "" when there is none.
func tablePrefix(t *dissect.Table) string {
	var names []string
	for _, v := range t.Values {
		if v.Name != "reserved" && v.Name != "" {
			names = append(names, v.Name)
		}
	}
	if len(names) < 2 {
		return ""
	}
	best := ""
	// Candidate prefixes are the underscore-ended prefixes of the first
	// name with the prefix, tried longest first.
	for _, cand := range names {
		for i := len(cand) - 1; i > 0; i-- {
			if cand[i] != '_' || i+1 <= len(best) {
				continue
			}
			p := cand[:i+1]
			n := 0
			for _, s := range names {
				if strings.HasPrefix(s, p) && len(s) > len(p) {
					n++
				}
			}
			if 2*n >= len(names) {
				best = p
				break
			}
		}
	}
	return best
}

// shortName is v's name without its table's prefix; "" when it has none.
func shortName(t *dissect.Table, name string) string {
	p := tablePrefix(t)
	if p == "" || !strings.HasPrefix(name, p) || len(name) == len(p) {
		return ""
	}
	return name[len(p):]
}

// findShort returns the values of tables whose short name is text.
func findShort(tables []*dissect.Table, text string) []tabVal {
	var found []tabVal
	for _, t := range tables {
		p := tablePrefix(t)
		if p == "" {
			continue
		}
		for _, v := range t.Values {
			if v.Name == p+text {
				found = append(found, tabVal{t, int64(v.Value)})
				break
			}
		}
	}
	return found
}
