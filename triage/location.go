package triage

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

// Locations are normalised so that the same place always reads the same:
//
//	unit [bay N] [pod X], room N, bed X, chair N
//
// for example "4 West, room 412, bed B", "ED bay 7", "NICU pod C, bed 4",
// "OR 5", "Oncology, chair 12". The unit is a configured unit name in its
// configured spelling ("ICU", "L&D"), found case-insensitively as whole
// words, or a numbered unit written "4W", "4 W", "4 west" or "4th floor
// west", which reads "4 West" (and takes a configured unit's spelling when it
// is one). A floor ("floor 3", from "3rd floor", "fl 3") is kept only when no
// unit is named. A room letter is the bed: "412B" reads "room 412, bed B". A
// room is found after "rm"/"room", as a three- or four-digit number right
// after a unit ("5N 514"), or as a three-digit number after "in" ("pt in
// 508"). When several units are named the first one is the
// location, and the scope counts as several units.
//
// Unit names that are also short English words ("OR") must be written in
// capitals, so "printer or scanner" never names the OR.

// locationMarks is what the location rules found.
type locationMarks struct {
	text   string // the normalised location, "" when none
	units  int    // distinct units named, counted up to 2
	ranged bool   // a range or list of rooms or bays: more than one bed
	place  bool   // a unit, department or floor is named, not only a room or bed
	unitAt []int  // the terms where a unit name starts (the first few)
}

// isUnit reports whether a unit name starts at term j.
func (l *locationMarks) isUnit(j int) bool {
	for _, k := range l.unitAt {
		if k == j {
			return true
		}
	}
	return false
}

// unitForm is one way a configured unit is written: its name or an alias.
type unitForm struct {
	name      string // the configured spelling
	phrase    string // what is matched: the name or an alias
	first     byte   // phrase's first letter or digit, lower case
	upperOnly bool   // an English word too: match it only in capitals
	numbered  bool   // rooms are numbered after it: "OR 5"
	builtin   bool   // a unit carebot knows without configuration
	titleOnly bool   // also a specialty ("ortho is waiting"): the unit only written as a name mid-sentence
	role      bool   // staff of a department: its location when no place is named
	dept      bool   // a department: a location only when no unit is named
}

// shortWords are unit names that are also English words.
var shortWords = map[string]bool{
	"or": true, "on": true, "in": true, "at": true, "it": true, "us": true, "as": true, "is": true,
	"to": true, "no": true, "do": true, "so": true, "be": true, "we": true, "me": true, "my": true,
	"an": true, "a": true, "i": true, "am": true, "go": true, "up": true, "oh": true, "ok": true,
	"hi": true, "er": true, "pod": true, "bay": true,
}

// unitAliases are other names for common units, used when a unit by that
// name is configured.
var unitAliases = []struct {
	unit    string
	aliases []string
}{
	{"ED", []string{"ER", "emergency department", "emergency dept", "emergency room", "emerg"}},
	{"L&D", []string{"labor and delivery", "labor delivery", "l and d", "labour and delivery"}},
	{"ICU", []string{"intensive care unit", "intensive care", "UCI"}},
	{"NICU", []string{"neonatal icu", "neonatal intensive care"}},
	{"PACU", []string{"recovery room", "post anesthesia care"}},
	{"OR", []string{"operating room", "main OR"}},
	{"Oncology", []string{"onc"}},
}

// unitForms lists every way the configured units are written.
func unitForms(units []string) []unitForm {
	forms := make([]unitForm, 0, len(units)+8)
	for _, u := range units {
		numbered := sameWords(u, "OR")
		forms = append(forms, unitForm{name: u, phrase: u, first: firstFold(u), upperOnly: isShortWord(u), numbered: numbered})
		for _, g := range unitAliases {
			if !sameWords(u, g.unit) {
				continue
			}
			for _, a := range g.aliases {
				forms = append(forms, unitForm{name: u, phrase: a, first: firstFold(a), upperOnly: isShortWord(a), numbered: numbered})
			}
		}
	}
	for _, f := range builtinForms {
		if !slices.ContainsFunc(units, func(u string) bool { return strings.EqualFold(u, f.name) }) {
			forms = append(forms, f)
		}
	}
	return forms
}

