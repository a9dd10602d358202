package triage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// term is one word of a message: a run of letters and digits, lower-cased,
// with apostrophes inside it dropped ("can't" reads "cant", "wow's" reads
// "wows"). Every other character separates words, so "wi-fi" is two terms
// and "L&D" is "l" "d"; keywords are split the same way, so they match.
type term struct {
	w          string // lower case; a known misspelling is replaced by its word
	start, end int    // byte offsets of the word in the text
	hyphen     bool   // exactly one '-' separates it from the previous term
	stop       bool   // a sentence ends between it and the previous term
}

// splitTerms cuts text into terms in one pass. The lower-cased words share
// one string, so the cost is two allocations whatever the length.
func splitTerms(text string) []term {
	terms := make([]term, 0, len(text)/5+1)
	lower := make([]byte, 0, len(text))
	offs := make([]int, 0, len(text)/5+1) // where each term starts in lower
	prevEnd := 0
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		if !isWordRune(r) {
			i += size
			continue
		}
		t := term{start: i}
		gap := text[prevEnd:i]
		t.hyphen = len(terms) > 0 && gap == "-"
		t.stop = strings.ContainsAny(gap, ".!?;\n")
		offs = append(offs, len(lower))
		for i < len(text) {
			r, size = rune(text[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(text[i:])
			}
			if isApostrophe(r) && i+size < len(text) {
				// An apostrophe between letters joins them: "can't", "pt's".
				next, _ := utf8.DecodeRuneInString(text[i+size:])
				if unicode.IsLetter(next) && len(lower) > offs[len(offs)-1] {
					i += size
					continue
				}
			}
			if !isWordRune(r) {
				break
			}
			switch {
			case 'A' <= r && r <= 'Z':
				lower = append(lower, byte(r)+'a'-'A')
			case r < utf8.RuneSelf:
				lower = append(lower, byte(r))
			default:
				lower = utf8.AppendRune(lower, unicode.ToLower(r))
			}
			i += size
		}
		t.end = i
		prevEnd = i
		terms = append(terms, t)
	}
	all := string(lower)
	for k := range terms {
		end := len(all)
		if k+1 < len(offs) {
			end = offs[k+1]
		}
		terms[k].w = all[offs[k]:end]
	}
	return terms
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '`' }

// words splits a keyword or phrase the way splitTerms splits a message.
func words(phrase string) []string {
	ts := splitTerms(phrase)
	ws := make([]string, len(ts))
	for i, t := range ts {
		ws[i] = t.w
	}
	return ws
}

// isDigits reports whether s is all ASCII digits (and not empty).
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isLetters reports whether s is all ASCII letters (and not empty).
func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// leadingDigits returns how many ASCII digits s starts with.
func leadingDigits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// phrases is a keyword table: each entry is a phrase of one or more words
// with a value, looked up by its first word. Matching is on whole words; the
// last word may carry a plural "s" ("printers" matches "printer", "thin
// clients" matches "thin client").
type phrases[V any] struct {
	byFirst map[string][]phraseEntry[V]
}

type phraseEntry[V any] struct {
	words []string
	val   V
}

func newPhrases[V any]() *phrases[V] {
	return &phrases[V]{byFirst: map[string][]phraseEntry[V]{}}
}

// add puts phrase in the table. A phrase that splits into no words is
// ignored.
func (p *phrases[V]) add(phrase string, val V) {
	ws := words(phrase)
	if len(ws) == 0 {
		return
	}
	p.byFirst[ws[0]] = append(p.byFirst[ws[0]], phraseEntry[V]{words: ws, val: val})
}

// match returns the longest phrase that starts at terms[i] and how many
// terms it covers (0 when none does). Among phrases of the same length the
// one added first wins, so the result never depends on map order. Terms for
// which skip is true never match.
func (p *phrases[V]) match(terms []term, i int, skip []bool) (V, int) {
	var best V
	n := 0
	if p == nil || len(p.byFirst) == 0 {
		return best, 0
	}
	w := terms[i].w
	for _, e := range p.byFirst[w] {
		if len(e.words) > n && termsMatch(terms, i, e.words, skip) {
			best, n = e.val, len(e.words)
		}
	}
	if n == 0 && len(w) > 3 && w[len(w)-1] == 's' {
		for _, e := range p.byFirst[w[:len(w)-1]] {
			if len(e.words) == 1 && !masked(skip, i) {
				return e.val, 1
			}
		}
	}
	return best, n
}

