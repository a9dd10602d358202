package triage

// SelfHelpEntry is an answer offered before a ticket is routed, with the
// keywords that call for it (lower case; a keyword may be a phrase).
type SelfHelpEntry struct {
	Keywords []string
	Answer   string
}

// MatchSelfHelp returns the answer of the first entry any of whose keywords
// appears in the draft's text as a whole word or phrase ("reset" matches
// "please reset my password" but not "resetting"). Misspellings triage knows
// are corrected first, so "pasword" matches "password".
func MatchSelfHelp(d Draft, opts Options) (string, bool) {
	if len(opts.SelfHelp) == 0 || d.Text == "" {
		return "", false
	}
	terms := textTerms(d.Text)
	at := make(map[string][]int, len(terms))
	for i, t := range terms {
		at[t.w] = append(at[t.w], i)
	}
	for _, e := range opts.SelfHelp {
		for _, kw := range e.Keywords {
			ws := words(kw)
			if len(ws) == 0 {
				continue
			}
			for _, i := range at[ws[0]] {
				if phraseAt(terms, i, ws) {
					return e.Answer, true
				}
			}
		}
	}
	return "", false
}

// phraseAt reports whether the words ws appear at terms[i:].
func phraseAt(terms []term, i int, ws []string) bool {
	if i+len(ws) > len(terms) {
		return false
	}
	for k, w := range ws {
		if terms[i+k].w != w {
			return false
		}
	}
	return true
}