// unitFormsCache holds unitForms by the configured units, joined: a
// configuration is read once and its units never change, so the forms are
// built once per configuration, not once per message.
// It is a memo of a pure function, bounded so that a caller passing ever
// new unit lists cannot grow it without end.
var (
	unitFormsCache sync.Map // string -> *unitTable
	unitFormsSize  atomic.Int32
)

// unitTable is the unit forms of one configuration, indexed by their first
// word so that each term is tried against the few forms it can start.
type unitTable struct {
	forms    []unitForm
	byWord   map[string][]int32 // the forms whose first word it is, in order
	numbered []unitForm         // the numbered units' names, for "OR5"
}

func newUnitTable(forms []unitForm) *unitTable {
	t := &unitTable{forms: forms, byWord: make(map[string][]int32, len(forms))}
	for k, f := range forms {
		if f.numbered && f.phrase == f.name {
			t.numbered = append(t.numbered, f)
		}
		if ws := words(f.phrase); len(ws) > 0 {
			t.byWord[ws[0]] = append(t.byWord[ws[0]], int32(k))
		}
	}
	return t
}

func cachedUnitForms(units []string) *unitTable {
	key := strings.Join(units, "\x00")
	if f, ok := unitFormsCache.Load(key); ok {
		return f.(*unitTable)
	}
	t := newUnitTable(unitForms(units))
	if unitFormsSize.Add(1) <= 64 {
		unitFormsCache.Store(key, t)
	}
	return t
}

// builtinForms are the ways the built-in units are written, built once.
var builtinForms = func() []unitForm {
	var forms []unitForm
	for _, b := range builtinUnits {
		for k, p := range append([]string{b.name}, b.aliases...) {
			if firstFold(p) != 0 {
				forms = append(forms, unitForm{name: b.name, phrase: p, first: firstFold(p), upperOnly: isShortWord(p),
					builtin: true, dept: b.dept, titleOnly: k == 0 && b.noBare})
			}
		}
		for _, p := range b.roles {
			forms = append(forms, unitForm{name: b.name, phrase: p, first: firstFold(p), builtin: true, dept: true, role: true})
		}
	}
	return forms
}()

// isShortWord reports whether name is one short English word.
func isShortWord(name string) bool {
	name = strings.TrimSpace(name)
	if len(name) > 3 || !plainASCII(name) {
		return false
	}
	var buf [3]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return shortWords[string(buf[:len(name)])]
}

// matchUnit returns the longest unit form written at term i and how many
// terms it covers.
func matchUnit(table *unitTable, text string, terms []term, i int, skip []bool) (unitForm, int) {
	var best unitForm
	n := 0
	w := terms[i].w
	for _, k := range table.byWord[w] {
		f := &table.forms[k]
		if f.titleOnly && (i == 0 || terms[i].stop || !isUpperASCII(text[terms[i].start]) || inCapitals(text, terms[i:i+1])) {
			continue // "ortho is waiting", "ORTHO": the specialty, not the unit
		}
		k := phraseMatch(f.phrase, terms, i, skip, false)
		if k == 0 || f.upperOnly && (!inCapitals(text, terms[i:i+k]) || shoutedWord(text, terms, i)) {
			continue
		}
		// The longest wins, but a configured unit written here wins over a
		// built-in one: "onc infusion" is the configured Oncology.
		if k > n && (n == 0 || best.builtin || f.builtin == best.builtin) || !f.builtin && best.builtin {
			best, n = *f, k
		}
	}
	return best, n
}

// directions are the compass words of numbered units.
var directions = map[string]string{
	"w": "West", "west": "West", "n": "North", "north": "North",
	"e": "East", "east": "East", "s": "South", "south": "South",
	"norte": "North", "sur": "South", "este": "East", "oeste": "West",
}

// sideWords after a compass word make it a side, not a numbered unit.
var sideWords = map[string]bool{"wing": true, "side": true, "end": true, "entrance": true, "tower": true, "hall": true}

// numberWords are floor numbers written as words: "Four West".
var numberWords = map[string]string{
	"one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
	"six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
}

var ordinalWords = map[string]string{
	"first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
	"sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
}

