package triage

import (
	"strings"

	"carebot/ticket"
)

// Answers come by button (the value is the answer itself: "blocked",
// "slowed", "not_affected", "one", "unit", "several_units") or as a reply in
// the requester's own words. Answer reads a reply; With applies a value to a
// draft.
//
// What Answer accepts:
//   - AskCare: anything Parse reads as patient care ("can't give meds",
//     "slow but working", "we have a workaround", "no patients affected"),
//     then a bare yes (blocked), no (not affected), or "kind of"/"a little"
//     (slowed). It returns string(Care).
//   - AskScope: "just me", "only my pc", "whole unit", "everyone on 4W",
//     "all floors", "the whole hospital", a bare "me"/"unit"/"several", two
//     units named (several units). It returns string(Scope).
//   - AskLocation: any location Parse reads; a bare number is a room ("4W
//     12" reads "4 West, room 12"). It returns the normalised location.
//   - AskDevice: a device ID as Parse reads it, or one word with three or
//     more digits ("004512"); "skip", "don't know", "no sticker" and the like
//     return "" with ok true.
// Anything else returns ok false, and the question stays open.

// careWords are short answers to "is patient care affected?".
var careWords = map[string]Care{
	"yes": CareBlocked, "yeah": CareBlocked, "yep": CareBlocked, "yup": CareBlocked, "y": CareBlocked,
	"absolutely": CareBlocked, "definitely": CareBlocked, "totally": CareBlocked, "completely": CareBlocked,
	"no": CareNone, "nope": CareNone, "nah": CareNone, "n": CareNone, "none": CareNone, "unaffected": CareNone,
	"somewhat": CareSlowed, "partly": CareSlowed, "partially": CareSlowed, "kinda": CareSlowed, "slowed": CareSlowed,
	"bit": CareSlowed, "little": CareSlowed, "sort": CareSlowed, "kind": CareSlowed, "some": CareSlowed, "delayed": CareSlowed,
}

// scopeWords are short answers to "who is affected?".
var scopeWords = map[string]Scope{
	"me": ScopeOne, "myself": ScopeOne, "mine": ScopeOne, "one": ScopeOne, "1": ScopeOne, "single": ScopeOne,
	"alone": ScopeOne, "individual": ScopeOne,
	"unit": ScopeUnit, "floor": ScopeUnit, "department": ScopeUnit, "dept": ScopeUnit, "us": ScopeUnit,
	"we": ScopeUnit, "team": ScopeUnit, "all": ScopeUnit, "few": ScopeUnit, "multiple": ScopeUnit,
	"everyone": ScopeUnit, "whole": ScopeUnit, "pod": ScopeUnit, "ward": ScopeUnit,
	"several": ScopeSite, "hospital": ScopeSite, "units": ScopeSite, "floors": ScopeSite, "site": ScopeSite,
	"many": ScopeSite, "everywhere": ScopeSite, "several_units": ScopeSite, "campus": ScopeSite,
}

// skipPhrases answer the device question without a device ID.
var skipPhrases = []string{
	"skip", "dont know", "do not know", "idk", "no idea", "not sure", "unsure", "no sticker", "no tag",
	"no label", "cant find", "can not find", "cannot find", "none", "n a", "na", "no", "nope", "pass",
	"unknown", "cant see", "dunno", "no clue", "not labeled", "not labelled", "no asset tag",
}

var skipTable = func() *phrases[bool] {
	p := newPhrases[bool]()
	for _, s := range skipPhrases {
		p.add(s, true)
	}
	return p
}()

// Answer reads a requester's free-text answer to question q. The value is
// what With takes; ok is false when the text does not answer q.
func Answer(q Question, text string, opts Options) (string, bool) {
	text = Clean(text)
	if (q == AskCare || q == AskScope) && unsure(text) {
		// "When unsure, the higher priority wins": a guess is no answer, so
		// the question stays open rather than lowering the priority.
		return "", false
	}
	switch q {
	case AskCare:
		if c := answerCare(text, opts); c != CareUnknown {
			return string(c), true
		}
	case AskScope:
		if s := answerScope(text, opts); s != ScopeUnknown {
			return string(s), true
		}
	case AskLocation:
		terms := textTerms(text)
		ids := findIDs(text, terms)
		if l := findLocation(text, terms, ids.skip, opts.Units, true); l.text != "" {
			return l.text, true
		}
	case AskDevice:
		return answerDevice(text)
	}
	return "", false
}

