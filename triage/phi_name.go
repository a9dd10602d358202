package triage

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Patient names are found for recall (DESIGN.md §7), the way de-identifiers
// that reach high recall on clinical text work: a word is judged by what
// surrounds it and by what is known about it, not by one list of phrasings.
//
//   - Patient cues open a slot where the next name-shaped words are a name, in
//     any case: "pt", "patient", a title (Mrs, Sr.), a relative ("daughter"),
//     "name" ("pt name is", "name on the band is"), a wristband or screen that
//     shows something.
//   - Weaker cues need the word to look like a name too: charting or ordering
//     on or for someone, a name just before an MRN or a date of birth, a name
//     just before "in 412".
//   - Anywhere, "First Last" is a name when the first word is a given name in
//     public name data and the second is a family name or an unknown word;
//     "LAST, FIRST" likewise.
//   - A word is safe when it is clinical, IT or carebot vocabulary; a common
//     English word is a name only when it is written like one and the name
//     data knows it ("Mrs Young", "Rose Baker"). A word in no list, next to a
//     patient cue, is redacted: a false alarm costs a word, a miss is a
//     disclosure.
//   - Staff are not patients: a name after a role or title (Dr., RN, "charge
//     nurse"), before one ("Kim RN", "Lee from pharmacy"), after "I'm" or "this
//     is", or in a sign-off is kept.

// nameStrength is how sure a cue makes the words after it.
type nameStrength uint8

const (
	nameMedium   nameStrength = iota // the word must look like a name too
	nameStrong                       // any name-shaped word that is not safe
	nameExplicit                     // a title or "name is": name data wins over safe words ("Mr. Will Young")
)

// nameShape is how a word is written.
type nameShape uint8

const (
	shapeNone  nameShape = iota // not a word a name can be
	shapeLower                  // maria
	shapeTitle                  // Maria, McAllister
	shapeCaps                   // MARIA
)

// nameInfo is what the name detector knows of one token.
type nameInfo struct {
	shape nameShape
	lex   lexWord
	safe  bool // vocabulary that is never a name
	vocab bool // triage's own vocabulary: a name only after a strong cue
	done  bool // computed
}

// info returns what the name detector knows of token i.
func (r *phiRun) info(i int) nameInfo {
	if i < 0 || i >= len(r.toks) {
		return nameInfo{}
	}
	if r.names == nil {
		r.names = make([]nameInfo, len(r.toks))
	}
	n := &r.names[i]
	if n.done {
		return *n
	}
	n.done = true
	t := r.toks[i]
	if t.kind != tokWord || t.digits > 0 {
		return *n
	}
	s := r.str(i)
	n.shape = wordShape(s, r.caps)
	n.lex = lexLookup(s)
	n.safe = t.w != 0 || n.lex&lexSafe != 0 || unitWords()[strings.ToLower(s)]
	n.vocab = knownLower(s)
	return *n
}

// unitWords are the one-word names of the built-in units ("CICU", "MICU",
// "Dialysis"): places, never names.
var unitWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, b := range builtinUnits {
		for _, p := range append([]string{b.name}, b.aliases...) {
			if !strings.ContainsAny(p, " -/") {
				m[strings.ToLower(p)] = true
			}
		}
	}
	return m
})

// knownLower reports whether triage's own vocabulary (categories, signals,
// systems) has the word.
func knownLower(s string) bool {
	var buf [24]byte
	if len(s) > len(buf) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return isKnownWord(string(buf[:len(s)]))
}

// wordShape reads how s is written. In a message written all in capitals,
// capitals say nothing, so such a word counts as written like a name.
func wordShape(s string, capsMessage bool) nameShape {
	first, n := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(first) {
		return shapeNone
	}
	if !unicode.IsUpper(first) {
		return shapeLower
	}
	if n == len(s) {
		return shapeTitle
	}
	if strings.IndexFunc(s[n:], unicode.IsLower) >= 0 {
		return shapeTitle
	}
	if capsMessage {
		return shapeTitle
	}
	return shapeCaps
}

// capsMessage reports whether the text is written in capitals: four words or
// more and no lower-case letter.
func capsMessage(text string) bool {
	words, inWord, letters := 0, false, false
	for _, c := range text {
		if unicode.IsSpace(c) {
			if inWord && letters {
				words++
			}
			inWord, letters = false, false
			continue
		}
		inWord = true
		if unicode.IsLower(c) {
			return false
		}
		letters = letters || unicode.IsLetter(c)
	}
	if inWord && letters {
		words++
	}
	return words >= 4
}

// namePart reports whether the word at token j can be part of a name given
// the strength of the cue before it, and returns its last token: hyphens and
// apostrophes join parts ("Smith-Jones", "O'Neil", "Al-Sayed").
func (r *phiRun) namePart(j int, strength nameStrength) (int, bool) {
	if !r.word(j) || r.toks[j].digits > 0 {
		return 0, false
	}
	e := j
	for r.punct(e+1, "-'’") && r.glued(e+1) && r.glued(e+2) && r.word(e+2) && r.toks[e+2].digits == 0 {
		if r.punct(e+1, "'’") && contraction(r.str(e+2)) {
			if !r.eq(e+2, "s") {
				return 0, false // "doesn't", "won't", "they're"
			}
			break
		}
		e += 2
	}
	ok := false
	for k := j; k <= e; k += 2 {
		if r.namelike(k, strength, e > j) {
			ok = true
		} else if e == j || r.info(k).safe && !r.short(k) {
			return 0, false
		}
	}
	return e, ok
}

