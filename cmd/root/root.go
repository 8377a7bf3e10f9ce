// Package root assembles the ctishark command tree and maps errors to exit codes.
package root

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/version"
	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/ctishark/ctishark/cmd/root.Version=v1.2.3".
var Version = "dev"

// NewCmdRoot returns the root command with every subcommand.
func NewCmdRoot(f *factory.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ctishark <command> [flags]",
		Short: "Analyze Cisco Unified CCX CTI protocol traffic",
		Long: `ctishark decodes the Cisco Unified CCX CTI protocol from pcap/pcapng captures
(and live traffic): every message, every field, with enum names, mask bits and
expert warnings where the bytes do not match the protocol.`,
		Example: `  ctishark read testdata/sample.pcap
  ctishark read -V -c 5 capture.pcapng
  ctishark read -T jsonl capture.pcap | jq .msg_type`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// tshark --version (and -v) habits: the same line as `ctishark version`.
	cmd.Version = version.Resolve(f.Version)
	cmd.SetVersionTemplate(version.Line(f.Version) + "\n")
	cmd.Flags().BoolP("version", "v", false, "print the version of ctishark (same as ctishark version)")
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &factory.UsageError{Err: plainFlagError(err)}
	})
	for _, sub := range subcommands(f) {
		cmd.AddCommand(sub)
	}
	cmd.AddCommand(version.NewCmdVersion(f))
	return cmd
}

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	f := factory.New(Version)
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return exitCode(f, err)
}

func exitCode(f *factory.Factory, err error) int {
	if err == nil {
		return factory.ExitOK
	}
	var silent *factory.SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	fmt.Fprintln(f.IOStreams.ErrOut, "ctishark:", err)
	var usage *factory.UsageError
	if errors.As(err, &usage) || isCobraUsage(err) {
		return factory.ExitUsage
	}
	var coder factory.ExitCoder
	if errors.As(err, &coder) {
		return coder.ExitCode()
	}
	return factory.ExitError
}

// isCobraUsage recognises the argument errors cobra makes itself.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// strconvDetail is what pflag appends to a number it cannot parse.
var strconvDetail = regexp.MustCompile(`: strconv\.Parse\w+: parsing "[^"]*": (invalid syntax|value out of range)$`)

// plainFlagError says "want a number" where pflag passes on strconv's
// wording (`-c abc`: strconv.ParseInt: parsing "abc": invalid syntax).
func plainFlagError(err error) error {
	msg := err.Error()
	if loc := strconvDetail.FindStringSubmatchIndex(msg); loc != nil {
		what := "want a number"
		if msg[loc[2]:loc[3]] == "value out of range" {
			what = "number out of range"
		}
		return errors.New(msg[:loc[0]] + ": " + what)
	}
	return err
}
