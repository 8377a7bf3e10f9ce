//go:build unix

package iostreams

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth asks the terminal on f for its column count (0 when it
// cannot tell).
func terminalWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
