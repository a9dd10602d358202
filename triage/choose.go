package triage

import (
	"slices"

	"carebot/ticket"
)

// When the words name two services about equally ("Epic down on 3N, can't
// scan meds": the EHR or the scanner?), guessing routes half of such
// tickets to the wrong team. Triage asks instead: the first question offers
// the two best categories as buttons, and the answer decides.

// CategoryScore is how strongly a message names one category: the sum of
// its keywords' weights and nudges (see classify).
type CategoryScore struct {
	Category ticket.Category `json:"category"`
	Score    int             `json:"score"`
}

// How close two categories must be for triage to ask. The runner-up must be
// named by at least one keyword that names a thing (weight 3 or more), and
// trail the best by at most one nudge, or score at least three quarters of
// it. A wider gap is a confident guess, and a question would only slow the
// requester.
const (
	closeMargin   = 1
	closeMinScore = 3
)

// close reports whether a runner-up scoring b is too close to a best score a
// to guess between them.
func close(a, b int) bool {
	return b >= closeMinScore && (a-b <= closeMargin || 4*b >= 3*a)
}

// Choices returns the two categories triage cannot tell apart, best first,
// or nil when the best one is clear. "other" is never offered: it is what a
// message with no better category gets.
func (d Draft) Choices() []ticket.Category {
	if len(d.Scores) < 2 {
		return nil
	}
	a, b := d.Scores[0], d.Scores[1]
	if a.Category == ticket.CategoryOther || b.Category == ticket.CategoryOther ||
		!close(a.Score, b.Score) {
		return nil
	}
	return []ticket.Category{a.Category, b.Category}
}

// choiceWords are short answers that pick an offered category by position.
var choiceWords = map[string]int{
	"first": 0, "1": 0, "former": 0,
	"second": 1, "2": 1, "latter": 1, "other": 1,
}

// AnswerCategory reads a free-text answer to the category question: the
// offered category the reply names best ("it's the scanner", "epic"), or
// one picked by position ("the first one", "2"). A shrug ("not sure",
// "both") keeps triage's best guess, the first choice, so the requester is
// never stuck on a question they cannot answer. ok is false when the reply
// names neither.
func AnswerCategory(text string, choices []ticket.Category, opts Options) (ticket.Category, bool) {
	if len(choices) == 0 {
		return "", false
	}
	text = Clean(text)
	r := read(text, opts)
	for _, s := range r.scores {
		if slices.Contains(choices, s.Category) {
			return s.Category, true
		}
	}
	for _, t := range r.terms {
		if k, ok := choiceWords[t.w]; ok && k < len(choices) {
			return choices[k], true
		}
		if t.w == "both" || t.w == "either" {
			return choices[0], true
		}
	}
	if unsure(text) {
		return choices[0], true
	}
	return "", false
}