// timeUnits follow a number that is a time or an amount, not a room.
var timeUnits = map[string]bool{
	"min": true, "mins": true, "minute": true, "minutes": true, "hr": true, "hrs": true, "hour": true,
	"hours": true, "sec": true, "secs": true, "second": true, "seconds": true, "day": true, "days": true,
	"am": true, "pm": true, "ms": true, "percent": true, "pts": true, "patients": true, "people": true,
	"times": true, "units": true, "mg": true, "ml": true, "mcg": true,
}

// findLocation reads the location from the terms of text. Terms for which
// skip is true (device IDs, callback numbers) are not read. In an answer to
// "where are you?" a bare number is a room ("4W 12" reads "4 West, room 12").
func findLocation(text string, terms []term, skip []bool, units []string, answer bool) *locationMarks {
	r := &locationReader{
		text: text, terms: terms, skip: skip, units: units,
		forms: cachedUnitForms(units), used: make([]bool, len(terms)), marks: &locationMarks{},
	}
	readers := [...]func(int) int{r.unitAt, r.gluedAt, r.buildingAt, r.numberedAt, r.floorAt, r.roomAt, r.markerAt}
	for i := 0; i < len(terms); {
		n := 0
		if !masked(skip, i) {
			for _, read := range readers {
				if n = read(i); n > 0 {
					break
				}
			}
		}
		i += max(n, 1)
	}
	if r.room == "" && r.weakRoom != "" {
		r.setRoom(r.weakRoom)
	}
	if answer && r.room == "" {
		for i, t := range terms {
			if !r.used[i] && !masked(skip, i) && roomNumber(t.w, 1, 5) {
				r.setRoom(t.w)
				break
			}
		}
	}
	if r.unit == "" && r.known == "" && r.origin != "" {
		r.unit = r.origin
		r.seen = append(r.seen, r.origin)
	}
	r.marks.units = len(r.seen)
	if r.unit == "" {
		r.unit = cmp.Or(r.known, r.dept, r.role)
	}
	r.marks.text = formatLocation(r.unit, r.floor, r.bay, r.pod, r.room, r.bed, r.chair)
	r.marks.place = r.unit != "" || r.floor != ""
	return r.marks
}

// locationReader holds what the location rules have read so far. Each part
// keeps the first value found.
type locationReader struct {
	text  string
	terms []term
	skip  []bool
	units []string
	forms *unitTable
	used  []bool // terms a rule has read
	marks *locationMarks

	unit, floor, room, bed, bay, pod, chair string
	known, dept                             string   // the first built-in unit and department named
	origin                                  string   // the first unit named after "from"
	role                                    string   // the department of the first staff role named
	weakRoom                                string   // a room read without "rm"/"room"
	seen                                    []string // distinct units, up to 2
	lastNumbered                            [2]string
}

// word returns term i, or "" outside the text or in a device ID.
func (r *locationReader) word(i int) string {
	if i < 0 || i >= len(r.terms) || masked(r.skip, i) {
		return ""
	}
	return r.terms[i].w
}

func (r *locationReader) use(i, n int) {
	for k := i; k < i+n && k < len(r.used); k++ {
		r.used[k] = true
	}
}

// note records a unit named at term at.
func (r *locationReader) note(name string, at int) {
	if r.unit == "" && origin(r.word, at) {
		// "admitting him from the ED to CVICU", "came up to MICU from the
		// ED": where the patient came from; the location only when no other
		// unit is named.
		if r.origin == "" {
			r.origin = name
		}
		return
	}
	if r.unit == "" {
		r.unit = name
	} else if aside(r.word, at) {
		return // "using the one on 4E": a way round, not a second unit affected
	}
	if len(r.marks.unitAt) < 8 {
		r.marks.unitAt = append(r.marks.unitAt, at)
	}
	if len(r.seen) < 2 && !slices.Contains(r.seen, name) {
		r.seen = append(r.seen, name)
	}
}

// noteNumbered records a numbered unit, "4 West", in its configured
// spelling when it is a configured unit. Once two units are known, or for
// the same unit again, no name is built.
func (r *locationReader) noteNumbered(n, dir string, at int) {
	if len(r.seen) == 2 || r.lastNumbered == [2]string{n, dir} {
		return
	}
	r.lastNumbered = [2]string{n, dir}
	name := n + " " + dir
	for _, u := range r.units {
		if sameWords(u, name) {
			name = u
			break
		}
	}
	r.note(name, at)
}