func answerCare(text string, opts Options) Care {
	if c := Care(strings.TrimSpace(strings.ToLower(text))); c == CareBlocked || c == CareSlowed || c == CareNone {
		return c
	}
	r := read(text, opts)
	if r.sig.care != CareUnknown {
		return r.sig.care
	}
	if len(r.sig.urgent) > 0 {
		return CareBlocked
	}
	// A bare yes, no or "a little": the most urgent short answer wins.
	best := CareUnknown
	for i, t := range r.terms {
		c, ok := careWords[t.w]
		if t.w == "not" && i+1 < len(r.terms) && r.terms[i+1].w == "really" {
			c, ok = CareNone, true
		}
		if ok && careRank(c) > careRank(best) {
			best = c
		}
	}
	return best
}

func answerScope(text string, opts Options) Scope {
	if s := Scope(strings.TrimSpace(strings.ToLower(text))); s == ScopeOne || s == ScopeUnit || s == ScopeSite {
		return s
	}
	r := read(text, opts)
	best := r.sig.scope
	if best == ScopeUnknown {
		for _, t := range r.terms {
			if s, ok := scopeWords[t.w]; ok && scopeRank(s) > scopeRank(best) {
				best = s
			}
		}
	}
	if best == ScopeUnknown && r.loc.units == 1 {
		best = ScopeUnit // "4 West": the unit named
	}
	return best
}

func answerDevice(text string) (string, bool) {
	terms := textTerms(text)
	if ids := findIDs(text, terms); ids.device != "" {
		return ids.device, true
	}
	for _, t := range terms {
		if n := digitCount(t.w); n >= 3 && len(t.w) <= 20 && !(t.w[0] == 'x' && n == len(t.w)-1) {
			return text[t.start:t.end], true
		}
	}
	for i := range terms {
		if _, n := skipTable.match(terms, i, nil); n > 0 {
			return "", true
		}
	}
	return "", false
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}

// careRank orders care answers from unknown to most urgent.
func careRank(c Care) int {
	switch c {
	case CareNone:
		return 1
	case CareSlowed:
		return 2
	case CareBlocked:
		return 3
	}
	return 0
}

// With returns the draft with an answer applied: for AskCategory the
// category chosen, for AskCare a Care value,
// for AskScope a Scope value, for AskLocation a location, for AskDevice a
// device ID. A value that does not fit the question, and an empty location
// or device (a skipped question), leave the draft as it was.
func (d Draft) With(q Question, value string) Draft {
	value = strings.TrimSpace(value)
	switch q {
	case AskCategory:
		if value != "" {
			c := ticket.Category(strings.ToLower(value))
			d.Category, d.Categories, d.Scores = c, []ticket.Category{c}, nil
		}
	case AskCare:
		if c := Care(strings.ToLower(value)); c == CareBlocked || c == CareSlowed || c == CareNone {
			d.Signals.Care = c
		}
	case AskScope:
		if s := Scope(strings.ToLower(value)); s == ScopeOne || s == ScopeUnit || s == ScopeSite {
			d.Signals.Scope = s
		}
	case AskLocation:
		if value != "" {
			d.Location = value
		}
	case AskDevice:
		if value != "" {
			d.Device = value
		}
	}
	return d
}

// unsurePhrases are replies that say the requester does not know.
var unsurePhrases = []string{
	"don't know", "dont know", "do not know", "not sure", "no idea", "no clue", "unsure", "idk",
	"i think so", "maybe", "dunno", "can't tell", "cant tell", "hard to say", "none of your business",
}

// unsure reports whether a reply is a guess or a shrug rather than an answer.
func unsure(text string) bool {
	t := strings.ToLower(strings.TrimSpace(text))
	if t == "?" || strings.Trim(t, "?. !") == "" {
		return true
	}
	for _, p := range unsurePhrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}
