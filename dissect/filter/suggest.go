package filter

import (
	"strings"
	"sync"

	"github.com/ctishark/ctishark/dissect"
)

// didYouMean returns ` (did you mean X?)` for the candidate closest to s,
// or "" when none is close.
func didYouMean(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if strings.ToLower(c) == ls {
			return " (did you mean " + c + "?)"
		}
		d := editDistance(ls, strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, len(s)/4) {
		return " (did you mean " + best + "?)"
	}
	return ""
}

// editDistance is the Levenshtein distance, bounded to short inputs so a
// fuzzed filter cannot make it slow.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var msgNames = sync.OnceValue(func() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range dissect.Catalogs() {
		for _, m := range c.Messages() {
			if !seen[m.Name] {
				seen[m.Name] = true
				out = append(out, m.Name)
			}
		}
	}
	return out
})

// lookupMsgName finds a message type by name in either dialect, UCCX's
// first (a name both use is the same message).
func lookupMsgName(name string) *dissect.MessageDef {
	for _, c := range dissect.Catalogs() {
		if d := c.LookupName(name, 0); d != nil {
			return d
		}
	}
	return nil
}

// lookupMsgID names a numeric message type: UCCX's meaning of the ID, else
// UCCE's newest. (An ID the dialects give different names, 236 say, is
// matched by name only under UCCX's; cti.msg_type_id matches it in both.)
func lookupMsgID(n int64) *dissect.MessageDef {
	if n < 0 || n > 0xffffffff {
		return nil
	}
	for _, c := range dissect.Catalogs() {
		if d := c.Lookup(uint32(n), 0); d != nil {
			return d
		}
	}
	return nil
}

func messageNames() []string { return msgNames() }

func fieldNames() []string {
	fs := Fields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}