// short reports whether token k is one or two letters ("O" of O'Neil, "Al").
func (r *phiRun) short(k int) bool { return r.toks[k].e-r.toks[k].s <= 2 }

// contraction reports whether s follows an apostrophe in a contraction or a
// possessive: "can't", "pt's", "I'm".
func contraction(s string) bool {
	switch strings.ToLower(s) {
	case "s", "t", "m", "re", "ve", "ll", "d":
		return true
	}
	return false
}

// namelike judges one word. joined is true inside "Smith-Jones".
func (r *phiRun) namelike(k int, strength nameStrength, joined bool) bool {
	n := r.info(k)
	if n.shape == shapeNone {
		return false
	}
	if n.safe {
		// Right after a title or "name is", a word the name data knows is a
		// name even when it is also a common word: "Mr. Will Young", "pt
		// name is will okonkwo". Cue words themselves never are.
		return strength == nameExplicit && n.lex&(lexFirst|lexLast) != 0 && n.lex&lexSafe == 0 && r.toks[k].w&^wStop == 0
	}
	letters := utf8.RuneCountInString(r.str(k))
	if letters < 2 {
		return joined && n.shape != shapeLower // the O of O'Neil
	}
	named := n.lex&(lexFirst|lexLast) != 0
	capital := n.shape == shapeTitle || n.shape == shapeCaps
	if n.vocab {
		return strength >= nameStrong && named && capital // "pt name is Grant Youngblood"
	}
	switch {
	case n.shape == shapeCaps && letters <= 3 && !named:
		return false // an acronym: NPO, CHF
	case named && n.lex&lexCommon != 0:
		return capital // "Mrs Young", but "pt young and confused"
	case named:
		return true
	case n.lex&lexKnown != 0:
		// An English word that is not a name: only a rare one written like
		// a name, after a strong cue.
		return strength >= nameStrong && n.shape == shapeTitle && n.lex&lexCommon == 0
	}
	// In no list: a name from data the lists lack, or a typo.
	return strength >= nameStrong || capital || letters >= 4
}

// nameParticles join the parts of a family name: "de la Cruz", "van der Berg".
var nameParticles = map[string]bool{
	"de": true, "del": true, "della": true, "la": true, "le": true, "da": true, "das": true, "do": true,
	"dos": true, "du": true, "di": true, "van": true, "von": true, "der": true, "den": true, "ter": true,
	"bin": true, "ibn": true, "bint": true, "al": true, "el": true, "ben": true, "st": true, "y": true,
}

// readName reads a name starting at token j: up to four parts with particles
// and middle initials between them, or "LAST, FIRST". It returns the first and
// last token.
func (r *phiRun) readName(j int, strength nameStrength) (int, int, bool) {
	e, ok := r.namePart(j, strength)
	if !ok && strength >= nameStrong && r.word(j) && r.info(j).lex&lexFirst != 0 && !r.info(j).safe && !r.info(j).vocab {
		// "pt is rose delacroix-pierre": a given name that is also a word,
		// followed by a family name.
		if k := j + 1; r.word(k) && r.toks[k].space && !r.toks[k].nl {
			if e2, ok2 := r.namePart(k, strength); ok2 && r.info(k).lex&lexCommon == 0 {
				e, ok = e2, true
			}
		}
	}
	if !ok {
		return 0, 0, false
	}
	// Only the first word after a title or "name is" may be a common word
	// ("Mr. Will Young"); later ones must not be: "Mr. Musa in 5 West".
	strength = min(strength, nameStrong)
	for parts := 1; parts < 4; parts++ {
		k := e + 1
		if !r.word(k) || !r.toks[k].space || r.toks[k].nl {
			// "LAST, FIRST": a comma glued to the first part.
			if parts == 1 && r.punct(k, ",") && r.glued(k) && r.word(k+1) && !r.toks[k+1].nl {
				if e2, ok := r.namePart(k+1, strength); ok && r.lastFirst(j, k+1) {
					e = e2
					continue
				}
			}
			break
		}
		// a middle initial: "John A. Smith"
		if s := r.str(k); utf8.RuneCountInString(s) == 1 && r.info(k).shape == shapeTitle {
			m := k + 1
			if r.punct(m, ".") && r.glued(m) {
				m++
			}
			if e2, ok := r.namePart(m, strength); ok && r.toks[m].space {
				e = e2
				continue
			}
			break
		}
		// particles: "de la Cruz"
		m := k
		for p := 0; p < 2 && nameParticles[strings.ToLower(r.str(m))] && r.word(m+1) && r.toks[m+1].space && !r.toks[m+1].nl; p++ {
			m++
		}
		if m > k {
			if e2, ok := r.namePart(m, strength); ok && r.info(m).shape != shapeLower || ok && r.info(j).shape == shapeLower {
				e = e2
				continue
			}
			break
		}
		e2, ok := r.namePart(k, strength)
		if !ok {
			break
		}
		e = e2
	}
	return j, e, true
}

