package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
)

// --junit never overwrites what check reads: the capture or the rules
// file, by name or through a symbolic link.
func TestJUnitRefusesInputs(t *testing.T) {
	capture, _ := generated(t, gen.DefaultConfig())
	dir := t.TempDir()
	rules := writeFile(t, dir, "ci.yaml", "rules:\n  - name: no failures\n    no_failures: {}\n")
	link := filepath.Join(dir, "link.pcap")
	if err := os.Symlink(capture, link); err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(capture)
	for _, out := range []string{capture, rules, link} {
		r := run(t, "--junit", out, rules, capture)
		if r.code != 2 || !strings.Contains(r.err, "--junit") || !strings.Contains(r.err, "would overwrite") {
			t.Errorf("--junit %s: exit %d, %q", filepath.Base(out), r.code, r.err)
		}
	}
	if got, _ := os.ReadFile(capture); string(got) != string(orig) {
		t.Error("the capture changed")
	}
	if got, _ := os.ReadFile(rules); !strings.HasPrefix(string(got), "rules:") {
		t.Error("the rules file changed")
	}
}
