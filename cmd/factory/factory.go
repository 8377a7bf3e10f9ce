// Package factory holds what every command needs from its surroundings,
// so commands take it as one argument and tests can build their own.
package factory

import "github.com/ctishark/ctishark/cmd/iostreams"

// Factory is passed to every NewCmdX constructor.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Version   string
}

// New returns the factory of the real process.
func New(version string) *Factory {
	return &Factory{IOStreams: iostreams.System(), Version: version}
}
