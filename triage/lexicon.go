package triage

import (
	"embed"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The name detector's word lists, embedded so the binary needs no files.
// lexicon/SOURCES.md says where each list comes from and under what licence.
//
//go:embed lexicon/firstnames.txt lexicon/surnames.txt lexicon/words.txt lexicon/safe.txt
var lexiconFS embed.FS

// lexWord flags what a lower-case word is in the lexicons.
type lexWord uint8

const (
	lexFirst  lexWord = 1 << iota // a given name in public name data
	lexLast                       // a family name in public name data
	lexCommon                     // an everyday English word (SCOWL size 20 or below)
	lexKnown                      // an English word, common or not
	lexSafe                       // clinical, IT, unit or carebot vocabulary: never a name
)

// lexicon maps lower-case words to what they are. It is built once, on first
// use, from the embedded lists: about 80,000 words, a few megabytes.
var lexicon = sync.OnceValue(func() map[string]lexWord {
	m := make(map[string]lexWord, 90000)
	read := func(name string, each func(fields []string)) {
		b, err := lexiconFS.ReadFile("lexicon/" + name)
		if err != nil {
			panic("triage: embedded lexicon " + name + " is missing: " + err.Error())
		}
		for line := range strings.Lines(string(b)) {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			each(strings.Fields(line))
		}
	}
	read("firstnames.txt", func(f []string) { m[f[0]] |= lexFirst })
	read("surnames.txt", func(f []string) { m[f[0]] |= lexLast })
	read("words.txt", func(f []string) {
		w := lexKnown
		if len(f) > 1 {
			if tier, err := strconv.Atoi(f[1]); err == nil && tier <= 20 {
				w |= lexCommon
			}
		}
		m[f[0]] |= w
	})
	read("safe.txt", func(f []string) {
		for _, w := range f {
			m[w] |= lexSafe
		}
	})
	return m
})

// lexLookup returns what word s is, whatever its case; no allocation for an
// ASCII word of up to 32 bytes.
func lexLookup(s string) lexWord {
	m := lexicon()
	var buf [32]byte
	if len(s) <= len(buf) {
		ascii := true
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			return m[string(buf[:len(s)])]
		}
	}
	low := strings.ToLower(s)
	if w, ok := m[low]; ok {
		return w
	}
	return m[foldAccents(low)]
}

// foldAccents drops the accents of Latin letters: "núñez" reads "nunez".
func foldAccents(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := accentFold[r]; ok {
			b.WriteRune(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var accentFold = func() map[rune]rune {
	m := map[rune]rune{}
	for _, p := range []struct{ from, to string }{
		{"àáâãäåā", "a"}, {"çćč", "c"}, {"èéêëēė", "e"}, {"ìíîïī", "i"}, {"ñń", "n"},
		{"òóôõöøō", "o"}, {"ùúûüū", "u"}, {"ýÿ", "y"}, {"šś", "s"}, {"žźż", "z"}, {"ł", "l"},
		{"ğ", "g"}, {"ř", "r"}, {"ď", "d"}, {"ť", "t"},
	} {
		for _, r := range p.from {
			m[r] = rune(p.to[0])
		}
	}
	return m
}()
