package termtext

import (
	"strconv"
	"unicode/utf8"
)

// Escape makes text from the wire safe to print on a person's terminal, the
// way tshark does: C0 controls and DEL become C escapes (\a \b \t \n \v \f
// \r) or three-digit octal (\033 for ESC), a backslash is doubled so the
// result reads back unambiguously, C1 controls and the invisible or
// direction-changing format characters (bidi overrides such as U+202E, zero
// widths, line and paragraph separators) become \uXXXX, and bytes that are
// not UTF-8 become \xHH. Text with none of these is returned as it is,
// without allocating. Every text view and the -T fields cells use it; JSON,
// XML and SVG keep their own escaping.
func Escape(s string) string {
	for i := 0; i < len(s); {
		c := s[i]
		n := 1
		bad := c < 0x20 || c == 0x7f || c == '\\'
		if c >= 0x80 {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			bad = (r == utf8.RuneError && n <= 1) || invisible(r)
		}
		if bad {
			return string(AppendEscape(make([]byte, 0, len(s)+8), s))
		}
		i += n
	}
	return s
}

// AppendEscape appends the escaped form of s, text or bytes, to b (see
// Escape): a view escaping text it built in a buffer need not make a
// string of it first.
func AppendEscape[S ~string | ~[]byte](b []byte, s S) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch {
			case c == '\\':
				b = append(b, '\\', '\\')
			case c >= 0x20 && c != 0x7f:
				b = append(b, c)
			case c >= '\a' && c <= '\r':
				b = append(b, '\\', "abtnvfr"[c-'\a'])
			default:
				b = append(b, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
			}
			i++
			continue
		}
		// A rune is at most 4 bytes: converting them copies on the stack.
		r, n := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && n <= 1:
			b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&0xf])
		case invisible(r):
			b = append(b, '\\', 'u')
			h := strconv.FormatUint(uint64(r), 16)
			for k := len(h); k < 4; k++ {
				b = append(b, '0')
			}
			b = append(b, h...)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

const hexDigit = "0123456789abcdef"

// invisible reports the non-ASCII runes a terminal would act on or hide
// rather than show: C1 controls and the Unicode format characters that
// reorder, join or break text (so that what is printed is what was sent).
func invisible(r rune) bool {
	switch {
	case r >= 0x80 && r < 0xa0: // C1 controls (CSI is 0x9b)
		return true
	case r == 0xad, r == 0x061c, r == 0x180e: // soft hyphen, Arabic letter mark, Mongolian vowel separator
		return true
	case r >= 0x200b && r <= 0x200f: // zero widths, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // line/paragraph separators, bidi embeddings and overrides
		return true
	case r >= 0x2060 && r <= 0x206f: // word joiner, invisible operators, bidi isolates
		return true
	case r == 0xfeff, r >= 0xfff9 && r <= 0xfffb: // BOM / zero-width no-break space, interlinear annotation
		return true
	}
	return false
}
