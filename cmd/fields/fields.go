// Package fields implements `ctishark fields`: every field a display filter
// can name, with its type, the messages that carry it and its named values,
// like `tshark -G fields`.
package fields

import (
	"fmt"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/internal/report"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect/filter"
	"github.com/spf13/cobra"
)

// FieldsOptions are the flags and arguments of `ctishark fields`.
type FieldsOptions struct {
	IO *iostreams.IOStreams

	Match  string // optional argument: substring of the field name
	Format string // table or json
	Enums  bool   // print the value tables too (table view)
}

// NewCmdFields returns the fields command; runF replaces fieldsRun in tests.
func NewCmdFields(f *factory.Factory, runF func(*FieldsOptions) error) *cobra.Command {
	opts := &FieldsOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "fields [flags] [NAME]",
		Short: "List the fields display filters can use",
		Long: `Fields lists every field a display filter (-Y) can name: message fields
by their filter name (cti.AgentState), their parts (cti.NamedVariable.name,
cti.CallingDeviceID.primary) and the capture metadata (cti.num, cti.dir,
cti.response_time...). Each comes with its type, the messages that carry it
and how many named values (enum names, or mask bits to test with &) it has.

NAME keeps the fields whose name contains it (case-insensitive). --enums
prints the named values; -T json prints everything as a stable JSON array.`,
		Example: `  ctishark fields
  ctishark fields Agent
  ctishark fields --enums cti.AgentState
  ctishark fields -T json | jq '.[] | select(.mask) | .name'`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return factory.Usagef("fields takes at most one NAME to look for")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Match = args[0]
			}
			if opts.Format != "table" && opts.Format != "json" {
				return factory.Usagef("-T must be table or json")
			}
			if runF != nil {
				return runF(opts)
			}
			return fieldsRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	report.AddFormatFlag(fl, &opts.Format)
	fl.BoolVar(&opts.Enums, "enums", false, "print the named values and mask bits of each field")
	return cmd
}

// selected returns the fields whose name contains match, ignoring case.
func selected(match string) []filter.FieldInfo {
	all := filter.Fields()
	if match == "" {
		return all
	}
	m := strings.ToLower(match)
	var out []filter.FieldInfo
	for _, f := range all {
		if strings.Contains(strings.ToLower(f.Name), m) {
			out = append(out, f)
		}
	}
	return out
}

func fieldsRun(o *FieldsOptions) error {
	fs := selected(o.Match)
	if len(fs) == 0 {
		fmt.Fprintf(o.IO.ErrOut, "ctishark: no field name contains %q\n", o.Match)
		return &factory.SilentError{Code: factory.ExitError}
	}
	if o.Format == "json" {
		return writeJSON(o.IO.Out, fs)
	}
	tty := o.IO.IsStdoutTTY()
	if err := writeTable(o.IO.Out, tty, []string{"NAME", "TYPE", "VALUES", "MESSAGES", "DESCRIPTION"}, fieldRows(fs)); err != nil {
		return err
	}
	if !o.Enums {
		return nil
	}
	rows := valueRows(fs)
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(o.IO.Out)
	return writeTable(o.IO.Out, tty, []string{"FIELD", "VALUE", "NAME"}, rows)
}
