package iostreams

import (
	"os"
	"testing"
)

// $COLUMNS wins when it is a number; otherwise a file that is not a
// terminal has no width.
func TestWidthOf(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		columns string
		want    int
	}{{"120", 120}, {"", 0}, {"wide", 0}, {"-3", 0}} {
		if got := widthOf(f, c.columns); got != c.want {
			t.Errorf("COLUMNS=%q: %d, want %d", c.columns, got, c.want)
		}
	}
}