// lastFirst reports whether "X, Y" at tokens a and b reads as a family name
// and a given name: the same shape, and one of them in the name data.
func (r *phiRun) lastFirst(a, b int) bool {
	x, y := r.info(a), r.info(b)
	if x.shape != y.shape {
		return false
	}
	return x.lex&lexLast != 0 || y.lex&lexFirst != 0 || x.lex&lexKnown == 0 && y.lex&lexKnown == 0
}

// findName finds patient names (see the comment at the top of this file),
// then every other mention of a word found in one: "the son Omar wants it
// too, can IT add Omar to …".
func (r *phiRun) findName() {
	first := len(r.spans)
	r.findNameCued()
	r.propagate(first)
}

// propagate redacts every other mention of the words of the names found
// since span first: a word of three letters or more, as written in the name
// (case aside), that is not safe vocabulary.
func (r *phiRun) propagate(first int) {
	if len(r.spans) == first {
		return
	}
	var words []string
	for _, sp := range r.spans[first:] {
		if sp.kind != phiName {
			continue
		}
		for k := range r.toks {
			if t := r.toks[k]; t.s >= sp.s && t.e <= sp.e && r.word(k) && t.e-t.s >= 3 && !r.info(k).safe && !r.info(k).vocab {
				words = append(words, r.str(k))
			}
		}
	}
	for k := range r.toks {
		t := r.toks[k]
		if !r.word(k) || t.e-t.s < 3 || r.covered(t.s, t.e) {
			continue
		}
		for _, w := range words {
			if strings.EqualFold(r.str(k), w) {
				r.add(k, k, phiName)
				break
			}
		}
	}
}

// covered reports whether bytes s to e are inside a span found already.
func (r *phiRun) covered(s, e int) bool {
	for _, sp := range r.spans {
		if sp.s <= s && e <= sp.e {
			return true
		}
	}
	return false
}

// findNameCued finds the names that cues, name data and patient context
// point to.
func (r *phiRun) findNameCued() {
	r.caps = capsMessage(r.text)
	context := -1 // whether the message speaks of a patient; -1 until needed
	for i := 0; i < len(r.toks); i++ {
		if r.toks[i].kind == tokMarker {
			r.afterMarker(i)
			continue
		}
		if r.punct(i, "(") && r.bedBefore(i) {
			// "bed 4 (O'Sullivan)", "first case (Wiśniewski, left knee)"
			if s, e, ok := r.readName(i+1, nameStrong); ok && !r.staffAround(s, e) {
				r.add(s, e, phiName)
				i = e
				continue
			}
		}
		if !r.word(i) {
			continue
		}
		if j, strength, ok := r.nameCue(i); ok {
			if s, e, ok := r.readName(j, strength); ok && (r.title(i) && r.staffTitle(i, e) || r.nameLabel(i) && r.staffName(i, s, e)) {
				i = e // a member of staff: "charge nurse Ms. Kim", "new hire, name: Lee, RN"
				continue
			}
			if s, e, ok := r.readName(j, strength); ok && !(strength == nameMedium && r.staffAround(s, e)) {
				r.add(s, e, phiName)
				e = r.nameList(i, e, strength)
				i = e
				continue
			}
		}
		r.nameBefore(i)
		if s, e, ok := r.possessive(i); ok {
			r.add(s, e, phiName)
			i = e
			continue
		}
		if context < 0 {
			context = 0
			if r.patientContext() {
				context = 1
			}
		}
		s, e, ok := r.firstLast(i, context == 1)
		if ok {
			r.add(s, e, phiName)
			i = r.moreNames(e)
			continue
		}
		if e > i {
			i = e // a member of staff or a place: none of its words is a name
			continue
		}
		if context == 1 && r.strangerName(i) {
			r.add(i, i, phiName)
			i = r.moreNames(i)
		}
	}
}

// placeNouns after a capitalised word make it a place's name: "Smith
// Pavilion", "Oak Street".
var placeNouns = map[string]bool{
	"pavilion": true, "tower": true, "building": true, "bldg": true, "hall": true, "street": true,
	"st": true, "ave": true, "avenue": true, "road": true, "rd": true, "blvd": true, "drive": true,
	"clinic": true, "center": true, "centre": true, "hospital": true, "campus": true, "wing": true,
	"unit": true, "institute": true, "house": true, "plaza": true, "park": true, "health": true,
	"nursing": true, "home": true, "manor": true, "village": true, "gardens": true, "lodge": true, "care": true,
}