// setRoom keeps a room number and its bed letter ("412b").
func (r *locationReader) setRoom(num string) {
	room, bed := splitRoom(num)
	if r.room == "" {
		r.room = room
		if r.bed == "" {
			r.bed = bed
		}
	}
}

// unitAt reads a configured unit or its alias, with the OR's room number
// ("OR 5", "OR room 5") and a room number right after it ("5N 514").
func (r *locationReader) unitAt(i int) int {
	u, n := matchUnit(r.forms, r.text, r.terms, i, r.skip)
	if n == 0 {
		return 0
	}
	if destination(r.word, i) {
		return n // "pt going to OR": where the patient goes, not where the problem is
	}
	name := u.name
	if u.numbered {
		j := i + n
		if x := r.word(j); x == "room" || x == "rm" || x == "suite" {
			j++
		}
		if x := r.word(j); isDigits(x) && len(x) <= 2 {
			name += " " + trimZeros(x)
			n = j - i + 1
		}
	}
	r.use(i, n)
	if u.role {
		if r.role == "" {
			r.role = u.name
		}
		return n
	}
	if u.builtin {
		name = builtinName(u.name, r.text[r.terms[i].start:r.terms[i+n-1].end])
		switch {
		case u.dept && r.dept == "":
			r.dept = name
		case !u.dept && r.known == "":
			r.known = name
		}
		return n + r.roomAfterUnit(i+n-1)
	}
	r.note(name, i)
	return n + r.roomAfterUnit(i+n-1)
}

// builtinName is how a built-in unit is shown: its name, and the words the
// requester used when they are another name for it ("Pediatrics (Peds)",
// "Psych (Behavioral Health)"), so that the team reads the hospital's own
// word too. A different spelling of the same name adds nothing.
func builtinName(name, written string) string {
	// "peds floor", "cardiology clinic": the kind of place adds nothing.
	for _, w := range []string{" floor", " unit", " dept", " department", " clinic"} {
		if len(written) > len(w) && strings.EqualFold(written[len(written)-len(w):], w) {
			written = written[:len(written)-len(w)]
			break
		}
	}
	if lettersEqual(name, written) {
		return name
	}
	return name + " (" + unitCase(written) + ")"
}

// lettersEqual reports whether a and b have the same letters and digits,
// ignoring case, spaces and punctuation: "Cardiac Stepdown" and "cardiac
// step-down".
func lettersEqual(a, b string) bool {
	next := func(s string, i int) (byte, int) {
		for ; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c >= 0x80 {
				return c, i + 1
			}
		}
		return 0, i
	}
	i, j := 0, 0
	for {
		var x, y byte
		x, i = next(a, i)
		y, j = next(b, j)
		if x != y {
			return false
		}
		if x == 0 {
			return true
		}
	}
}

// unitAcronyms are the words of unit names written in capitals.
var unitAcronyms = map[string]bool{
	"icu": true, "gi": true, "ep": true, "rt": true, "cv": true, "ct": true, "bh": true, "sds": true,
	"cdu": true, "or": true, "ed": true, "er": true, "him": true, "evs": true, "ir": true, "sdu": true,
}

