package triage

// Patient data guard (DESIGN.md §7). Redact finds likely patient identifiers
// in a message and replaces them before the text is stored, posted or logged.
//
// The detectors read a token stream instead of running one regular expression
// per identifier over the text: eight such expressions cost about 8 ms on a
// 40,000-character message, while one scan with a keyword lookup per word and
// a few checks per token stays well under the budget and linear in length.
//
// Detection is a guard on top of "do not collect", not a guarantee: labelled
// values (MRN, DOB, SSN) and fixed formats (SSN, MBI, phone) are found well,
// names only after a patient label or a title.

import (
	"cmp"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// phiKind is a built-in identifier type. The order is the priority when two
// detections overlap: a label ("MRN", "DOB") says more about what a number is
// than its shape does.
type phiKind uint8

const (
	phiMRN phiKind = iota
	phiDOB
	phiSSN
	phiMBI
	phiPhone
	phiName
	phiKinds
)

// phiTypes are each kind's PHIFinding.Type and replacement text. No
// replacement contains anything a detector looks for, and the tokenizer reads
// each as one opaque token, so redacting twice changes nothing.
var phiTypes = [phiKinds]struct{ typ, marker string }{
	phiMRN:   {"MRN", "[MRN removed]"},
	phiDOB:   {"DOB", "[DOB removed]"},
	phiSSN:   {"SSN", "[SSN removed]"},
	phiMBI:   {"MBI", "[Medicare ID removed]"},
	phiPhone: {"PHONE", "[phone removed]"},
	phiName:  {"NAME", "[patient name removed]"},
}

// phiMarkers are the built-in replacement texts. Never modified.
var phiMarkers = func() []string {
	ms := make([]string, 0, phiKinds)
	for _, t := range phiTypes {
		ms = append(ms, t.marker)
	}
	return ms
}()

// phiMaxPasses bounds the passes Redact makes. A pass normally finds
// everything; the next one only confirms it. More passes are needed only when
// a redaction uncovers something new, such as a configured pattern that
// matches a piece left between two replacements.
const phiMaxPasses = 6

// Redact replaces every likely patient identifier in text with "[TYPE
// removed]" ("[MRN removed]", "[SSN removed]", "[DOB removed]", "[patient
// name removed]", "[phone removed]", "[Medicare ID removed]", and "[NAME
// removed]" for a configured pattern called NAME) and reports what it found,
// by type, never the values. Labels are kept ("MRN [MRN removed]"), so the
// reader still knows what was there.
//
// custom are the hospital's own patterns (name -> regular expression), applied
// in name order after the built-in detectors, never inside a replacement; a
// pattern named like a built-in type ("MRN") adds to that type's count.
//
// Findings are sorted by Type, one per type with its count; nil when nothing
// was found. Redact is idempotent: Redact(Redact(x)) returns the same text and
// no findings. Its cost is linear in the length of text.
func Redact(text string, custom map[string]*regexp.Regexp) (string, []PHIFinding) {
	markers := phiMarkers
	var names []string
	if len(custom) > 0 {
		names = slices.Sorted(maps.Keys(custom))
		markers = slices.Clip(phiMarkers)
		for _, name := range names {
			markers = append(markers, "["+name+" removed]")
		}
	}
	var found []PHIFinding
	for range phiMaxPasses {
		var n int
		text, n = phiPass(text, names, custom, markers, &found)
		if n == 0 {
			break
		}
	}
	slices.SortFunc(found, func(a, b PHIFinding) int { return strings.Compare(a.Type, b.Type) })
	return text, found
}

// phiPass runs every detector once over text and returns the redacted text and
// how many identifiers it replaced, adding them to found.
func phiPass(text string, names []string, custom map[string]*regexp.Regexp, markers []string, found *[]PHIFinding) (string, int) {
	r := phiRun{text: text}
	r.tokenize(markers)
	r.findSSN()
	r.findMBI()
	r.findLabelledMBI()
	r.findPhone()
	r.findMRN()
	r.findDOB()
	r.findName()
	out, n := r.redact(found)
	for _, name := range names {
		var k int
		out, k = phiRedactPattern(out, name, custom[name], markers)
		if k > 0 {
			phiCount(found, name, k)
			n += k
		}
	}
	return out, n
}

func phiCount(found *[]PHIFinding, typ string, n int) {
	for i := range *found {
		if (*found)[i].Type == typ {
			(*found)[i].Count += n
			return
		}
	}
	*found = append(*found, PHIFinding{Type: typ, Count: n})
}

// phiRedactPattern replaces every non-empty match of re outside the markers.
func phiRedactPattern(text, name string, re *regexp.Regexp, markers []string) (string, int) {
	if re == nil {
		return text, 0
	}
	marker := "[" + name + " removed]"
	var b strings.Builder
	n, last := 0, 0
	for from := 0; from <= len(text); {
		to, skip := len(text), 0
		for i := strings.IndexByte(text[from:], '['); i >= 0; {
			if skip = phiMarkerAt(text[from+i:], markers); skip > 0 {
				to = from + i
				break
			}
			j := strings.IndexByte(text[from+i+1:], '[')
			if j < 0 {
				break
			}
			i += j + 1
		}
		for _, m := range re.FindAllStringIndex(text[from:to], -1) {
			if m[0] == m[1] {
				continue
			}
			if n == 0 {
				b.Grow(len(text))
			}
			b.WriteString(text[last : from+m[0]])
			b.WriteString(marker)
			last = from + m[1]
			n++
		}
		from = to + skip
		if skip == 0 {
			break
		}
	}
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

func phiMarkerAt(s string, markers []string) int {
	for _, m := range markers {
		if strings.HasPrefix(s, m) {
			return len(m)
		}
	}
	return 0
}

// phiWord flags what a word, lower-cased, can mean to the detectors.
type phiWord uint32

const (
	wSSN       phiWord = 1 << iota // labels an SSN
	wMRN                           // labels a record number
	wDOB                           // labels a birth date
	wMonth                         // a month name
	wFiller                        // may sit between a label and its value
	wPatient                       // a patient label that a name may follow
	wKin                           // the patient or their family: a patient's phone
	wStaff                         // a staff member, a staff line or IT: a staff phone
	wCallback                      // a callback number: staff unless family is named
	wPhoneWord                     // labels a bare ten-digit phone number
	wRole                          // a staff role: a title before it is not a patient
	wDept                          // a department or vendor: "Ms. Kim from pharmacy"
	wCode                          // names a code, not a phone number: order, case, lot
	wCare                          // patient context for a title: bed, wristband, census
	wLead                          // may start a longer label: med rec, date of birth
	wTitle                         // Mr, Mrs, Ms, Mx, Miss
	wStop                          // never a patient's name
	wThird                         // she, he, they: someone other than the writer
)

// phiWords maps lower-case words to their meanings. Every cue word is also a
// stop word, so a name redaction never removes a cue and the phone and title
// rules decide the same way on every pass.
var phiWords = func() map[string]phiWord {
	lists := []struct {
		w     phiWord
		words string
	}{
		{wSSN, "ssn ssns social ss"},
		{wMRN, "mrn mrns"},
		{wDOB, "dob dobs birthdate birthday bday born nacimiento nacio"},
		{wMonth, "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december"},
		{wFiller, "is was of on no num nbr number security sec"},
		{wPatient, "pt pts patient resident paciente baby infant newborn"},
		{wKin, "pt pts patient patients resident residents family fam families daughter dtr dau daughters son sons wife husband husb hubby spouse mother mom mum father dad parent parents sister brother sibling caregiver guardian poa nok kin relative relatives grandson granddaughter grandchild grandma grandpa grandmother grandfather niece nephew aunt uncle partner hija hijo esposa esposo madre padre stepson stepdaughter grandparent fiance fiancee girlfriend boyfriend emergency neighbor"},
		{wStaff, "me my mine i im our us we desk unit station office ext extension fax support helpdesk servicedesk hotline helpline vendor dept department pager work team switchboard operator charge nursing clinic"},
		{wRole | wStaff, "rn lpn cna md np dr doctor nurse nurses physician hospitalist attending intern fellow manager supervisor director tech technician pharmacist therapist coordinator educator clerk secretary hus analyst engineer admin administrator staff colleague coworker provider scheduler registrar rep desk station office hire hired orientation onboarding trainee student employee aide preceptor orientee scribe traveler travelers grad grads rns lpns cnas techs nurses students instructor medic paramedic emt phlebotomist volunteer chaplain dietitian housekeeper rt rrt crna slp sonographer radiologist anesthesiologist surgeon charge"},
		{wDept | wStaff, "staffing pharmacy lab laboratory radiology registration admitting biomed security facilities engineering dietary nutrition kitchen billing finance hr payroll informatics epic cerner meditech dell hp citrix imprivata vocera omnicell pyxis zebra alaris microsoft cisco spectralink"},
		{wCallback, "callback callbacks cb back reach contact"},
		{wLead, "mr med medical chart encounter enc visit acct account fin csn har date birth d member policy subscriber insurance guarantor billing"},
		{wThird, "she he they shes hes theyre her him them"},
		{wTitle | wStop, "mr mrs ms mx miss mister sr sra srta señor señora"},
		{wCode, "order orders ord case ticket tkt inc incident lot serial sn po invoice tag asset part model ref confirmation conf req requisition accession acc"},
		{wCare, "bed beds bedside rm room rooms wristband wristbands armband armbands bracelet census discharged discharge admitted admit admission chart charts mychart portal tv meds med tray meal meals allergy allergies results vitals tele telemetry isolation interpreter visitor visitors preferred mrn dob ssn medicare insurance"},
		{wPhoneWord, "phone cell mobile tel telephone ph number num contact call text callback cb home"},
		{wStop, "a an the and or of for from with in into on at to by as is was are were be been has had have not no can cant cannot will wont did didnt does doesnt do dont needs need wants want says said states stated just still also again today tonight yesterday tomorrow now here there this that these those who whose which when where what why how his her him their your its please pls plz thanks thank thx hi hello hey urgent stat asap help new old first last next same other another all any some each every one two three " +
			"room rooms rm bed beds bay bays care portal access list lists label labels wristband wristbands armband armbands bracelet chart charts charting id ids name names info information data record records safety experience relations transport transportation tracking tracker board boards census education monitor monitoring monitors services service financial rights satisfaction advocate flow call calls lift lifts scale scales tv phone phones belongings home floor side status location locator lookup search header banner summary stations discharge discharges admission admissions admit transfer transfers schedule scheduling appointment appointments app application kiosk entertainment wifi guest guests menu meal meals dining food tray trays pump pumps bedside sticker stickers request requests report reports queue queues rounding whiteboard whiteboards sign signature signatures consent consents form forms handout handouts instructions paperwork intake private portal " +
			"ehr emr mar emar bcma pacs ed er icu nicu picu pacu or ob tele telemetry mychart haiku rover canto teams outlook excel word chrome edge windows printer printers scanner scanners computer computers pc pcs wow cow workstation keyboard mouse screen login password account accounts waiting lounge lobby bathroom restroom sitter sitters ready wait line lines " +
			"monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"},
	}
	m := map[string]phiWord{}
	for _, l := range lists {
		w := l.w
		if w&(wSSN|wMRN|wDOB|wFiller|wPatient|wKin|wStaff|wCallback|wPhoneWord|wRole|wDept|wCode|wCare|wLead) != 0 {
			w |= wStop
		}
		for _, word := range strings.Fields(l.words) {
			m[word] |= w
		}
	}
	return m
}()

// phiLookup returns what the ASCII word s means; no allocation.
func phiLookup(s string) phiWord {
	var buf [16]byte
	if len(s) > len(buf) {
		return 0
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return phiWords[string(buf[:len(s)])]
}

type phiTokKind uint8

const (
	tokWord   phiTokKind = iota // letters and digits
	tokPunct                    // one other character
	tokMarker                   // a replacement such as "[SSN removed]"
)

type phiTok struct {
	s, e   int // byte offsets in the text
	digits int // ASCII digits in a word
	w      phiWord
	kind   phiTokKind
	space  bool // whitespace, or the start of the text, comes before it
	nl     bool // a line break comes before it
}

type phiSpan struct {
	s, e int // byte offsets
	kind phiKind
}

// phiRun is one pass of the detectors over one text.
type phiRun struct {
	text  string
	toks  []phiTok
	spans []phiSpan
	names []nameInfo // per token, filled as the name detector asks
	caps  bool       // the message is written in capitals
	// staffEnd is the last token of the latest name judged staff's, plus
	// one (0: none), so that a list goes on as it started: "travelers: Ana
	// Ferreira, Declan Byrne".
	staffEnd int
}

func (r *phiRun) tokenize(markers []string) {
	text := r.text
	r.toks = make([]phiTok, 0, len(text)/4+4)
	space, nl := true, false
	for i := 0; i < len(text); {
		c := text[i]
		t := phiTok{s: i, e: i + 1, kind: tokPunct, space: space, nl: nl}
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
				space, nl = true, nl || c == '\n'
				i++
				continue
			case phiAlnum(c):
				t.kind = tokWord
			case c == '[':
				if n := phiMarkerAt(text[i:], markers); n > 0 {
					t.kind, t.e = tokMarker, i+n
				}
			}
		} else {
			rn, n := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(rn) {
				space, nl = true, nl || rn == '\u2028' || rn == '\u2029' || rn == '\u0085'
				i += n
				continue
			}
			t.e = i + n
			if phiLetter(rn) {
				t.kind = tokWord
			}
		}
		if t.kind == tokWord {
			ascii := true
			t.e, t.digits, ascii = phiWordEnd(text, i)
			// "MRN00123456", "DOB03/14/1952": the label and the value run
			// together, so split them.
			if ascii && t.digits > 0 && t.e-i > 3 && phiDigit(text[i+3]) && !phiDigit(text[i]) &&
				phiLookup(text[i:i+3])&(wSSN|wMRN|wDOB) != 0 {
				r.toks = append(r.toks, phiTok{s: i, e: i + 3, kind: tokWord, w: phiLookup(text[i : i+3]), space: space, nl: nl})
				t.s, t.space, t.nl = i+3, false, false
			}
			if t.digits == 0 {
				if ascii {
					t.w = phiLookup(text[t.s:t.e])
				} else {
					t.w = phiWords[strings.ToLower(text[t.s:t.e])]
				}
			}
		}
		r.toks = append(r.toks, t)
		i = t.e
		space, nl = false, false
	}
}

// phiWordEnd returns where the word starting at i ends, how many ASCII digits
// it has and whether it is all ASCII.
func phiWordEnd(text string, i int) (end, digits int, ascii bool) {
	ascii = true
	for end = i; end < len(text); {
		c := text[end]
		if c < utf8.RuneSelf {
			if !phiAlnum(c) {
				break
			}
			if phiDigit(c) {
				digits++
			}
			end++
			continue
		}
		rn, n := utf8.DecodeRuneInString(text[end:])
		if !phiLetter(rn) {
			break
		}
		ascii = false
		end += n
	}
	return end, digits, ascii
}

func phiDigit(c byte) bool { return '0' <= c && c <= '9' }

func phiAlnum(c byte) bool {
	return phiDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func phiLetter(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func (r *phiRun) word(i int) bool { return i >= 0 && i < len(r.toks) && r.toks[i].kind == tokWord }

func (r *phiRun) str(i int) string { return r.text[r.toks[i].s:r.toks[i].e] }

// num reports whether token i is all digits, lo to hi of them.
func (r *phiRun) num(i, lo, hi int) bool {
	if !r.word(i) {
		return false
	}
	n := r.toks[i].e - r.toks[i].s
	return r.toks[i].digits == n && lo <= n && n <= hi
}

// punct reports whether token i is one of the ASCII characters in chars.
func (r *phiRun) punct(i int, chars string) bool {
	if i < 0 || i >= len(r.toks) {
		return false
	}
	t := r.toks[i]
	return t.kind == tokPunct && t.e-t.s == 1 && strings.IndexByte(chars, r.text[t.s]) >= 0
}

// glued reports whether token i follows the one before it with no space.
func (r *phiRun) glued(i int) bool { return i < len(r.toks) && !r.toks[i].space }

func (r *phiRun) is(i int, w phiWord) bool { return r.word(i) && r.toks[i].w&w != 0 }

func (r *phiRun) eq(i int, s string) bool { return r.word(i) && strings.EqualFold(r.str(i), s) }

// ender reports whether token i ends a sentence.
func (r *phiRun) ender(i int) bool {
	return r.punct(i, ".!?;") && (i+1 == len(r.toks) || r.toks[i+1].space)
}

func (r *phiRun) add(i, j int, kind phiKind) {
	r.spans = append(r.spans, phiSpan{r.toks[i].s, r.toks[j].e, kind})
}

// phiJoiners join the parts of a longer code: "PC-004512", "10.1.2.3", "07:42".
const phiJoiners = "-./_:"

// free reports whether tokens i to j stand apart from other numbers: no word
// with digits touches them, directly or through a joiner. "1-123-45-6789" is
// not an SSN, "SSN:123-45-6789" and "pt-123-45-6789" are.
func (r *phiRun) free(i, j int) bool {
	if i > 0 && !r.toks[i].space {
		p := i - 1
		if r.word(p) && r.toks[p].digits > 0 {
			return false
		}
		if r.punct(p, phiJoiners) && r.glued(p) && r.word(p-1) && r.toks[p-1].digits > 0 {
			return false
		}
	}
	if n := j + 1; r.glued(n) {
		if r.word(n) && r.toks[n].digits > 0 {
			return false
		}
		if r.punct(n, phiJoiners) && r.glued(n+1) && r.word(n+1) && r.toks[n+1].digits > 0 {
			return false
		}
	}
	return true
}

// part returns the token after a separator at i: one of seps touching both
// neighbours, or whitespace within the line.
func (r *phiRun) part(i int, seps string) (int, bool) {
	if i >= len(r.toks) {
		return 0, false
	}
	if r.toks[i].space {
		return i, !r.toks[i].nl
	}
	if r.punct(i, seps) && r.glued(i+1) {
		return i + 1, true
	}
	return 0, false
}

// value returns the first token from i on that is not filler between a label
// and its value ("MRN: 123", "DOB is 3/14/52", "SSN # 123456789").
func (r *phiRun) value(i int) int {
	for n := 0; n < 4 && (r.punct(i, ":#-=.,") || r.is(i, wFiller)); n++ {
		i++
	}
	return i
}

// findSSN finds 3-2-4 digit groups separated by dashes or spaces, and nine
// bare digits after an SSN label, that pass the validity rules.
func (r *phiRun) findSSN() {
	for i := range r.toks {
		switch {
		case r.num(i, 3, 3):
			j, ok := r.part(i+1, "-")
			if !ok || !r.num(j, 2, 2) {
				continue
			}
			k, ok := r.part(j+1, "-")
			if ok && r.num(k, 4, 4) && r.free(i, k) && phiValidSSN(r.str(i), r.str(j), r.str(k)) {
				r.add(i, k, phiSSN)
			}
		case r.is(i, wSSN):
			if j := r.value(i + 1); r.num(j, 9, 9) && r.free(j, j) {
				if s := r.str(j); phiValidSSN(s[:3], s[3:5], s[5:]) {
					r.add(j, j, phiSSN)
				}
			}
		}
	}
}

// phiValidSSN applies the SSA's rules: no area 000, 666 or 900-999, no group
// 00, no serial 0000.
func phiValidSSN(area, group, serial string) bool {
	return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000"
}

// findMBI finds Medicare Beneficiary Identifiers: eleven characters, written
// whole or with dashes after the fourth and seventh.
func (r *phiRun) findMBI() {
	for i := 0; i < len(r.toks); i++ {
		t := r.toks[i]
		if t.kind != tokWord || t.digits == 0 || t.e-t.s > 11 {
			continue
		}
		var id [11]byte
		n, j := copy(id[:], r.str(i)), i
		for (n == 4 || n == 7) && r.punct(j+1, "-") && r.glued(j+1) && r.glued(j+2) && r.word(j+2) {
			w := r.str(j + 2)
			if n+len(w) > len(id) {
				break
			}
			n += copy(id[n:], w)
			j += 2
		}
		if n == len(id) && phiValidMBI(id) && r.free(i, j) {
			r.add(i, j, phiMBI)
			i = j
		}
	}
}

// findLabelledMBI finds a Medicare number after its label, valid or not: a
// label makes it the patient's, and a mistyped one still identifies them.
// "MBI 1EG4-TE5-MK7", "Medicare # 1AB2CD3EF45", "medicare id: 1eg4te5mk7".
func (r *phiRun) findLabelledMBI() {
	for i := range r.toks {
		if !r.eq(i, "mbi") && !r.eq(i, "medicare") && !r.eq(i, "hicn") && !r.eq(i, "mbis") {
			continue
		}
		j := i + 1
		if r.eq(j, "id") || r.eq(j, "number") || r.eq(j, "no") || r.eq(j, "num") || r.eq(j, "nbr") {
			j++
		}
		j = r.value(j)
		if !r.word(j) {
			continue
		}
		k, n, letters := j, 0, 0
		for {
			w := r.str(k)
			n += len(w)
			letters += len(w) - r.toks[k].digits
			if !(r.punct(k+1, "-") && r.glued(k+1) && r.glued(k+2) && r.word(k+2)) {
				break
			}
			k += 2
		}
		if digits := n - letters; digits >= 2 && letters >= 1 && 8 <= n && n <= 14 && r.free(j, k) {
			r.add(j, k, phiMBI)
			continue
		}
		// "Medicare # field won't take 7PL0Y-DK3-FF81": the value comes
		// later in the sentence; a code shaped like an MBI counts.
		for k := i + 1; k < len(r.toks) && k <= i+14 && !r.ender(k) && !r.toks[k].nl; k++ {
			if e, ok := r.mbiShaped(k); ok {
				r.add(k, e, phiMBI)
				break
			}
		}
	}
}

// mbiShaped reports whether a mistyped Medicare number starts at token k:
// 10 to 13 letters and digits in dash-joined groups, starting with a digit
// 1-9, with at least three of each.
func (r *phiRun) mbiShaped(k int) (int, bool) {
	if !r.word(k) || r.toks[k].digits == 0 || r.str(k)[0] < '1' || r.str(k)[0] > '9' || !r.free(k, k) && !r.punct(k+1, "-") {
		return 0, false
	}
	e, n, digits := k, len(r.str(k)), r.toks[k].digits
	for r.punct(e+1, "-") && r.glued(e+1) && r.glued(e+2) && r.word(e+2) {
		e += 2
		n += len(r.str(e))
		digits += r.toks[e].digits
	}
	if e == k && n != 11 || n < 10 || n > 13 || digits < 3 || n-digits < 3 {
		return 0, false
	}
	return e, true
}

// phiValidMBI checks the CMS format: position 1 a digit 1-9; 2, 5, 8 and 9
// letters; 3 and 6 letters or digits; 4, 7, 10 and 11 digits. The letters
// exclude S, L, O, I, B and Z.
func phiValidMBI(id [11]byte) bool {
	letter := func(c byte) bool {
		c &^= 'a' - 'A'
		return 'A' <= c && c <= 'Z' && strings.IndexByte("SLOIBZ", c) < 0
	}
	for k, c := range id {
		var ok bool
		switch k {
		case 0:
			ok = '1' <= c && c <= '9'
		case 1, 4, 7, 8:
			ok = letter(c)
		case 2, 5:
			ok = letter(c) || phiDigit(c)
		default:
			ok = phiDigit(c)
		}
		if !ok {
			return false
		}
	}
	return true
}

// findPhone finds ten-digit US phone numbers and keeps those that may be a
// patient's or their family's. A number is a staff line when the nearest cue
// before it in the sentence is a staff one ("call me back at", "my desk line",
// "unit phone", "Epic support"), or when only a callback word precedes it and
// no family is named; otherwise it counts as the patient's, which is the safe
// side. The cues are tracked as the scan goes, so each number costs O(1).
func (r *phiRun) findPhone() {
	lastKin, lastStaff, callback := -1, -1, false
	for i := 0; i < len(r.toks); i++ {
		t := r.toks[i]
		if t.nl {
			lastKin, lastStaff, callback = -1, -1, false
		}
		end, area, ok := 0, "", false
		if t.kind == tokPunct || t.digits > 0 {
			end, area, ok = r.phoneAt(i)
		}
		if !ok && r.num(i, 10, 10) && r.str(i)[0] >= '2' && r.free(i, i) && (r.is(i-1, wPhoneWord) || r.punct(i-1, ":#") && r.is(i-2, wPhoneWord)) {
			end, area, ok = i, r.str(i)[:3], true
		}
		if ok {
			if r.patientPhone(end, area, lastKin, lastStaff, callback) || r.callerFrom(i, lastKin) {
				r.add(i, end, phiPhone)
			}
			i = end
			continue
		}
		// "daughter's cell 555-0134": seven digits count only when a
		// relative or the patient is the nearest cue.
		if end, ok := r.localPhoneAt(i); ok {
			if lastKin > lastStaff || lastKin < 0 && lastStaff < 0 && (r.kinAfter(end) || r.theirPhone(i)) || r.callerFrom(i, lastKin) {
				r.add(i, end, phiPhone)
			}
			i = end
			continue
		}
		switch {
		case r.is(i, wKin) || r.thirdPerson(i):
			// "she's calling back at …": someone other than the writer,
			// here the patient or a relative.
			lastKin = i
		case r.staffCue(i) || r.is(i, wCode):
			lastStaff = i
		case r.is(i, wCallback):
			callback = true
		}
		if r.ender(i) {
			lastKin, lastStaff, callback = -1, -1, false
		}
	}
}

// thirdPerson reports whether token i is "she", "he" or "they" (or their
// forms): in a message about a patient, the person spoken of.
func (r *phiRun) thirdPerson(i int) bool { return r.is(i, wThird) }

// callerFrom reports whether the number at token i is where a named relative
// or patient calls from: "his wife keeps calling the desk from 555-0176".
func (r *phiRun) callerFrom(i, lastKin int) bool {
	return lastKin >= 0 && r.eq(i-1, "from")
}

// localPhoneAt reports whether a seven-digit number without an area code
// starts at token i: 555-0134, 555.0134, 555 0134.
func (r *phiRun) localPhoneAt(i int) (int, bool) {
	if !r.num(i, 3, 3) || r.str(i)[0] < '2' {
		return 0, false
	}
	k, ok := r.part(i+1, "-.")
	if !ok || !r.num(k, 4, 4) || !r.free(i, k) {
		return 0, false
	}
	return k, true
}

// theirPhone reports whether a seven-digit number at token i is given as
// someone else's in a message about a patient: "his cell 867-2210", "her
// number is 555-0112".
func (r *phiRun) theirPhone(i int) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if r.eq(k, "his") || r.eq(k, "her") || r.eq(k, "their") {
			return r.patientContext()
		}
	}
	return false
}

// kinAfter reports whether a relative is named among the three words after
// token end: "555-0134 (daughter)".
func (r *phiRun) kinAfter(end int) bool {
	for k, words := end+1, 0; k < len(r.toks) && words < 3; k++ {
		if r.toks[k].nl || r.ender(k) {
			return false
		}
		if r.word(k) {
			if r.is(k, wKin) {
				return true
			}
			words++
		}
	}
	return false
}

// staffCue reports whether token i points to staff or IT: a staff word, "IT",
// or an extension such as x4357.
func (r *phiRun) staffCue(i int) bool {
	if r.is(i, wStaff) {
		return true
	}
	if !r.word(i) {
		return false
	}
	// an extension written as one word: x4357, ext4357
	s := r.str(i)
	if s == "IT" {
		return true
	}
	digits := r.toks[i].digits
	head := s[:len(s)-digits] // the rest is all digits when head is x or ext
	return digits > 0 && (strings.EqualFold(head, "x") || strings.EqualFold(head, "ext"))
}

func (r *phiRun) patientPhone(end int, area string, lastKin, lastStaff int, callback bool) bool {
	if lastKin >= 0 || lastStaff >= 0 {
		return lastKin > lastStaff
	}
	if callback {
		return false
	}
	// "312-555-0199 (my cell)", "312-555-0100 ext 22", "… (daughter)"
	for k, words := end+1, 0; k < len(r.toks) && words < 3; k++ {
		t := r.toks[k]
		if t.nl || t.kind == tokMarker {
			break
		}
		if t.kind == tokPunct {
			if r.ender(k) {
				break
			}
			continue
		}
		if r.staffCue(k) {
			return false
		}
		if t.digits > 0 {
			break
		}
		if t.w&wKin != 0 {
			return true
		}
		words++
	}
	switch area {
	case "800", "833", "844", "855", "866", "877", "888":
		return false // toll-free: a vendor's or a service's line
	}
	return true
}

// phoneAt reports whether a phone number starts at token i: an optional +1 or
// 1, the area code bare or in brackets, then 3 and 4 digits, separated by
// dashes, dots or spaces. It returns the last token and the area code.
func (r *phiRun) phoneAt(i int) (end int, area string, ok bool) {
	j := i
	if r.punct(j, "+") {
		if !r.glued(j+1) || !r.num(j+1, 1, 1) {
			return 0, "", false
		}
		j++
	}
	if r.num(j, 1, 1) {
		if r.str(j) != "1" {
			return 0, "", false
		}
		if r.punct(j+1, "(") && r.glued(j+1) {
			j++
		} else if k, ok := r.part(j+1, "-."); ok {
			j = k
		} else {
			return 0, "", false
		}
	}
	if r.punct(j, "(") {
		if !r.glued(j+1) || !r.num(j+1, 3, 3) || !r.glued(j+2) || !r.punct(j+2, ")") {
			return 0, "", false
		}
		area, j = r.str(j+1), j+3
		if area[0] < '2' {
			return 0, "", false
		}
		if r.punct(j, "-.") && r.glued(j) && r.glued(j+1) {
			j++
		} else if j < len(r.toks) && r.toks[j].nl {
			return 0, "", false
		}
	} else {
		if !r.num(j, 3, 3) {
			return 0, "", false
		}
		area = r.str(j)
		if area[0] < '2' { // no US area code starts with 0 or 1: an order or part number
			return 0, "", false
		}
		if j, ok = r.part(j+1, "-."); !ok {
			return 0, "", false
		}
	}
	if !r.num(j, 3, 3) {
		return 0, "", false
	}
	k, ok := r.part(j+1, "-.")
	if !ok || !r.num(k, 4, 4) || !r.free(i, k) {
		return 0, "", false
	}
	return k, area, true
}

// findMRN finds record and account numbers after a label: "MRN", "MR#", "med
// rec", "medical record", "chart #", "pt ID", "FIN"/"CSN"/"HAR", and "acct"
// or "account" near a patient word. A list after the label ("MRNs 00123456,
// 00123457") is redacted whole when its numbers look alike.
func (r *phiRun) findMRN() {
	for i := range r.toks {
		j := r.mrnLabel(i)
		if j < 0 {
			continue
		}
		s, e, ok := r.idAt(r.value(j))
		if !ok {
			continue
		}
		r.add(s, e, phiMRN)
		for digits := r.idDigits(s, e); r.punct(e+1, ",/&;") || r.eq(e+1, "and"); {
			s2, e2, ok := r.idAt(e + 2)
			if !ok || r.idDigits(s2, e2) != digits {
				break
			}
			r.add(s2, e2, phiMRN)
			e = e2
		}
	}
}

// mrnLabel returns the token after a record-number label at i, or -1.
func (r *phiRun) mrnLabel(i int) int {
	if !r.is(i, wMRN|wLead|wPatient) {
		return -1
	}
	numbered := func(k int) bool { return r.punct(k, "#") || r.eq(k, "no") || r.eq(k, "number") || r.eq(k, "num") }
	switch {
	case r.is(i, wMRN):
		return i + 1
	case r.eq(i, "mr") && r.punct(i+1, "#"):
		return i + 2
	case r.eq(i, "med") && r.eq(i+1, "rec"):
		return i + 2
	case r.eq(i, "medical") && (r.eq(i+1, "record") || r.eq(i+1, "records")):
		return i + 2
	case r.eq(i, "chart") || r.eq(i, "encounter") || r.eq(i, "enc") || r.eq(i, "visit"):
		if numbered(i + 1) {
			return i + 2
		}
		if !r.eq(i, "chart") && r.num(i+1, 6, 14) {
			return i + 1 // "encounter 4000123987"
		}
	case r.is(i, wPatient):
		if r.punct(i+1, "#") || r.eq(i+1, "id") {
			return i + 2
		}
	case r.eq(i, "fin") || r.eq(i, "csn") || r.eq(i, "har"):
		return i + 1
	case r.eq(i, "acct") || r.eq(i, "account") || r.eq(i, "billing"):
		// A patient's account unless the sentence is about a login.
		if r.patientNear(i) || !r.loginNear(i) {
			return i + 1
		}
	case r.eq(i, "member") || r.eq(i, "policy") || r.eq(i, "subscriber") || r.eq(i, "insurance") || r.eq(i, "guarantor"):
		if numbered(i+1) || r.eq(i+1, "id") {
			return i + 2
		}
	}
	return -1
}

// loginNear reports whether an account number at token i is a staff login
// or a vendor's: "my acct # 40012345 is locked", "account 40012345 for the
// vendor portal".
func (r *phiRun) loginNear(i int) bool {
	for k := i - 1; k >= 0 && k >= i-3 && !r.ender(k); k-- {
		if r.eq(k, "my") || r.eq(k, "our") || r.eq(k, "user") || r.eq(k, "login") || r.eq(k, "employee") || r.eq(k, "vendor") {
			return true
		}
	}
	for k := i + 1; k < len(r.toks) && k <= i+6 && !r.toks[k].nl && !r.ender(k); k++ {
		if r.eq(k, "locked") || r.eq(k, "login") || r.eq(k, "password") || r.eq(k, "vendor") || r.eq(k, "unlock") {
			return true
		}
	}
	return false
}

// patientNear reports whether a patient word is in the sentence before token
// i, or among the few words after it: "pt acct 40012345", "acct # 40012345
// for pt".
func (r *phiRun) patientNear(i int) bool {
	for k := i - 1; k >= 0 && k >= i-12; k-- {
		if r.ender(k) {
			break
		}
		if r.is(k, wKin) {
			return true
		}
		if r.toks[k].nl {
			break
		}
	}
	for k := i + 1; k < len(r.toks) && k <= i+8; k++ {
		if r.toks[k].nl || r.ender(k) {
			break
		}
		if r.is(k, wKin) {
			return true
		}
	}
	return false
}

// idAt reports whether an identifier starts at token j: words joined without
// spaces by joiners, with at least four digits in all.
func (r *phiRun) idAt(j int) (int, int, bool) {
	if !r.word(j) {
		return 0, 0, false
	}
	k := j
	for r.punct(k+1, phiJoiners) && r.glued(k+1) && r.glued(k+2) && r.word(k+2) && r.toks[k+2].digits > 0 {
		k += 2
	}
	if r.idDigits(j, k) < 4 || !r.free(j, k) {
		return 0, 0, false
	}
	return j, k, true
}

func (r *phiRun) idDigits(j, k int) int {
	n := 0
	for ; j <= k; j++ {
		n += r.toks[j].digits
	}
	return n
}

// findDOB finds a date after a birth-date label: "DOB", "D.O.B.", "date of
// birth", "birth date", "birthdate", "born (on)".
func (r *phiRun) findDOB() {
	for i := range r.toks {
		if !r.is(i, wDOB|wLead) {
			continue
		}
		j := -1
		switch {
		case r.is(i, wDOB):
			j = i + 1
		case r.eq(i, "date") && r.eq(i+1, "of") && r.eq(i+2, "birth"):
			j = i + 3
		case r.eq(i, "birth") && r.eq(i+1, "date"):
			j = i + 2
		case r.eq(i, "d") && r.punct(i+1, ".") && r.eq(i+2, "o") && r.punct(i+3, ".") && r.eq(i+4, "b"):
			j = i + 5
		}
		if j < 0 {
			continue
		}
		if s, e, ok := r.dateAt(r.dobValue(j)); ok && r.free(s, e) {
			r.add(s, e, phiDOB)
		}
	}
	// A date next to a patient, without a label: "pt garcia 3/4/51",
	// "Lopez, Maria (04/12/1987)". The date of a visit or an admission is an
	// identifier too.
	for i := range r.toks {
		if r.toks[i].digits == 0 && !r.is(i, wMonth) {
			continue
		}
		s, e, ok := r.dateAt(i)
		if !ok || !r.free(s, e) {
			continue
		}
		if near := r.patientBefore(s); near > 0 && (near <= 3 || r.dateHasYear(s, e)) {
			r.add(s, e, phiDOB)
		}
	}
}

// dobValue returns the first token from i on that is not filler between a
// birth-date label and its value: "DOB: 3/4/51", "DOB on band is 3/4/51",
// "DOB listed as 3/4/51".
func (r *phiRun) dobValue(i int) int {
	for n := 0; n < 6; n++ {
		switch {
		case r.punct(i, ":#-=.,("), r.is(i, wFiller):
		case r.word(i) && dobFiller[strings.ToLower(r.str(i))]:
		default:
			return i
		}
		i++
	}
	return i
}

var dobFiller = map[string]bool{
	"band": true, "wristband": true, "armband": true, "chart": true, "screen": true, "label": true,
	"says": true, "shows": true, "reads": true, "listed": true, "as": true, "the": true, "should": true,
	"be": true, "wrong": true, "entered": true, "printed": true, "showing": true, "es": true, "de": true,
}

// dateHasYear reports whether the date at tokens s to e has a year.
func (r *phiRun) dateHasYear(s, e int) bool {
	return e-s >= 4 || s == e && r.num(s, 6, 8) || e > s && r.num(e, 4, 4) || r.punct(e-1, "'")
}

// patientBefore returns how many tokens before token i, within its sentence
// and at most eight back, a patient, a relative, a title or a redacted name
// is; 0 when none is.
func (r *phiRun) patientBefore(i int) int {
	for k := i - 1; k >= 0 && k >= i-8; k-- {
		if r.ender(k) || r.toks[k+1].nl {
			return 0
		}
		if r.patientLabel(k) || r.kin(k) ||
			r.toks[k].kind == tokMarker && strings.HasPrefix(r.text[r.toks[k].s:], phiTypes[phiName].marker) {
			return i - k
		}
	}
	return 0
}

// dateAt reports whether a date starts at token j: 3/14/1952, 03-14-52,
// 3/14, 1952-03-14, 03141952, March 14 1952, Mar. 14th, 1952, 14 Mar 1952,
// 14-Mar-52. It returns the first and last token.
func (r *phiRun) dateAt(j int) (int, int, bool) {
	if !r.word(j) {
		return 0, 0, false
	}
	if r.is(j, wMonth) {
		k := j + 1
		if r.punct(k, ".") && r.glued(k) {
			k++
		}
		if r.punct(k, "-/") {
			k++
		}
		if !r.day(k) {
			return 0, 0, false
		}
		return j, r.year(k), true
	}
	if r.day(j) && !r.punct(j+1, "/.") {
		k := j + 1
		if r.punct(k, "-") && r.glued(k) {
			k++
		}
		if r.is(k, wMonth) && (r.toks[k].space || k > j+1) {
			if r.punct(k+1, ".") && r.glued(k+1) {
				k++
			}
			return j, r.year(k), true
		}
	}
	if !r.num(j, 1, 8) {
		return 0, 0, false
	}
	a := r.str(j)
	if len(a) == 6 || len(a) == 8 {
		return j, j, phiCompactDate(a)
	}
	sep := j + 1
	if !r.punct(sep, "/-.") || !r.glued(sep) || !r.glued(sep+1) || !r.num(sep+1, 1, 2) {
		return 0, 0, false
	}
	c, b := r.text[r.toks[sep].s], r.str(sep+1)
	third := r.punct(sep+2, string(c)) && r.glued(sep+2) && r.glued(sep+3)
	switch {
	case len(a) == 4 && third && r.num(sep+3, 1, 2):
		return j, sep + 3, phiMonthDay(b, r.str(sep+3), false)
	case len(a) <= 2 && third && (r.num(sep+3, 2, 2) || r.num(sep+3, 4, 4)):
		return j, sep + 3, phiMonthDay(a, b, true)
	case len(a) <= 2 && !third && c != '.':
		return j, sep + 1, phiMonthDay(a, b, true)
	}
	return 0, 0, false
}

// day reports whether token k is a day of the month: 14, 14th.
func (r *phiRun) day(k int) bool {
	if !r.word(k) {
		return false
	}
	s := r.str(k)
	if n := r.toks[k].digits; n < len(s) {
		if n == 0 || n > 2 || len(s) != n+2 {
			return false
		}
		switch strings.ToLower(s[n:]) {
		case "st", "nd", "rd", "th":
			s = s[:n]
		default:
			return false
		}
	}
	d := phiAtoi(s)
	return len(s) <= 2 && 1 <= d && d <= 31
}

// year returns the last token of the date that ends at day or month token k:
// the year after it when one follows ("14, 1952", "14 '52", "Mar-52"), else k.
func (r *phiRun) year(k int) int {
	y := k + 1
	if r.punct(y, ",-/") {
		y++
	}
	if r.punct(y, "'") && r.glued(y+1) && r.num(y+1, 2, 2) {
		return y + 1
	}
	if r.num(y, 2, 2) || r.num(y, 4, 4) {
		return y
	}
	return k
}

// phiMonthDay reports whether a and b are a month and a day, either way round
// when either is allowed.
func phiMonthDay(a, b string, either bool) bool {
	m, d := phiAtoi(a), phiAtoi(b)
	ok := func(m, d int) bool { return 1 <= m && m <= 12 && 1 <= d && d <= 31 }
	return ok(m, d) || either && ok(d, m)
}

// phiCompactDate reports whether s is MMDDYY, MMDDYYYY or YYYYMMDD.
func phiCompactDate(s string) bool {
	if len(s) == 8 && (s[:2] == "19" || s[:2] == "20") && phiMonthDay(s[4:6], s[6:], false) {
		return true
	}
	return phiMonthDay(s[:2], s[2:4], false)
}

func phiAtoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// patientContext reports whether the message speaks of a patient: a patient
// or family word, a care word (bed, wristband, census), or "in 412".
func (r *phiRun) patientContext() bool {
	for i, t := range r.toks {
		if t.w&(wKin|wCare) != 0 || r.eq(i, "in") && r.word(i+1) && r.toks[i+1].digits > 0 {
			return true
		}
		if r.word(i) && t.e-t.s <= 14 && patientThings[strings.ToLower(r.str(i))] {
			return true // meds, labs, a note, a transfusion
		}
	}
	return false
}

func (r *phiRun) title(i int) bool {
	if !r.is(i, wTitle) {
		return false
	}
	switch r.str(i) {
	case "Mr", "Mrs", "Ms", "Mx", "Miss", "Sr", "Sra", "Srta", "Señor", "Señora", "Mister":
		return true
	case "mr", "mrs", "sra", "señora", "señor":
		return true
	case "ms", "mx":
		// "ms" is also milliseconds: only before a capitalised word.
		return r.punct(i+1, ".") || r.info(i+1).shape == shapeTitle
	case "MR", "MRS", "MS", "MISS":
		return r.caps || r.info(i+1).shape == shapeCaps
	}
	return false
}

// patientLabel reports whether token i is "pt", "pts", "patient",
// "paciente" or "resident"; "PT" is physical therapy unless the whole
// message is in capitals.
func (r *phiRun) patientLabel(i int) bool {
	if !r.is(i, wPatient) {
		return false
	}
	if r.eq(i-1, "test") || r.eq(i-1, "dummy") || r.eq(i-1, "fake") || r.eq(i-1, "training") {
		return false // a test patient in a training environment
	}
	if r.eq(i, "baby") && (r.eq(i-1, "mother") || r.eq(i-1, "mom") || r.eq(i-1, "well") || r.eq(i-1, "mommy")) {
		return false // the Mother Baby unit
	}
	s := r.str(i)
	return len(s) > 3 || r.caps || strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz")
}

// staffTitle reports whether the title at token i, whose name ends at token e,
// belongs to staff: a role word just before it, or a role or "from pharmacy"
// among the words after the name.
func (r *phiRun) staffTitle(i, e int) bool {
	if r.is(i-1, wRole) {
		return true
	}
	if r.punct(e+1, "'’") && r.eq(e+2, "s") {
		return false // "Ms. Oyelowo's order"
	}
	return r.staffAfter(e, 4, true)
}

// staffAfter reports whether one of the few words after a name at token e
// says it is staff's: a role ("RN", "from pharmacy", "in IT") or an
// extension. With kinStops, a relative or a care word first ("Mrs. Lee's
// daughter", "Mr. Ortiz in bed 3") says it is a patient's.
func (r *phiRun) staffAfter(e, most int, kinStops bool) bool {
	for k, words := e+1, 0; k < len(r.toks) && words < most; k++ {
		t := r.toks[k]
		if t.nl || t.kind == tokMarker {
			break
		}
		if t.kind == tokPunct {
			if r.ender(k) {
				break
			}
			if kinStops && r.punct(k, ",") && !r.is(k+1, wRole|wDept) && !r.staffCue(k+1) {
				break // "Mr. Mwangi, second RN and I": a new clause, not his role
			}
			continue
		}
		words++
		switch {
		case kinStops && (t.w&wKin != 0 || t.w&wCare != 0):
			return false
		case t.w&wRole != 0 || r.staffCue(k) && (t.digits > 0 || r.str(k) == "IT"):
			return true
		case (r.eq(k, "from") || r.eq(k, "in") || r.eq(k, "at") || r.eq(k, "with") || r.eq(k, "of")) &&
			(r.is(k+1, wDept) || r.word(k+1) && r.str(k+1) == "IT"):
			return true
		case !kinStops && t.digits > 0:
			return false
		}
	}
	return false
}

// redact merges overlapping detections, keeping the type that says most,
// replaces them and counts them.
func (r *phiRun) redact(found *[]PHIFinding) (string, int) {
	if len(r.spans) == 0 {
		return r.text, 0
	}
	slices.SortFunc(r.spans, func(a, b phiSpan) int {
		return cmp.Or(cmp.Compare(a.s, b.s), cmp.Compare(a.kind, b.kind))
	})
	merged := r.spans[:1]
	for _, sp := range r.spans[1:] {
		if last := &merged[len(merged)-1]; sp.s < last.e {
			last.e, last.kind = max(last.e, sp.e), min(last.kind, sp.kind)
			continue
		}
		merged = append(merged, sp)
	}
	var counts [phiKinds]int
	var b strings.Builder
	b.Grow(len(r.text))
	last := 0
	for _, sp := range merged {
		b.WriteString(r.text[last:sp.s])
		b.WriteString(phiTypes[sp.kind].marker)
		last = sp.e
		counts[sp.kind]++
	}
	b.WriteString(r.text[last:])
	for k, n := range counts {
		if n > 0 {
			phiCount(found, phiTypes[k].typ, n)
		}
	}
	return b.String(), len(merged)
}