// strangerName reports whether token i, in a message about a patient, is a
// word written like a name that is not English: in no list at all, or only
// in the name data. Clinical and IT vocabulary, places ("Smith Pavilion"),
// products (CamelCase, "Hill-Rom") and staff are not. Philter's rule: what
// is not known to be safe, near a patient, is redacted ("waiting on outside
// records for Suleiman"). After a word that points to a patient ("for",
// "give", "admitting") a name that is also an English word counts too ("the
// flowsheet for Young"). At the start of a sentence, where every word has a
// capital, only a name from the name data followed by more words counts
// ("Yolanda showed up to take Mr. Pruitt home").
func (r *phiRun) strangerName(i int) bool {
	n := r.info(i)
	if n.shape != shapeTitle || n.vocab || n.safe || r.caps {
		return false
	}
	w := r.str(i)
	if utf8.RuneCountInString(w) < 3 || placeNouns[strings.ToLower(w)] {
		return false
	}
	for _, c := range w[1:] {
		if unicode.IsUpper(c) {
			return false // CamelCase: a product, "TeleTracking", "UpToDate"
		}
	}
	if r.punct(i+1, "-'’") && r.glued(i+1) && !r.eq(i+2, "s") || r.punct(i-1, "-'’") && r.glued(i) {
		return false // part of a longer word: "Hill-Rom"
	}
	if k := i + 1; r.word(k) && placeNouns[strings.ToLower(r.str(k))] {
		return false
	}
	p := i - 1
	if r.word(p) && r.info(p).shape == shapeTitle && (r.info(p).vocab || r.info(p).lex&lexSafe != 0) ||
		r.punct(p, ".") && (r.eq(p-1, "st") || r.eq(p-1, "saint")) || r.eq(p, "saint") ||
		r.word(p) && r.punct(p-1, "-") && r.glued(p) && r.glued(p-1) {
		return false // a product or a place: "Vocera Genie", "St. Luke's", "Hill-Rom Centrella"
	}
	start := p < 0 || r.toks[i].nl || r.ender(p) || r.punct(p, ":\"'“‘([-–—•*>")
	english := n.lex&lexKnown != 0
	named := n.lex&(lexFirst|lexLast) != 0
	switch {
	case start:
		if !named || english || !r.word(i+1) || r.info(i+1).shape != shapeLower {
			return false
		}
	case english:
		if !named || !patientSlot(r, p) {
			return false
		}
	}
	s := i
	for n := 0; n < 2 && r.word(s-1) && !r.toks[s].nl && r.info(s-1).shape == shapeTitle && !r.info(s-1).vocab &&
		(r.info(s-1).lex&lexFirst != 0 || r.info(s-1).lex&(lexKnown|lexSafe) == 0); n++ {
		s-- // "RN Tomasz Wrobel": the given names before it
	}
	if r.word(i-1) && r.info(i-1).shape == shapeTitle && r.staffAround(i-1, i) {
		return false // "Dr. Yaw Mensah": a given name that is also a word
	}
	return !r.staffAround(s, i) && !r.beforePlace(i)
}

// patientSlot reports whether the word at token p points to a patient
// after it: "for", "give", "admitting", "rounding on".
func patientSlot(r *phiRun, p int) bool {
	if !r.word(p) {
		return false
	}
	switch strings.ToLower(r.str(p)) {
	case "for", "give", "giving", "gave", "admitting", "admit", "discharging", "discharge", "transfusing",
		"transferring", "transfer", "bathing", "turning", "medicating", "treating", "seeing", "room", "bed":
		return true
	case "on":
		return r.eq(p-1, "rounding") || r.eq(p-1, "notes") || r.eq(p-1, "charting") || r.eq(p-1, "documenting")
	}
	return false
}

// moreNames continues a name with the names listed after it: "(Walsh,
// Nakamura, Diallo)", "Nowak and Zielinski". Each must look like a name.
func (r *phiRun) moreNames(e int) int {
	for r.punct(e+1, ",&") || r.eq(e+1, "and") || r.eq(e+1, "y") {
		k := e + 2
		if !r.word(k) || r.toks[k].nl || r.info(k).shape == shapeLower || !r.namelike(k, nameMedium, false) {
			break
		}
		if r.beforePlace(k) || r.staffAround(k, k) {
			break
		}
		r.add(k, k, phiName)
		e = k
	}
	return e
}

// patientThings are what a patient has and staff talk about: "Okeke's chest
// xray", "Halvorsen's knee", "Nakamura's fetal strip".
var patientThings = map[string]bool{
	"band": true, "wristband": true, "armband": true, "bracelet": true, "chart": true, "labs": true, "lab": true,
	"meds": true, "med": true, "medications": true, "medication": true, "xray": true, "x-ray": true, "ct": true,
	"mri": true, "scan": true, "study": true, "images": true, "results": true, "vitals": true, "knee": true,
	"hip": true, "strip": true, "strips": true, "room": true, "bed": true, "mar": true, "orders": true,
	"order": true, "allergies": true, "allergy": true, "records": true, "insulin": true, "heparin": true,
	"drip": true, "pump": true, "iv": true, "dressing": true, "wound": true, "surgery": true, "procedure": true,
	"appointment": true, "appt": true, "discharge": true, "admission": true, "admit": true, "family": true,
	"daughter": true, "son": true, "wife": true, "husband": true, "mom": true, "dad": true, "mother": true,
	"father": true, "sats": true, "bp": true, "sugar": true, "glucose": true, "blood": true, "specimen": true,
	"sample": true, "urine": true, "ekg": true, "echo": true, "tele": true, "consent": true, "paperwork": true,
	"prescription": true, "prescriptions": true, "rx": true, "insurance": true, "mrn": true, "dob": true,
	"dose": true, "infusion": true, "baby": true, "delivery": true, "labor": true, "visit": true,
	"referral": true, "sticker": true, "stickers": true, "label": true, "labels": true, "mychart": true,
	"portal": true, "account": true, "vaccine": true, "transfusion": true, "antibiotic": true, "antibiotics": true,
	"ultrasound": true, "mammo": true, "biopsy": true, "pathology": true, "report": true, "note": true,
	"notes": true, "history": true, "hx": true, "diet": true, "tray": true, "foley": true, "line": true,
	"catheter": true, "port": true, "chemo": true, "dialysis": true, "telemetry": true, "monitor": true,
	"flowsheet": true, "flowsheets": true, "prn": true, "parents": true, "kids": true, "priors": true,
	"studies": true, "rounding": true, "pain": true,
}

