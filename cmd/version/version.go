// Package version implements `ctishark version`.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/spf13/cobra"
)

// NewCmdVersion returns the version command.
func NewCmdVersion(f *factory.Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of ctishark",
		Example: "  ctishark version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(f.IOStreams.Out, Line(f.Version))
			return nil
		},
	}
}

// Line is what `ctishark version` and `ctishark --version` print.
func Line(v string) string {
	return fmt.Sprintf("ctishark %s (%s, %s/%s)", Resolve(v), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Resolve returns v, or the module version or VCS revision the binary was built from.
func Resolve(v string) string {
	if v != "" && v != "dev" {
		return v
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
