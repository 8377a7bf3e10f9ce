package check

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ctishark/ctishark/render/termtext"
	"github.com/fatih/color"
)

// result is one rule's verdict, ready to report.
type result struct {
	name string
	kind string
	line int
	out  outcome
}

// writeReport prints one block per rule and a summary line.
func writeReport(w io.Writer, file string, results []result, colour bool) error {
	pass, fail := color.New(color.FgGreen, color.Bold), color.New(color.FgRed, color.Bold)
	for _, c := range []*color.Color{pass, fail} {
		if colour {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	failed := 0
	var b strings.Builder
	for _, r := range results {
		verdict := pass.Sprint("PASS")
		if !r.out.pass {
			verdict = fail.Sprint("FAIL")
			failed++
		}
		fmt.Fprintf(&b, "%s  %s (%s:%d)", verdict, r.name, file, r.line)
		if r.out.reason != "" {
			// Reasons quote what the capture holds: escaped line by line.
			first, rest, _ := strings.Cut(r.out.reason, "\n")
			fmt.Fprintf(&b, ": %s", termtext.Escape(first))
			if rest != "" {
				b.WriteString("\n" + indent(rest, "    "))
			}
		}
		b.WriteString("\n")
	}
	noun := "rules"
	if len(results) == 1 {
		noun = "rule"
	}
	fmt.Fprintf(&b, "%d %s: %d passed, %d failed\n", len(results), noun, len(results)-failed, failed)
	_, err := io.WriteString(w, b.String())
	return err
}

func indent(s, pre string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pre + termtext.Escape(strings.TrimLeft(l, " "))
	}
	return strings.Join(lines, "\n")
}

// JUnit XML, the subset CI systems (Jenkins, GitLab, GitHub actions
// reporters) read: one testsuite per rules file, one testcase per rule.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// writeJUnit writes the results as JUnit XML to path.
func writeJUnit(path, file string, captures []string, results []result) error {
	suite := junitSuite{Name: file, Tests: len(results)}
	for _, r := range results {
		c := junitCase{Name: r.name, Classname: strings.TrimSuffix(file, ".yaml")}
		if r.out.pass {
			c.SystemOut = r.out.reason
		} else {
			first, _, _ := strings.Cut(r.out.reason, "\n")
			text := fmt.Sprintf("%s:%d: %s\ncaptures: %s", file, r.line, r.out.reason, strings.Join(captures, " "))
			if len(r.out.nums) > 0 {
				text += fmt.Sprintf("\nmessages: %s", joinNums(r.out.nums, r.out.more))
			}
			c.Failure = &junitFailure{Message: first, Type: r.kind, Text: text}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Name: "ctishark check", Tests: suite.Tests, Failures: suite.Failures, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	out = append([]byte(xml.Header), append(out, '\n')...)
	return os.WriteFile(path, out, 0o644)
}

func joinNums(nums []int, more int) string {
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = fmt.Sprint(n)
	}
	out := strings.Join(s, ",")
	if more > 0 {
		out += fmt.Sprintf(" (+%d more)", more)
	}
	return out
}
