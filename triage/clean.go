package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextRunes caps how much of one message carebot keeps. Real reports are a
// sentence or two; a pasted log is cut rather than stored whole.
const MaxTextRunes = 4000

// Clean makes a message safe to store: invalid UTF-8 and control characters
// (other than newlines and tabs) are dropped, runs of blank lines collapse,
// surrounding space is trimmed, and the text is cut to MaxTextRunes with an
// ellipsis. Its cost is linear in the length of text.
func Clean(text string) string {
	var b strings.Builder
	b.Grow(min(len(text), MaxTextRunes*4))
	runes, newlines := 0, 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case r == '\r':
			continue
		case r == '\n':
			newlines++
			if newlines > 2 {
				continue
			}
		case r == '\t':
			r = ' '
			newlines = 0
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		default:
			newlines = 0
		}
		if runes == MaxTextRunes {
			return strings.TrimSpace(b.String()) + "…"
		}
		b.WriteRune(r)
		runes++
	}
	return strings.TrimSpace(b.String())
}
