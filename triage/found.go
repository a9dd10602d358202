package triage

import (
	"regexp"
	"slices"
	"strings"
)

// builtinMarkers are the texts Redact puts in place of each built-in kind
// of identifier.
var builtinMarkers = [][2]string{
	{"DOB", "[DOB removed]"},
	{"MBI", "[Medicare ID removed]"},
	{"MRN", "[MRN removed]"},
	{"NAME", "[patient name removed]"},
	{"PHONE", "[phone removed]"},
	{"SSN", "[SSN removed]"},
}

// Found counts the redaction markers in text: what Redact removed from it,
// whether now or before it was stored. custom are the configured patterns,
// whose markers are "[NAME removed]". Findings are sorted by type.
func Found(text string, custom map[string]*regexp.Regexp) []PHIFinding {
	var out []PHIFinding
	add := func(typ, marker string) {
		if n := strings.Count(text, marker); n > 0 {
			out = append(out, PHIFinding{Type: typ, Count: n})
		}
	}
	for _, m := range builtinMarkers {
		add(m[0], m[1])
	}
	for name := range custom {
		if !slices.ContainsFunc(builtinMarkers, func(m [2]string) bool { return m[0] == name }) {
			add(name, "["+name+" removed]")
		}
	}
	slices.SortFunc(out, func(a, b PHIFinding) int { return strings.Compare(a.Type, b.Type) })
	return out
}