// unitCase writes a unit's words as a name: kept as written when it has a
// capital, else each word capitalised and acronyms in capitals ("peds" →
// "Peds", "medical icu" → "Medical ICU").
func unitCase(s string) string {
	if strings.IndexFunc(s, unicode.IsUpper) >= 0 {
		return s
	}
	words := strings.Fields(s)
	for k, w := range words {
		switch {
		case unitAcronyms[w]:
			words[k] = strings.ToUpper(w)
		case w != "" && w[0] >= 'a' && w[0] <= 'z':
			words[k] = string(w[0]-'a'+'A') + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// buildingAt reads a numbered tower or pavilion: "7 Tower", "Tower 7".
func (r *locationReader) buildingAt(i int) int {
	w, next := r.word(i), r.word(i+1)
	if b, ok := unitBuildings[next]; ok && isDigits(w) && len(w) <= 2 && !isRoomMarker(r.word(i-1)) {
		r.use(i, 2)
		r.note(trimZeros(w)+" "+b, i)
		return 2 + r.roomAfterUnit(i+1)
	}
	if b, ok := unitBuildings[w]; ok && len(next) == 1 && next[0] >= 'a' && next[0] <= 'h' && !masked(r.skip, i+1) {
		// "Tower B", "tower b 4th floor"
		r.use(i, 2)
		r.note(b+" "+strings.ToUpper(next), i)
		return 2 + r.roomAfterUnit(i+1)
	}
	if b, ok := unitBuildings[w]; ok && isDigits(next) && len(next) <= 2 {
		r.use(i, 2)
		r.note(b+" "+trimZeros(next), i)
		return 2 + r.roomAfterUnit(i+1)
	}
	return 0
}

// gluedAt reads a numbered unit written with its number: "OR5".
func (r *locationReader) gluedAt(i int) int {
	if name := glued(r.forms.numbered, r.text, r.terms[i]); name != "" {
		r.use(i, 1)
		r.note(name, i)
		return 1
	}
	return 0
}

// numberedAt reads "4W", "5north", "4 west", "4 W".
func (r *locationReader) numberedAt(i int) int {
	w := r.word(i)
	if d := leadingDigits(w); d > 0 && d <= 2 && d < len(w) {
		if dir, ok := directions[w[d:]]; ok && validFloor(w[:d]) {
			r.use(i, 1)
			r.noteNumbered(trimZeros(w[:d]), dir, i)
			return 1 + r.roomAfterUnit(i)
		}
	}
	if w == "for" && len(r.word(i+1)) > 1 && !sideWords[r.word(i+2)] && i > 0 && (r.word(i-1) == "on" || r.word(i-1) == "in") {
		// "frozen on for west": dictated "4 West"
		if dir, ok := directions[r.word(i+1)]; ok {
			r.use(i, 2)
			r.noteNumbered("4", dir, i)
			return 2 + r.roomAfterUnit(i+1)
		}
	}
	if n, ok := numberWords[w]; ok && len(r.word(i+1)) > 1 {
		// "Four West", "six north": the direction written in full.
		if dir, ok := directions[r.word(i+1)]; ok {
			r.use(i, 2)
			r.noteNumbered(n, dir, i)
			return 2 + r.roomAfterUnit(i+1)
		}
	}
	if isDigits(w) && len(w) <= 2 && validFloor(w) && !isRoomMarker(r.word(i-1)) {
		if dir, ok := directions[r.word(i+1)]; ok {
			r.use(i, 2)
			r.noteNumbered(trimZeros(w), dir, i)
			return 2 + r.roomAfterUnit(i+1)
		}
	}
	return 0
}

// floorAt reads "4th floor west" (a numbered unit), "3rd floor", "fifth
// floor", "floor 3" and "fl 3".
func (r *locationReader) floorAt(i int) int {
	w, next := r.word(i), r.word(i+1)
	if n := ordinal(w); n != "" && isFloorWord(next) {
		if dir, ok := directions[r.word(i+2)]; ok {
			r.use(i, 3)
			r.noteNumbered(n, dir, i)
			return 3
		}
		r.use(i, 2)
		if r.floor == "" {
			r.floor = n
		}
		return 2
	}
	if isFloorWord(w) && isDigits(next) && len(next) <= 2 && validFloor(next) {
		r.use(i, 2)
		if r.floor == "" {
			r.floor = trimZeros(next)
		}
		return 2
	}
	return 0
}

// roomAt reads "rm 412", "room 412B", "room 412-B", "rm412", and notes a
// range or list of rooms ("rm 401-410", "rm 5 and 7").
func (r *locationReader) roomAt(i int) int {
	num, glued, ok := roomAfterMarker(r.word(i), r.word(i+1))
	if !ok {
		return 0
	}
	j := i // the number's term
	if !glued {
		j = i + 1
	}
	r.use(i, j-i+1)
	if _, b := splitRoom(num); b == "" && j+1 < len(r.terms) && r.terms[j+1].hyphen && isBedLetter(r.word(j+1)) {
		r.use(j+1, 1)
		num += r.word(j + 1)
	}
	if j+1 < len(r.terms) && (r.terms[j+1].hyphen && isDigits(r.word(j+1)) || r.word(j+1) == "and" && isDigits(r.word(j+2))) {
		r.marks.ranged = true
	}
	r.setRoom(num)
	return j - i + 1
}

// markerAt reads a word that introduces a part of a location: "in 508",
// "bed 2", "bd B", "bay 7", "bays 1-6", "pod C", "chair 12".
func (r *locationReader) markerAt(i int) int {
	w, x := r.word(i), r.word(i+1)
	switch w {
	case "in":
		if roomNumber(x, 3, 3) && !timeUnits[r.word(i+2)] {
			r.use(i+1, 1)
			if r.weakRoom == "" {
				r.weakRoom = x
			}
			return 2
		}
	case "bed", "bd":
		if bedValue(x) {
			r.use(i+1, 1)
			if r.bed == "" {
				r.bed = strings.ToUpper(x)
			}
			return 2
		}
	case "bay", "bays":
		if isDigits(x) && len(x) <= 3 || isBedLetter(x) {
			r.use(i+1, 1)
			if w == "bays" || i+2 < len(r.terms) && r.terms[i+2].hyphen && isDigits(r.word(i+2)) {
				r.marks.ranged = true
			} else if r.bay == "" {
				r.bay = strings.ToUpper(trimZeros(x))
			}
			return 2
		}
	case "pod":
		if isDigits(x) && len(x) <= 2 || len(x) == 1 && isLetters(x) {
			r.use(i+1, 1)
			if r.pod == "" {
				r.pod = strings.ToUpper(x)
			}
			return 2
		}
	case "chair":
		if isDigits(x) && len(x) <= 3 {
			r.use(i+1, 1)
			if r.chair == "" {
				r.chair = trimZeros(x)
			}
			return 2
		}
	}
	return 0
}

// roomAfterUnit reads "5N 514", "ICU 1204B": a three- or four-digit number
// right after the unit's last term k is a room. It returns the terms read.
func (r *locationReader) roomAfterUnit(k int) int {
	x := r.word(k + 1)
	if !roomNumber(x, 3, 4) || timeUnits[r.word(k+2)] || r.terms[k+1].stop || r.used[k+1] {
		return 0
	}
	r.use(k+1, 1)
	if r.weakRoom == "" {
		r.weakRoom = x
	}
	return 1
}

// roomNumber reports whether w is a room number of lo to hi digits, not
// starting with 0, with perhaps a bed letter: "412", "412b".
func roomNumber(w string, lo, hi int) bool {
	d := leadingDigits(w)
	return d >= lo && d <= hi && (lo == 1 || w[0] != '0') && (d == len(w) || len(w) == d+1 && isBedLetter(w[d:]))
}

// formatLocation joins the parts of a location in the normalised form.
func formatLocation(unit, floor, bay, pod, room, bed, chair string) string {
	head := unit
	if head == "" && floor != "" {
		head = "floor " + floor
		if bay != "" || pod != "" {
			head += ","
		}
	}
	if bay != "" {
		head = strings.TrimSpace(head + " bay " + bay)
	}
	if pod != "" {
		head = strings.TrimSpace(head + " pod " + pod)
	}
	var b strings.Builder
	add := func(s string) {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s)
	}
	if head != "" {
		add(head)
	}
	if room != "" {
		add("room " + room)
	}
	if bed != "" {
		add("bed " + bed)
	}
	if chair != "" {
		add("chair " + chair)
	}
	return b.String()
}

// roomAfterMarker reads a room number after "rm"/"room", or glued to it
// ("rm412").
func roomAfterMarker(w, next string) (num string, glued, ok bool) {
	switch {
	case isRoomMarker(w):
		num = next
	case strings.HasPrefix(w, "rm") && leadingDigits(w[2:]) > 0:
		num, glued = w[2:], true
	case strings.HasPrefix(w, "room") && leadingDigits(w[4:]) > 0:
		num, glued = w[4:], true
	default:
		return "", false, false
	}
	d := leadingDigits(num)
	if d == 0 || d > 5 || d < len(num) && !(len(num) == d+1 && isBedLetter(num[d:])) {
		return "", false, false
	}
	return num, glued, true
}

func isRoomMarker(w string) bool { return w == "rm" || w == "room" || w == "rom" || w == "rooms" }

func isFloorWord(w string) bool { return w == "floor" || w == "fl" || w == "flr" }

// splitRoom splits "412b" into "412" and "B".
func splitRoom(num string) (room, bed string) {
	d := leadingDigits(num)
	if d < len(num) {
		return trimZeros(num[:d]), strings.ToUpper(num[d:])
	}
	return trimZeros(num), ""
}

func isBedLetter(s string) bool { return len(s) == 1 && 'a' <= s[0] && s[0] <= 'h' }

func bedValue(s string) bool {
	return isDigits(s) && len(s) <= 3 || isBedLetter(s)
}

// ordinal reads "4th", "3rd", "fifth" as a floor number.
func ordinal(w string) string {
	if n, ok := ordinalWords[w]; ok {
		return n
	}
	d := leadingDigits(w)
	if d == 0 || d > 2 || len(w) != d+2 {
		return ""
	}
	switch w[d:] {
	case "st", "nd", "rd", "th":
		if validFloor(w[:d]) {
			return trimZeros(w[:d])
		}
	}
	return ""
}

func validFloor(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 30
}

func trimZeros(s string) string {
	t := strings.TrimLeft(s, "0")
	if t == "" && s != "" {
		return "0"
	}
	return t
}

// inCapitals reports whether every letter of the terms is a capital in text.
func inCapitals(text string, ts []term) bool {
	for _, t := range ts {
		for i := t.start; i < t.end; i++ {
			if c := text[i]; 'a' <= c && c <= 'z' {
				return false
			}
		}
	}
	return true
}

// goingWords before "to" make the place after it a destination.
var goingWords = map[string]bool{
	"going": true, "headed": true, "heading": true, "sent": true, "off": true, "go": true,
	"goes": true, "went": true, "back": true, "transport": true, "transporting": true,
}

// destination reports whether the place at term i is where someone is
// going: "going to OR", "headed to the ICU".
func destination(word func(int) string, i int) bool {
	k := i - 1
	if word(k) == "the" {
		k--
	}
	return word(k) == "to" && goingWords[word(k-1)]
}

// glued reads a numbered unit written with its number, "OR5", in capitals.
func glued(forms []unitForm, text string, t term) string {
	for _, f := range forms {
		if !f.numbered || f.phrase != f.name {
			continue
		}
		n := len(f.phrase)
		if len(t.w) > n && len(t.w) <= n+2 && isDigits(t.w[n:]) && wordFold(t.w[:n], f.phrase, false) &&
			inCapitals(text, []term{t}) {
			return f.name + " " + trimZeros(t.w[n:])
		}
	}
	return ""
}

// shoutedWord reports whether the short unit name at term i ("OR") is, in
// a message written in capitals, the English word: "FINGERPRINT OR BADGE".
// The unit then needs a place word before it or a room number after it.
func shoutedWord(text string, terms []term, i int) bool {
	caps := func(k int) bool {
		return k >= 0 && k < len(terms) && len(terms[k].w) >= 3 && inCapitals(text, terms[k:k+1])
	}
	if !capsMessage(text) && !(caps(i-1) && caps(i+1)) {
		return false // "FINGERPRINT OR BADGE" in a message that is not all capitals
	}
	if i > 0 && (placeWords[terms[i-1].w] || terms[i-1].w == "the" || terms[i-1].w == "main") {
		return false
	}
	return i+1 >= len(terms) || !isDigits(terms[i+1].w)
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

// origin reports whether the unit at term at follows "from": "from the ED".
func origin(word func(int) string, at int) bool {
	p := at - 1
	if determiners[word(p)] {
		p--
	}
	return word(p) == "from"
}

// asideWords before a second unit make it a way round ("using the one on
// 4E", "we print on 5N instead") or a move ("transferred from 4W to ICU"),
// not a second unit with the problem.
var asideWords = map[string]bool{
	"use": true, "using": true, "used": true, "borrow": true, "borrowing": true, "borrowed": true,
	"instead": true, "sending": true, "sent": true, "moved": true, "switched": true, "went": true,
	"walk": true, "walking": true, "transfer": true, "transferred": true, "transferring": true,
	"floated": true, "float": true, "covering": true, "printing": true,
}

// aside reports whether an aside word comes within six terms before term i.
func aside(word func(int) string, i int) bool {
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		if asideWords[word(j)] {
			return true
		}
	}
	return false
}
