// Package triage turns a staff member's words into a draft ticket: the
// category, location, device, callback extension and affected system, and
// the signals that set a priority (patient care, scope, urgency words). It
// says which triage questions are still open, reads the answers in the
// requester's own words, and computes the priority with its reasons.
//
// It is pure: no I/O and no clock, so the same text always gives the same
// draft. Every step is one pass, or a bounded window, over the words of the
// message, so the cost is linear in its length.
package triage

import (
	"strings"

	"carebot/ticket"
)

// Options are the parts of configuration that triage reads.
type Options struct {
	// Keywords adds words per category to the built-in ones (lower case). A
	// category that is not built in is defined by its keywords alone.
	Keywords map[ticket.Category][]string
	// Impacts sets a category's service impact. Built-in categories have
	// defaults: ehr, network, pharmacy and device are high; login,
	// workstation, printer, scanner, phone and imaging medium; access and
	// other low. A configured category without an impact is low.
	Impacts map[ticket.Category]Impact
	// Units are location names to look for, such as "4 West" or "ICU".
	Units []string
	// SelfHelp are answers offered before a ticket is routed.
	SelfHelp []SelfHelpEntry
}

// Draft is what triage understood of one message.
type Draft struct {
	// Text is the text parsed: the caller passes it redacted; Parse cleans
	// it (Clean).
	Text string
	// Category is the best category; ticket.CategoryOther when nothing
	// matched.
	Category ticket.Category
	// Categories are every category the message reports a problem with,
	// best first; more than one means the message names two problems.
	Categories []ticket.Category
	// Scores are how strongly the message names each category, best
	// first; Category is the first. Empty when nothing matched, and after
	// the requester chose the category (With AskCategory).
	Scores []CategoryScore
	// Location is normalised, such as "4 West, room 412, bed B", "ED bay 7",
	// "NICU pod C", "OR 5" or "floor 3"; "" when none is named.
	Location string
	// Device is an asset tag or device ID as written, such as "WOW-4W-03"
	// or "PC004512"; "" when none is named.
	Device string
	// Callback is the requester's callback extension, such as "x4357".
	Callback string
	// System is the affected system named, such as "Epic", "Citrix",
	// "Imprivata", "Pyxis", "PACS" or "Vocera".
	System  string
	Signals Signals
	// PHI is left empty by Parse; the caller fills it from redaction.
	PHI []PHIFinding

	// parsed marks a draft that Parse made from Text, so Prioritize can use
	// what Parse read (urgency words in Signals, clinical) instead of
	// reading Text again; a draft rebuilt from a stored ticket is read.
	parsed   bool
	clinical bool // the text is about patients, meds, wristbands or labels
	safety   bool // a patient-safety call or alarm is named
}

// Parse reads one message. It never fails: an unrecognised report is
// ticket.CategoryOther with nothing else found. The same text and options
// always give the same draft.
func Parse(text string, opts Options) Draft {
	return parse(Clean(text), opts)
}

// parse reads text as it is, without cleaning or cutting it.
func parse(text string, opts Options) Draft {
	d := Draft{Text: text, Category: ticket.CategoryOther}
	r := read(text, opts)
	if len(r.cats) > 0 {
		d.Category, d.Categories, d.Scores = r.cats[0], r.cats, r.scores
	} else {
		d.Categories = []ticket.Category{ticket.CategoryOther}
	}
	d.Location = r.loc.text
	d.Device = r.ids.device
	if !r.loc.place && d.Device != "" {
		// A tag labelled with a unit says where the device lives when the
		// message names no unit: "WOW-5S-07 in rm 15" is 5 South, room 15.
		if u := tagUnit(d.Device, opts.Units); u != "" {
			d.Location = strings.TrimSuffix(u+", "+d.Location, ", ")
		}
	}
	d.Callback = r.ids.callback
	d.System = findSystem(r.terms, d.Category)
	d.Signals = Signals{Care: r.sig.care, Scope: r.sig.scope, Urgent: r.sig.urgent}
	d.parsed, d.clinical, d.safety = true, r.sig.clinical, r.sig.safety
	return d
}

// tagUnit reads the unit an asset tag is labelled with, "WOW-ICU-12" or
// "PC-4W-03", for a message that names no place: one of the tag's parts is
// a unit on its own. "" when none is.
func tagUnit(tag string, units []string) string {
	parts := strings.FieldsFunc(tag, func(c rune) bool { return c == '-' || c == '_' || c == '.' })
	if len(parts) < 2 {
		return ""
	}
	for _, p := range parts[1:] {
		terms := splitTerms(p)
		if len(terms) != 1 {
			continue
		}
		if l := findLocation(p, terms, nil, units, false); l.units > 0 && !strings.Contains(l.text, ",") {
			return l.text
		}
	}
	return ""
}

// reading is everything the rules found in one text.
type reading struct {
	terms  []term
	ids    *idMarks
	loc    *locationMarks
	sig    *signalMarks
	cats   []ticket.Category
	scores []CategoryScore
}

// read runs every rule over text.
func read(text string, opts Options) reading {
	var r reading
	r.terms = splitTerms(text)
	correct(r.terms, isKnownWord)
	r.ids = findIDs(text, r.terms)
	r.loc = findLocation(text, r.terms, r.ids.skip, opts.Units, false)
	r.sig = readSignals(r.terms, r.loc)
	r.cats, r.scores = classify(r.terms, r.sig, r.ids.tag, opts)
	return r
}

// isKnownWord reports whether a word is one of triage's own, and so never a
// misspelling of another.
func isKnownWord(w string) bool {
	if _, ok := wordClasses[w]; ok {
		return true
	}
	if _, ok := builtinCategoryWords.byFirst[w]; ok {
		return true
	}
	_, ok := signalPhrases.byFirst[w]
	return ok
}
