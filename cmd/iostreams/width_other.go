//go:build !unix

package iostreams

import "os"

// terminalWidth is unknown here; $COLUMNS still applies.
func terminalWidth(*os.File) int { return 0 }
