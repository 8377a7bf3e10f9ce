package doctor

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/diag"
	"github.com/ctishark/ctishark/render/termtext"
)

// writeTable prints the ranked report for people: one block per code.
// Wire text (details, agent IDs) goes through termtext, so no control
// character from the capture reaches the terminal.
func writeTable(w io.Writer, rp *diag.Report, rules int) error {
	fs := rp.Findings()
	var n [4]int
	for _, f := range fs {
		n[f.Rule.Severity]++
	}
	if len(fs) == 0 {
		_, err := fmt.Fprintf(w, "No findings: %d messages checked against %d rules.\n", rp.Messages, rules)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d findings (%d errors, %d warnings, %d notes) in %d messages, %d rules checked\n",
		len(fs), n[dissect.SeverityError], n[dissect.SeverityWarning], n[dissect.SeverityNote], rp.Messages, rules)
	for _, f := range fs {
		ru := f.Rule
		fmt.Fprintf(&b, "\n%-7s  %s  x%d  %s\n", strings.ToUpper(ru.Severity.String()), ru.Code, f.Count, ru.Summary)
		nums := make([]string, len(f.Examples))
		for i, x := range f.Examples {
			nums[i] = "#" + strconv.Itoa(x.Num)
		}
		more := ""
		if f.Count > len(f.Examples) {
			more = " ..."
		}
		fmt.Fprintf(&b, "         messages %s%s; streams %s", strings.Join(nums, " "), more, joinInts(f.Streams))
		if len(f.Agents) > 0 {
			fmt.Fprintf(&b, "; agents %s", termtext.Escape(strings.Join(f.Agents, " ")))
		}
		if len(f.Calls) > 0 {
			cs := make([]int, len(f.Calls))
			for i, c := range f.Calls {
				cs[i] = int(c)
			}
			fmt.Fprintf(&b, "; calls %s", joinInts(cs))
		}
		b.WriteByte('\n')
		for _, x := range f.Examples {
			if x.Detail != "" && x.Detail != ru.Summary {
				fmt.Fprintf(&b, "         #%d: %s\n", x.Num, termtext.Escape(x.Detail))
			}
		}
		fmt.Fprintf(&b, "         why: %s\n         see: %s\n", ru.Explain, ru.Source)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func joinInts(s []int) string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strconv.Itoa(v)
	}
	return strings.Join(out, " ")
}