// possessive finds a name that owns a patient's thing: "Chidi Okeke's chest
// xray", "(Sanchez's) labs". Up to two words may come between ("fetal
// strip"). The owner must look like a name; staff around it keep it.
func (r *phiRun) possessive(i int) (int, int, bool) {
	if !r.word(i) || !r.punct(i+1, "'’") || !r.glued(i+1) || !r.eq(i+2, "s") || !r.glued(i+2) {
		return 0, 0, false
	}
	thing := false
	for k, words := i+3, 0; k < len(r.toks) && words < 3 && !r.toks[k].nl; k++ {
		if r.punct(k, "-") && r.glued(k) {
			continue // "post-op note"
		}
		if !r.word(k) {
			break
		}
		if patientThings[strings.ToLower(r.str(k))] {
			thing = true
			break
		}
		words++
	}
	if !thing || !r.namelike(i, nameExplicit, false) || r.info(i).shape == shapeLower && r.info(i).lex&(lexFirst|lexLast) == 0 {
		return 0, 0, false
	}
	s := i
	// the given name before it: "Chidi Okeke's", "LONG, HOWARD's"
	for n := 0; n < 2; n++ {
		k := s - 1
		if r.punct(k, ",") && r.glued(k) {
			k--
		}
		if !r.word(k) || r.toks[k+1].nl || !r.namelike(k, nameMedium, false) || r.info(k).shape != r.info(i).shape {
			break
		}
		s = k
	}
	if r.staffAround(s, i) || r.title(s-1) || r.title(s-2) {
		return 0, 0, false // staff's, or the title rule has it
	}
	return s, i, true
}

// nameList continues "pts Martinez and Lopez" after the first name.
func (r *phiRun) nameList(cue, e int, strength nameStrength) int {
	if !r.eq(cue, "pts") && !r.eq(cue, "patients") {
		return e
	}
	for r.punct(e+1, ",&") || r.eq(e+1, "and") {
		s2, e2, ok := r.readName(e+2, strength)
		if !ok {
			break
		}
		r.add(s2, e2, phiName)
		e = e2
	}
	return e
}

// nameCue reports whether token i opens a name slot, and returns where the
// name would start and how strong the cue is.
func (r *phiRun) nameCue(i int) (int, nameStrength, bool) {
	switch {
	case r.patientLabel(i):
		j := i + 1
		if r.punct(j, ".") && r.glued(j) {
			if r.punct(j+1, "-–—") {
				return 0, 0, false // "32 pts. - Shirley, charge": a sentence ends, a sign-off starts
			}
			j++
		}
		if r.punct(j, "'’") && r.glued(j) && r.eq(j+1, "s") {
			j += 2
			if r.kin(j) {
				return r.nameStart(j + 1), nameStrong, true
			}
		}
		return r.nameStart(j), nameStrong, true
	case r.title(i):
		j := i + 1
		if r.punct(j, ".") && r.glued(j) {
			j++
		}
		return j, nameExplicit, true
	case r.kin(i):
		j := i + 1
		if r.punct(j, "'’") && r.glued(j) && r.eq(j+1, "s") {
			return 0, 0, false // "daughter's phone"
		}
		return r.nameStart(j), nameStrong, true
	case r.nameLabel(i):
		return r.nameStart(i), nameExplicit, true
	case r.shows(i):
		return r.nameStart(i + 1), nameStrong, true
	case r.band(i):
		return r.nameStart(i + 1), nameMedium, true
	case r.acting(i):
		return i + 2, nameMedium, true
	}
	return 0, 0, false
}

// kin reports whether token i names a relative: "daughter", "wife", "hija".
func (r *phiRun) kin(i int) bool {
	if !r.is(i, wKin) || r.is(i, wPatient) {
		return false
	}
	switch strings.ToLower(r.str(i)) {
	case "patients", "residents", "family", "fam", "families", "emergency", "relatives", "parents", "kin", "nok":
		return false
	}
	return true
}

// nameLabel reports whether token i is "name" used of a person other than
// the writer or a device: "pt name", "name on the band is", "showing name".
func (r *phiRun) nameLabel(i int) bool {
	if !r.eq(i, "name") && !r.eq(i, "names") && !r.eq(i, "nombre") {
		return false
	}
	switch p := strings.ToLower(r.prevWord(i)); p {
	case "my", "user", "your", "his", "printer", "computer", "device", "host", "file", "folder", "drive",
		"share", "network", "display", "domain", "server", "queue", "account", "login", "screen", "first", "last", "last,", "middle":
		return false
	}
	return !r.eq(i+1, "of") && !r.eq(i+1, "field") && !r.eq(i+1, "badge")
}

// prevWord returns the word before token i, or "".
func (r *phiRun) prevWord(i int) string {
	if r.word(i - 1) {
		return r.str(i - 1)
	}
	return ""
}

// shows reports whether token i is a wristband, label or screen showing
// something: "band says", "screen showing", "label printed with".
func (r *phiRun) shows(i int) bool {
	if !r.word(i) {
		return false
	}
	switch strings.ToLower(r.str(i)) {
	case "says", "shows", "showing", "reads", "displays", "displaying", "lists", "listing":
	default:
		return false
	}
	switch strings.ToLower(r.prevWord(i)) {
	case "wristband", "band", "armband", "bracelet", "label", "labels", "sticker", "screen", "banner", "header", "board", "whiteboard", "it", "chart", "still", "tracker":
		return true
	}
	return false
}

