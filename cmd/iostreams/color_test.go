package iostreams

import "testing"

// --color always and never win over NO_COLOR; auto follows it and the TTY.
func TestColorModeAgainstNoColor(t *testing.T) {
	for _, c := range []struct {
		mode         string
		tty, noColor bool
		want         bool
	}{
		{"always", false, true, true},
		{"always", true, true, true},
		{"never", true, false, false},
		{"auto", true, true, false},
		{"auto", true, false, true},
		{"auto", false, false, false},
	} {
		s, _, _, _ := Test()
		s.SetStdoutTTY(c.tty)
		s.SetNoColorEnv(c.noColor)
		if err := s.SetColorMode(c.mode); err != nil {
			t.Fatal(err)
		}
		if got := s.ColorEnabled(); got != c.want {
			t.Errorf("--color %s, tty %v, NO_COLOR %v: colour %v, want %v", c.mode, c.tty, c.noColor, got, c.want)
		}
	}
}
