package ladder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
)

// ladder -o (and -w) never overwrites a capture it reads, by name or
// through a hard link.
func TestOutputRefusesInput(t *testing.T) {
	path, data, _ := testutil.Capture(t, gen.DefaultConfig())
	hard := filepath.Join(t.TempDir(), "hard.pcap")
	if err := os.Link(path, hard); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	for _, args := range [][]string{{"-o", path}, {"-w", path}, {"-o", hard}} {
		_, _, err := run(t, nil, append(args, path)...)
		if testutil.ExitCode(err) != 2 || !strings.Contains(err.Error(), "would overwrite") {
			t.Errorf("%v: %v", args, err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Error("the capture changed")
	}
}
