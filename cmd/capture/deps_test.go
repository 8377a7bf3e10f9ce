package capture

import (
	"os/exec"
	"strings"
	"testing"
)

// The Go API links no output or terminal library: a test importing it
// must not pull in render, tablewriter, the colour libraries or isatty.
func TestAPILinksNoRenderer(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies with")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed %q", out)
	}
	for _, d := range deps {
		for _, bad := range []string{"github.com/ctishark/ctishark/render", "tablewriter", "fatih/color", "go-isatty", "go-colorable"} {
			if strings.Contains(d, bad) {
				t.Errorf("cmd/capture depends on %s", d)
			}
		}
	}
}
