package filter

import (
	"strings"
	"testing"

	"github.com/ctishark/ctishark/dissect"
)

// TestNamesUniqueIgnoringCase: no two filter names (every catalog field of
// both dialects, every tag, every metadata field) differ by case alone
// (cti.lineType next to cti.LineType), and every name taken from a guide's
// field name starts upper-case, as nearly all do.
func TestNamesUniqueIgnoringCase(t *testing.T) {
	seen := map[string]string{}
	check := func(name, where string) {
		k := strings.ToLower(name)
		if prev, ok := seen[k]; ok && prev != name {
			t.Errorf("%s (%s) and %s differ only by case", name, where, prev)
		}
		seen[k] = name
	}
	for _, f := range Fields() {
		check(f.Name, "registry")
	}
	for _, cat := range dissect.Catalogs() {
		for _, m := range cat.Messages() {
			for _, list := range [][]dissect.FieldDef{m.Fixed, m.Floating} {
				for _, fd := range list {
					where := cat.Dialect.String() + " " + m.Name
					check(fd.Filter, where)
					if rest := strings.TrimPrefix(fd.Filter, "cti."); !fd.Reserved() && (rest == "" || rest[0] < 'A' || rest[0] > 'Z') {
						t.Errorf("%s: %s is not UpperCamel", where, fd.Filter)
					}
				}
			}
		}
		for _, tg := range cat.Tags() {
			check(tg.Filter, cat.Dialect.String()+" tag table")
		}
	}
}

// TestOldSpellings: the names ctishark used before (cti.lineType,
// cti.agentState, cti.clientPort, cti.numCSQs) still compile, to the new
// field, with a hint that names it; a name that is still a name keeps
// its meaning and gets no hint.
func TestOldSpellings(t *testing.T) {
	for old, now := range map[string]string{"cti.lineType": "cti.LineType", "cti.agentState": "cti.AgentState", "cti.clientPort": "cti.ClientPort", "cti.numCSQs": "cti.NumCSQs"} {
		f := mustCompile(t, old)
		if h := f.Hints(); len(h) != 1 || !strings.Contains(h[0], old) || !strings.Contains(h[0], now) {
			t.Errorf("%s: hints %q, want one naming %s", old, h, now)
		}
		if got := Canonical(old); got != now {
			t.Errorf("Canonical(%s) = %s, want %s", old, got, now)
		}
	}
	tg := &Target{Msg: agentState(t)} // numCSQs 2
	checkMatches(t, tg, []matchCase{{"cti.numCSQs == 2", true}, {"cti.NumCSQs == 2", true}, {"cti.numCSQs == 3", false}})
	for _, name := range []string{"cti.CSQID", "cti.AgentState", "cti.frame"} {
		if h := mustCompile(t, name).Hints(); len(h) != 0 {
			t.Errorf("%s: hints %q", name, h)
		}
	}
	// The UCCE LineType values still filter, with UCCE's table, under
	// the name the two dialects share now.
	mustCompile(t, "cti.LineType == LINETYPE_INSIDE")
}
