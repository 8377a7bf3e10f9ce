package view

import (
	"strings"

	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/ctishark/ctishark/render"
	"github.com/spf13/cobra"
)

// Values completes a flag with a fixed list (shell completion).
func Values(vals ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return vals, cobra.ShellCompDirectiveNoFileComp
	}
}

// ColorValues are --color's values.
var ColorValues = []string{"auto", "always", "never"}

// fieldNames completes -e with the filter names (and the generic
// aliases), those starting with what was typed.
func fieldNames(_ *cobra.Command, _ []string, typed string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, f := range filter.Fields() {
		if strings.HasPrefix(f.Name, typed) {
			out = append(out, f.Name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// addCompletions registers the value completions of the shared flags.
func addCompletions(cmd *cobra.Command) {
	formats := []string{}
	for _, f := range render.Formats {
		formats = append(formats, string(f))
	}
	formats = append(formats, string(render.FormatFields))
	cmd.RegisterFlagCompletionFunc("format", Values(formats...))
	cmd.RegisterFlagCompletionFunc("time", Values(render.TimeFormatNames...))
	cmd.RegisterFlagCompletionFunc("color", Values(ColorValues...))
	cmd.RegisterFlagCompletionFunc("field", fieldNames)
	cmd.RegisterFlagCompletionFunc("field-option", Values("separator=", "aggregator=", "header=y", "header=n", "quote=d", "quote=s", "quote=n", "occurrence=f", "occurrence=l", "occurrence=a", "display=y", "display=n"))
}