// band reports whether token i is a wristband or armband followed by what it
// shows: "on the wristband it's Ekaterina Morozova", "armband: Baby Boy
// Amadou".
func (r *phiRun) band(i int) bool {
	switch strings.ToLower(r.str(i)) {
	case "wristband", "band", "armband", "bracelet", "pulsera":
	default:
		return false
	}
	return r.punct(i+1, ":") || r.eq(i+1, "it") || r.eq(i+1, "its") || r.eq(i+1, "is") || r.eq(i+1, "reads")
}

// staffName reports whether a name given after "name" is a member of staff:
// a role next to it, or a new hire or account request in the sentence.
func (r *phiRun) staffName(cue, s, e int) bool {
	if r.staffAround(s, e) {
		return true
	}
	for k := cue - 1; k >= 0 && cue-k <= 20 && !r.ender(k); k-- {
		if r.eq(k, "hire") || r.eq(k, "hires") || r.eq(k, "grad") || r.eq(k, "employee") || r.eq(k, "orientation") ||
			r.eq(k, "onboarding") || r.eq(k, "student") || r.eq(k, "traveler") || r.eq(k, "travel") || r.eq(k, "agency") || r.eq(k, "float") {
			return true
		}
	}
	for k := e + 1; k < len(r.toks) && k <= e+6 && !r.toks[k].nl; k++ {
		if r.eq(k, "starts") || r.eq(k, "starting") || r.eq(k, "start") || r.is(k, wRole) || r.eq(k, "emp") || r.eq(k, "empl") {
			return true
		}
	}
	return false
}

// bedBefore reports whether the words before the bracket at token i name a
// bed, room, chair or case: "bed 4 (", "first case (".
func (r *phiRun) bedBefore(i int) bool {
	k := i - 1
	if r.word(k) && r.toks[k].digits > 0 {
		k--
	}
	switch {
	case r.eq(k, "bed"), r.eq(k, "rm"), r.eq(k, "room"), r.eq(k, "chair"), r.eq(k, "bay"), r.eq(k, "case"), r.eq(k, "crib"):
		return true
	}
	return false
}

// identifierAfter reports whether a patient identifier's label or marker
// follows the name ending at token e: "…, MRN 204", "(DOB …)".
func (r *phiRun) identifierAfter(e int) bool {
	k := e + 1
	for n := 0; n < 2 && r.punct(k, ",()-:"); n++ {
		k++
	}
	return k < len(r.toks) && r.identifierLabel(k)
}

// roleBefore reports whether a staff role is among the few words before
// token p, in the same sentence.
func (r *phiRun) roleBefore(p, most int) bool {
	for k, words := p-1, 0; k >= 0 && words < most && !r.toks[k+1].nl; k-- {
		if r.ender(k) {
			return false
		}
		if r.word(k) {
			if r.is(k, wRole) {
				return true
			}
			words++
		}
	}
	return false
}

// acting reports whether tokens i and i+1 are charting or ordering on or for
// someone: "chart on", "orders for", "labels for", "scan for".
func (r *phiRun) acting(i int) bool {
	if !r.eq(i+1, "on") && !r.eq(i+1, "for") && !r.eq(i+1, "under") {
		return false
	}
	switch strings.ToLower(r.str(i)) {
	case "chart", "charting", "document", "documenting", "order", "orders", "ordering", "admit", "admitting",
		"discharge", "discharging", "scan", "scanning", "print", "printing", "label", "labels", "band", "bands",
		"wristband", "wristbands", "results", "meds", "med", "note", "notes", "register", "registering",
		"transfer", "transferring", "armband", "sticker", "stickers", "paperwork", "consent", "allergies", "vitals":
		return true
	}
	return false
}

// nameStart skips what may sit between a cue and a name: "pt: ", "pt name is
// ", "patient named ", "name on the band is ".
func (r *phiRun) nameStart(j int) int {
	for n := 0; n < 6; n++ {
		switch {
		case r.punct(j, ":-,=(\"“'’"):
		case r.word(j) && nameFiller[strings.ToLower(r.str(j))]:
		default:
			return j
		}
		j++
	}
	return j
}

// nameFiller may sit between a cue and the name it introduces.
var nameFiller = map[string]bool{
	"name": true, "named": true, "nm": true, "is": true, "was": true, "called": true, "as": true,
	"on": true, "the": true, "wristband": true, "band": true, "armband": true, "label": true,
	"screen": true, "says": true, "shows": true, "reads": true, "showing": true, "listed": true,
	"es": true, "se": true, "llama": true, "nombre": true, "del": true, "paciente": true,
	"boy": true, "girl": true, "twin": true, "it": true, "its": true, "s": true, "'": true,
}

