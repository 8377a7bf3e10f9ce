// Package wiresharkplugin implements `ctishark wireshark-plugin`: it prints
// the Wireshark Lua dissector generated from the catalog (zcti.lua, made by
// dissect/internal/genlua), so captures open in the Wireshark GUI with
// ctishark's decode and filter names.
package wiresharkplugin

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/spf13/cobra"
)

// Script is the generated plugin: one self-contained Lua file.
//
//go:embed zcti.lua
var Script []byte

// FileName is the name the plugin is installed under.
const FileName = "ctishark-cti.lua"

// WiresharkPluginOptions are the flags of `ctishark wireshark-plugin`.
type WiresharkPluginOptions struct {
	IO *iostreams.IOStreams

	Output string // file to write; "" or "-" is standard output
}

// NewCmdWiresharkPlugin returns the wireshark-plugin command; runF replaces
// wiresharkPluginRun in tests.
func NewCmdWiresharkPlugin(f *factory.Factory, runF func(*WiresharkPluginOptions) error) *cobra.Command {
	opts := &WiresharkPluginOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "wireshark-plugin [-o FILE]",
		Short: "Print the Wireshark Lua dissector for the CTI protocol",
		Long: `Wireshark-plugin prints a Lua dissector for Wireshark 3.6 and later (one
self-contained file), generated from the same catalog as ctishark: the same
messages, fields and filter names (cti.AgentID, cti.msg_type...), the same
floating-header rules (per-dialect version map, layout evidence per
connection), expert items and Info column, the session's notes (said once,
as a text item under the message at which the connection learnt them), and
request/confirm pairing by InvokeID (cti.response_in, cti.request_in,
cti.response_time).

It decodes the CTI server ports (default 42027 and 12028) and finds CTI on
other TCP ports heuristically. Preferences (Edit > Preferences > Protocols >
CTI) set the ports, force the protocol version or floating header layout,
and show ClientPassword/AgentPassword (masked by default). For captures with
reordered segments also enable Protocols > TCP > "Reassemble out-of-order
segments" (off by default in Wireshark 4.0), as ctishark reassembles them.

Install it by saving it in Wireshark's personal Lua plugins folder, then
restart Wireshark or use Analyze > Reload Lua Plugins (Ctrl+Shift+L):

  Windows:        %APPDATA%\Wireshark\plugins\` + FileName + `
  macOS, Linux:   ~/.local/lib/wireshark/plugins/` + FileName + `

Help > About Wireshark > Folders shows the folder of your installation
("Personal Lua Plugins"); create it if it does not exist. To try it once
without installing: wireshark -X lua_script:FILE capture.pcap (or tshark).`,
		Example: `  # Linux and macOS
  mkdir -p ~/.local/lib/wireshark/plugins
  ctishark wireshark-plugin -o ~/.local/lib/wireshark/plugins/` + FileName + `

  # Windows (PowerShell)
  mkdir -Force $env:APPDATA\Wireshark\plugins
  ctishark wireshark-plugin -o $env:APPDATA\Wireshark\plugins\` + FileName + `

  # one-off, without installing
  ctishark wireshark-plugin -o cti.lua
  tshark -X lua_script:cti.lua -r capture.pcap -Y 'cti.msg_type == "AGENT_STATE_EVENT"'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return wiresharkPluginRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the plugin to `FILE` instead of standard output")
	return cmd
}

func wiresharkPluginRun(o *WiresharkPluginOptions) error {
	if o.Output == "" || o.Output == "-" {
		_, err := o.IO.Out.Write(Script)
		return err
	}
	if err := writeFile(o.Output, Script); err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "wrote %s (%d bytes)\n", o.Output, len(Script))
	return nil
}

// writeFile writes b to path through a temporary file beside it, so a
// Wireshark loading the plugins folder never reads half a script.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ctishark-*.lua.tmp")
	if err != nil {
		return fmt.Errorf("wireshark-plugin: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("wireshark-plugin: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("wireshark-plugin: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("wireshark-plugin: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("wireshark-plugin: %w", err)
	}
	return nil
}
