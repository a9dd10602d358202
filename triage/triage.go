// Package triage turns a staff member's words into a draft ticket. It is pure:
// no I/O and no clock, so the same text always gives the same draft.
package triage

import (
	"strings"
	"unicode"

	"carebot/ticket"
)

// Options are the parts of configuration that triage reads.
type Options struct {
	// Keywords adds words per category to the built-in ones (lower case).
	Keywords map[ticket.Category][]string
	// Units are location names to look for, such as "4 West" or "ICU".
	Units []string
}

// Draft is what triage understood of one message.
type Draft struct {
	Text     string          // the cleaned text
	Category ticket.Category // ticket.CategoryOther when nothing matched
	Location string          // a configured unit name, when one is named
}

// builtinKeywords is a first keyword classifier: each word or phrase points to
// one category. Matching is on whole words, so "pc" does not match "pcs".
var builtinKeywords = map[ticket.Category][]string{
	ticket.CategoryEHR:         {"ehr", "epic", "cerner", "chart", "charting", "mar", "orders", "order entry", "emar", "meditech", "flowsheet"},
	ticket.CategoryLogin:       {"password", "locked out", "locked", "login", "log in", "sign in", "badge tap", "tap badge", "imprivata", "sso", "account"},
	ticket.CategoryWorkstation: {"pc", "computer", "workstation", "thin client", "wow", "cow", "monitor", "screen", "citrix", "keyboard", "mouse"},
	ticket.CategoryPrinter:     {"printer", "print", "printing", "label printer", "wristband printer", "zebra", "toner", "jammed", "jam"},
	ticket.CategoryScanner:     {"scanner", "barcode", "bcma", "scan", "scanning", "wristband scanner"},
	ticket.CategoryNetwork:     {"wifi", "wi-fi", "wireless", "network", "internet", "vpn", "ethernet", "offline"},
	ticket.CategoryPhone:       {"phone", "vocera", "pager", "desk phone", "voicemail", "spectralink"},
	ticket.CategoryDevice:      {"pump", "pumps", "infusion", "vitals", "telemetry", "monitor feed", "alaris"},
	ticket.CategoryImaging:     {"pacs", "imaging", "x-ray", "xray", "radiology", "viewer", "dicom"},
	ticket.CategoryPharmacy:    {"pyxis", "omnicell", "med cabinet", "medication cabinet", "dispensing"},
	ticket.CategoryAccess:      {"new account", "new hire", "permission", "permissions", "access request", "need access"},
}

// Parse reads one message. It never fails: an unrecognised report is
// ticket.CategoryOther with no location.
func Parse(text string, opts Options) Draft {
	d := Draft{Text: Clean(text), Category: ticket.CategoryOther}
	words := " " + normalize(d.Text) + " "
	best := 0
	// Longer phrases are more specific than single words, so they score more;
	// ties go to the category listed first, which keeps the result stable.
	for _, c := range ticket.BuiltinCategories() {
		score := 0
		for _, kw := range append(builtinKeywords[c], opts.Keywords[c]...) {
			if strings.Contains(words, " "+normalize(kw)+" ") {
				score += 1 + strings.Count(kw, " ")
			}
		}
		if score > best {
			best, d.Category = score, c
		}
	}
	for c, kws := range opts.Keywords {
		if c.IsBuiltin() {
			continue
		}
		score := 0
		for _, kw := range kws {
			if strings.Contains(words, " "+normalize(kw)+" ") {
				score += 1 + strings.Count(kw, " ")
			}
		}
		if score > best || (score == best && score > 0 && c < d.Category && !d.Category.IsBuiltin()) {
			best, d.Category = score, c
		}
	}
	for _, u := range opts.Units {
		if n := normalize(u); n != "" && strings.Contains(words, " "+n+" ") {
			d.Location = u
			break
		}
	}
	return d
}

// normalize lower-cases text and turns every run of characters other than
// letters, digits, '&' and '-' into one space.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '-' {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