// nameBefore finds a name just before a patient identifier's label or
// replacement, or just before "in 412": "for Jane Okafor, MRN", "(Maria Lopez)
// MRN", "maria gonzalez in 412". Token i is the anchor.
func (r *phiRun) nameBefore(i int) {
	k := i - 1
	bed := false // the anchor is a bed or room: "Will in bed 7", "Hope (rm 14)"
	switch {
	case r.identifierLabel(i):
		for n := 0; n < 2 && r.punct(k, ",()-:/"); n++ {
			k--
		}
	case r.eq(i, "in") || r.eq(i, "en"):
		m := i + 1
		if r.eq(m, "rm") || r.eq(m, "room") || r.eq(m, "bed") || r.eq(m, "bay") || r.eq(m, "cuarto") || r.eq(m, "cama") {
			m++
			bed = true
		}
		if !r.word(m) || r.toks[m].digits == 0 {
			return
		}
		if r.punct(k, ")") {
			k-- // "(Achterberg) in 509"
		}
	case r.eq(i, "bed") || r.eq(i, "rm") || r.eq(i, "room") || r.eq(i, "cama"):
		// "(Sanchez, bed 9)", "Okafor rm 12", "Hope (rm 14)"
		if !r.word(i+1) || r.toks[i+1].digits == 0 || r.toks[i+1].digits > 5 {
			return
		}
		if r.punct(k, ",(") {
			k--
		}
		bed = true
	default:
		return
	}
	e := k
	s := -1
	for n := 0; n < 4 && r.word(k) && !r.toks[k+1].nl; n++ {
		strength := nameMedium
		if bed && r.info(k).shape == shapeTitle && !r.caps {
			strength = nameExplicit
		}
		if !r.namelike(k, strength, false) {
			if r.punct(k, ",") && s >= 0 {
				k--
				continue
			}
			break
		}
		s = k
		k--
	}
	if s < 0 || r.staffAround(s, e) {
		return
	}
	// One lower-case word that the name data does not know is not enough.
	if s == e && r.info(s).shape == shapeLower && r.info(s).lex&(lexFirst|lexLast) == 0 {
		return
	}
	r.add(s, e, phiName)
}

// identifierLabel reports whether token i labels or replaces a patient
// identifier: "MRN", "DOB", "SSN", "[MRN removed]".
func (r *phiRun) identifierLabel(i int) bool {
	if r.is(i, wMRN|wDOB|wSSN) {
		return true
	}
	return r.toks[i].kind == tokMarker && r.text[r.toks[i].s] == '[' && !strings.HasPrefix(r.text[r.toks[i].s:], phiTypes[phiName].marker)
}

// afterMarker finds a name right after a redacted identifier: "[MRN removed]
// Garcia, Maria".
func (r *phiRun) afterMarker(i int) {
	if !r.identifierLabel(i) {
		return
	}
	j := i + 1
	if r.punct(j, ",)-/") {
		j++
	}
	if s, e, ok := r.readName(j, nameMedium); ok && !r.staffAround(s, e) && r.info(s).shape != shapeLower {
		r.add(s, e, phiName)
	}
}

// firstLast finds "First Last" and "LAST, FIRST" anywhere: a given name and a
// family name (or a word the lists lack), written like names. Lower case
// counts only in a message about a patient. It returns the name's tokens.
func (r *phiRun) firstLast(i int, context bool) (int, int, bool) {
	a := r.info(i)
	if a.safe || a.shape == shapeNone {
		return 0, 0, false
	}
	if a.shape == shapeLower && r.word(i-1) && r.toks[i-1].digits > 0 {
		return 0, 0, false // "every 15 min titrations": an amount, then a word
	}
	j := i + 1
	comma := false
	if r.punct(j, ",") && r.glued(j) {
		j++
		comma = true
	}
	if !r.word(j) || !r.toks[j].space || r.toks[j].nl || r.toks[j].digits > 0 {
		return 0, 0, false
	}
	b := r.info(j)
	if b.safe || b.shape == shapeNone {
		return 0, 0, false
	}
	if comma {
		if a.shape != b.shape || a.shape == shapeLower && !context || !r.lastFirst(i, j) ||
			a.lex&lexCommon != 0 || b.lex&lexCommon != 0 {
			return 0, 0, false
		}
	} else {
		if a.lex&lexFirst == 0 {
			return 0, 0, false
		}
		switch {
		case a.shape == shapeLower || b.shape == shapeLower:
			if !context || a.shape != b.shape || a.lex&lexCommon != 0 || b.lex&lexCommon != 0 ||
				b.lex&lexKnown != 0 && b.lex&(lexFirst|lexLast) == 0 {
				return 0, 0, false
			}
		case a.shape != b.shape:
			return 0, 0, false
		case a.lex&lexCommon != 0:
			// "Will", "May", "Grant", "Hope": the second word must be a
			// family name and no common word, or a word in no list at all
			// ("Hope Adeyemi").
			if (b.lex&lexLast == 0 || b.lex&lexCommon != 0) && (b.lex != 0 || b.vocab) {
				return 0, 0, false
			}
		case b.lex&lexCommon != 0 && b.lex&(lexFirst|lexLast) == 0:
			return 0, 0, false
		case b.lex&lexKnown != 0 && b.lex&(lexFirst|lexLast) == 0:
			return 0, 0, false
		}
	}
	s, e, ok := r.readName(i, nameMedium)
	if !ok {
		s, e = i, j // readName judges harder than the pair did; the pair stands
	}
	e = max(e, j)
	if r.staffAround(s, e) || r.beforePlace(e) || placeNouns[strings.ToLower(r.str(j))] {
		// staff's, or a place's: "Warren Street", "Smith Pavilion", "Martin
		// Luther King Jr Blvd". The caller skips the whole name.
		return s, e, false
	}
	return s, e, true
}