// termsMatch reports whether the words ws appear at terms[i:], the last
// one perhaps with a plural "s". Masked terms never match.
func termsMatch(terms []term, i int, ws []string, skip []bool) bool {
	if i+len(ws) > len(terms) {
		return false
	}
	for k, want := range ws {
		if masked(skip, i+k) {
			return false
		}
		got := terms[i+k].w
		if got == want {
			continue
		}
		if k == len(ws)-1 && len(got) == len(want)+1 && got[len(want)] == 's' && got[:len(want)] == want {
			continue
		}
		return false
	}
	return true
}

func masked(skip []bool, i int) bool { return skip != nil && skip[i] }

// phraseMatch returns how many terms from i the phrase p covers, or 0 when
// it does not match there. It matches configured names and keywords without
// splitting them first, so it costs no allocation: plain ASCII phrases are
// compared word by word, case-insensitively; others are split with words.
// When plural is set the last word may carry a plural "s", as in the
// phrase tables.
func phraseMatch(p string, terms []term, i int, skip []bool, plural bool) int {
	if !plainASCII(p) {
		ws := words(p)
		if len(ws) == 0 || !termsMatch(terms, i, ws, skip) || !plural && terms[i+len(ws)-1].w != ws[len(ws)-1] {
			return 0
		}
		return len(ws)
	}
	k := i
	for pos := 0; ; {
		for pos < len(p) && !isASCIIAlnum(p[pos]) {
			pos++
		}
		if pos == len(p) {
			break
		}
		end := pos
		for end < len(p) && isASCIIAlnum(p[end]) {
			end++
		}
		if k >= len(terms) || masked(skip, k) {
			return 0
		}
		last := true
		for r := end; r < len(p); r++ {
			if isASCIIAlnum(p[r]) {
				last = false
				break
			}
		}
		if !wordFold(terms[k].w, p[pos:end], plural && last) {
			return 0
		}
		k++
		pos = end
	}
	return k - i
}

// wordFold reports whether the lower-case term w is the word p in any case,
// or, when plural is set, p with an "s".
func wordFold(w, p string, plural bool) bool {
	if len(w) != len(p) && !(plural && len(w) == len(p)+1 && w[len(p)] == 's') {
		return false
	}
	for j := 0; j < len(p); j++ {
		c := p[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if w[j] != c {
			return false
		}
	}
	return true
}

// plainASCII reports whether p has only ASCII letters, digits and
// separators other than apostrophes.
func plainASCII(p string) bool {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= utf8.RuneSelf || c == '\'' || c == '`' {
			return false
		}
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// firstFold returns the first letter or digit of p, lower-cased, or 0.
func firstFold(p string) byte {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			return c
		}
		if c >= utf8.RuneSelf {
			return 0
		}
	}
	return 0
}

// sameWords reports whether a and b split into the same words, ignoring
// case: "l&d" and "L & D" do.
func sameWords(a, b string) bool {
	if !plainASCII(a) || !plainASCII(b) {
		wa, wb := words(a), words(b)
		if len(wa) != len(wb) {
			return false
		}
		for i := range wa {
			if wa[i] != wb[i] {
				return false
			}
		}
		return true
	}
	i, j := 0, 0
	for {
		for i < len(a) && !isASCIIAlnum(a[i]) {
			i++
		}
		for j < len(b) && !isASCIIAlnum(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		ei, ej := i, j
		for ei < len(a) && isASCIIAlnum(a[ei]) {
			ei++
		}
		for ej < len(b) && isASCIIAlnum(b[ej]) {
			ej++
		}
		if !strings.EqualFold(a[i:ei], b[j:ej]) {
			return false
		}
		i, j = ei, ej
	}
}
