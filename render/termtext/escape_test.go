package termtext

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mlopez", "mlopez"},
		{"José Müller", "José Müller"}, // printable UTF-8 stays
		{"\x1b]2;pwned\a", `\033]2;pwned\a`},
		{"\x1b[2J", `\033[2J`},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"\v\f\b\x00\x7f", `\v\f\b\000\177`},
		{`CORP\jdoe`, `CORP\\jdoe`},
		{"user\u202egnp.exe", `user\u202egnp.exe`},
		{"\u200b\u2066x\u2069\ufeff", `\u200b\u2066x\u2069\ufeff`},
		{"\u009b31m", `\u009b31m`}, // C1 CSI
		{"bad\xffbyte", `bad\xffbyte`},
		{"", ""},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEscapeCleanTextDoesNotAllocate(t *testing.T) {
	s := "AGENT_STATE_EVENT agent mlopez (ext 1001) José"
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("%v allocations for clean text", n)
	}
}