// beforePlace reports whether the words after token e name a place: a place
// noun, perhaps after "Jr" ("King Jr Blvd").
func (r *phiRun) beforePlace(e int) bool {
	k := e + 1
	for n := 0; n < 3 && r.word(k) && !r.toks[k].nl; n++ {
		if placeNouns[strings.ToLower(r.str(k))] {
			return true
		}
		if r.info(k).shape != shapeTitle && !r.eq(k, "jr") && !r.eq(k, "sr") {
			return false
		}
		k++
		if r.punct(k, ".") && r.glued(k) {
			k++
		}
	}
	return false
}

// staffAround reports whether the name at tokens s to e belongs to staff: a
// role or title just before it ("Dr.", "charge nurse", "RN"), "I'm", "this
// is", a sign-off, or a role, department or extension just after it.
func (r *phiRun) staffAround(s, e int) bool {
	if r.staffList(s, e) {
		r.staffEnd = e + 1
		return true
	}
	return false
}

// staffList is staffAround without remembering the answer.
func (r *phiRun) staffList(s, e int) bool {
	if r.identifierAfter(e) {
		return false // "proxy access for Teodoro Achterberg, MRN …": a patient
	}
	p := s - 1
	// the next in a list of staff: "Ana Ferreira, Declan Byrne"
	if r.staffEnd > 0 && (r.punct(p, ",&") || r.eq(p, "and")) && p-1 == r.staffEnd-1 {
		return true
	}
	if r.punct(p, ".") && r.glued(p) {
		p--
	}
	if r.is(p, wRole) || r.eq(p, "im") || r.eq(p, "ask") || r.eq(p, "cc") {
		return true
	}
	// a role, then a comma, a colon or a bracket: "assistant nurse manager,
	// Kevin Price", "3 travelers on 9 South: Ana Ferreira", "new grad
	// started today, Sam Oduya", "Traveler starting tonight (Kim Lee)"
	if r.punct(p, ",:(") && r.roleBefore(p, 8) {
		return true
	}
	// someone IT or staff dealt with: "spoke with", "talked to", "per",
	// "manager is"; the person an access request is for
	if r.eq(p, "per") || r.eq(p, "prof") || r.eq(p, "professor") ||
		(r.eq(p, "with") || r.eq(p, "to")) && (r.eq(p-1, "spoke") || r.eq(p-1, "talked") || r.eq(p-1, "spoken") ||
			r.eq(p-1, "speaking") || r.eq(p-1, "talking") || r.eq(p-1, "checked") || r.eq(p-1, "met") || r.eq(p-1, "emailed")) ||
		r.eq(p, "is") && r.is(p-1, wRole) ||
		r.eq(p, "for") && (r.eq(p-1, "access") || r.eq(p-1, "accounts") || r.eq(p-1, "account") || r.eq(p-1, "login") || r.eq(p-1, "privileges")) {
		return true
	}
	// a sign-off line: "- Nurse manager Faith Okonjo", "- Chief tech, Paulo"
	for k, words := p, 0; k >= 0 && words < 4; k-- {
		if r.punct(k, "-–—") && (k == 0 || r.toks[k].nl || r.ender(k-1)) {
			return true
		}
		if r.word(k) {
			if !r.is(k, wRole|wDept) && !r.info(k).safe {
				break
			}
			words++
		} else if !r.punct(k, ",") {
			break
		}
	}
	// e-mail and form headers: "From: Grace Kim", "Reported by: …"
	if r.punct(p, ":") && (r.is(p-1, wRole) || r.eq(p-1, "from") || r.eq(p-1, "to") || r.eq(p-1, "cc") || r.eq(p-1, "by") ||
		r.eq(p-1, "requester") || r.eq(p-1, "caller") || r.eq(p-1, "contact") || r.eq(p-1, "sender") || r.eq(p-1, "de") || r.eq(p-1, "para")) {
		return true
	}
	if r.eq(p, "by") && (r.eq(p-1, "reported") || r.eq(p-1, "submitted") || r.eq(p-1, "requested") || r.eq(p-1, "sent") || r.eq(p-1, "entered")) {
		return true
	}
	if r.punct(p, "'’") && r.eq(p+1, "m") || r.eq(p, "is") && (r.eq(p-1, "this") || r.eq(p-1, "name") && r.eq(p-2, "my")) ||
		r.eq(p, "am") && r.eq(p-1, "i") {
		return true
	}
	// a sign-off: "Thanks, Maria Lopez", "- Maria"
	q := p
	if r.punct(q, ",-–—") {
		q--
	}
	if r.eq(q, "thanks") || r.eq(q, "thank") || r.eq(q, "thx") || r.eq(q, "regards") || r.eq(q, "cheers") ||
		r.eq(q, "best") || r.eq(q, "sincerely") || r.eq(q, "gracias") || r.eq(q, "you") && r.eq(q-1, "thank") ||
		r.punct(p, "-–—") && (p == 0 || r.toks[p].nl) {
		return true
	}
	if r.eq(e+1, "emp") || r.eq(e+2, "emp") || r.eq(e+1, "employee") || r.eq(e+2, "employee") {
		return true // "Sam Oduya, emp # 448812"
	}
	return r.staffAfter(e, 2, false)
}
