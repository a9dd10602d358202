package triage

import "strings"

// Device IDs are asset-tag stickers, kept as written:
//   - a letter prefix and dashed parts with digits: "WOW-4W-03", "PC-004512",
//     "PRN-5N-2", "COW-12";
//   - a letter prefix glued to three or more digits: "PC004512";
//   - anything with digits after a label: "asset tag 004512", "tag# 12345",
//     "S/N ABC123", "serial no 7HX93K2".
// Ticket IDs ("IT-42", "INC-3", "REQ0012"), extensions ("x4357", "ext-4357"),
// rooms ("RM412"), units ("OR-5"), dates ("Nov-27") and well-known names
// ("COVID-19") are not device IDs: their prefixes are listed below. The first
// device ID in the message is the one kept; every one found is hidden from the
// location rules, so "WOW-5N-07" never puts the ticket on 5 North.
//
// A callback is a staff extension: "x4357", "x 4357", "ext 4357", "ext.
// 4357", "extension 4357", or four to six digits shortly after "call me",
// "reach me", "call back". It always reads "x4357".

// notTagPrefixes are letter prefixes that never start a device ID.
var notTagPrefixes = map[string]bool{
	"it": true, "inc": true, "req": true, "ritm": true, "chg": true, "task": true, "sctask": true, "sr": true,
	"tkt": true, "ticket": true, "case": true, "prb": true, "wo": true, "cs": true, "hd": true,
	"ext": true, "x": true, "tel": true, "ph": true, "cell": true, "fax": true,
	"rm": true, "room": true, "bed": true, "bd": true, "bay": true, "pod": true, "floor": true, "fl": true,
	"unit": true, "ward": true, "wing": true, "level": true, "suite": true, "or": true, "ed": true, "er": true,
	"icu": true, "nicu": true, "pacu": true, "picu": true, "ld": true,
	"covid": true, "sars": true, "hl": true, "type": true, "tier": true, "step": true, "stage": true,
	"grade": true, "phase": true, "version": true, "ver": true, "win": true, "ios": true, "code": true,
	"err": true, "error": true, "mrn": true, "acct": true, "fin": true, "csn": true, "dob": true, "ssn": true,
	"mbi": true, "pt": true, "fy": true, "q": true, "day": true, "week": true, "pin": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "may": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

// tagLabels introduce a device ID; tagFillers may sit between the label and
// the value.
var (
	tagLabels  = map[string]bool{"asset": true, "tag": true, "sn": true, "s/n": true, "serial": true, "sticker": true}
	tagFillers = map[string]bool{"tag": true, "no": true, "number": true, "num": true, "is": true, "says": true, "reads": true}
)

// idMarks is what the ID rules found.
type idMarks struct {
	device   string // as written
	tag      string // the device ID's letter prefix, lower case ("wow")
	callback string // "x4357"
	skip     []bool // per term: part of a device ID or callback
}

// chunk is a run of ASCII letters, digits, '-', '_' and '/' in the text.
type chunk struct{ start, end int }

func isChunkByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '/' || c == '#' || c == '&'
}

// findIDs finds the device ID and the callback in text.
func findIDs(text string, terms []term) *idMarks {
	m := &idMarks{skip: make([]bool, len(terms))}
	var spans []chunk // byte ranges to hide from the location rules
	cbStart, cbEnd := -1, -1
	if cb, s, e := findCallback(terms); cb != "" {
		m.callback = cb
		cbStart, cbEnd = s, e
		spans = append(spans, chunk{s, e})
	}
	devPos := -1
	var prev []chunk // the last few chunks, for labels
	for i := 0; i < len(text); {
		if !isChunkByte(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isChunkByte(text[j]) {
			j++
		}
		c := chunk{i, j}
		i = j
		for c.start < c.end && strings.IndexByte("-_/#&", text[c.start]) >= 0 {
			c.start++
		}
		for c.end > c.start && strings.IndexByte("-_/#&", text[c.end-1]) >= 0 {
			c.end--
		}
		if c.start == c.end || c.start < cbEnd && cbStart < c.end {
			continue
		}
		s := text[c.start:c.end]
		prefix, shaped := tagShape(s)
		if shaped && !strings.ContainsAny(s, "-_") && afterVendor(text, prev) {
			shaped = false // "Zebra DS8178": a model, not a sticker
		}
		labelled := !shaped && labelledValue(text, prev, s)
		if shaped || labelled {
			spans = append(spans, c)
			if devPos < 0 {
				devPos = c.start
				m.device = s
				if shaped {
					m.tag = strings.ToLower(prefix) // "PC004512", "PRN-CSD-2": the prefix names the thing
				}
			}
		}
		if len(prev) == 3 {
			copy(prev, prev[1:])
			prev = prev[:2]
		}
		prev = append(prev, c)
	}
	// Hide the terms inside the spans; both are in text order.
	k := 0
	for _, sp := range spans {
		for k < len(terms) && terms[k].end <= sp.start {
			k++
		}
		for t := k; t < len(terms) && terms[t].start < sp.end; t++ {
			m.skip[t] = true
		}
	}
	return m
}

// tagShape reports whether s looks like an asset tag by its shape, with its
// letter prefix as written:
//   - a letter prefix, a dash and parts with two digits or more: "WOW-4W-03",
//     "COW-12";
//   - three parts or more, with a letter part and a digit: "PRN-RX-IV1",
//     "ICU-WS-14", "4E-HP-01", "ZBR-L&D-1", whatever the prefix, unless it
//     marks a ticket or a patient identifier;
//   - a letter prefix glued to three digits or more, "PC004512", a cart's
//     to two, "COW17", or a device's prefix with '#': "WOW#22".
func tagShape(s string) (string, bool) {
	if len(s) < 4 || len(s) > 24 || strings.IndexByte(s, '/') >= 0 {
		return "", false
	}
	n := 0
	for n < len(s) && isASCIILetter(s[n]) {
		n++
	}
	if p, ok := partsTag(s, n); ok {
		return p, true
	}
	if n < 2 || n > 5 || strings.IndexByte(s, '&') >= 0 {
		return "", false
	}
	var buf [5]byte
	for i := range n {
		buf[i] = s[i] | 0x20 // ASCII letters only: lower case
	}
	lower := string(buf[:n])
	if notTagPrefixes[lower] {
		return "", false
	}
	_, device := tagCategory[lower]
	digits := 0
	for i := n; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			digits++
		}
	}
	var ok bool
	switch {
	case n < len(s) && (s[n] == '-' || s[n] == '_'):
		ok = digits >= 2 && strings.IndexByte(s, '#') < 0 // WOW-4W-03, COW-12
	case n < len(s) && s[n] == '#':
		ok = device && digits >= 1 && isDigits(s[n+1:]) // WOW#22
	default:
		d := leadingDigits(s[n:])
		least := 3
		if lower == "wow" || lower == "cow" {
			least = 2 // COW17; but TC52 and MC40 are scanner models
		}
		ok = d >= least && len(s)-n-d <= 4 && !strings.ContainsAny(s[n:], "-_#") // PC004512
	}
	if !ok {
		return "", false
	}
	return s[:n], true
}

// identifierPrefixes mark tickets and patient identifiers, never a device.
var identifierPrefixes = map[string]bool{
	"it": true, "inc": true, "req": true, "ritm": true, "chg": true, "task": true, "sctask": true, "sr": true,
	"tkt": true, "ticket": true, "case": true, "prb": true, "wo": true, "mrn": true, "acct": true, "fin": true,
	"csn": true, "dob": true, "ssn": true, "mbi": true, "ext": true, "x": true, "tel": true, "ph": true,
	"cell": true, "covid": true, "sars": true, "err": true, "error": true, "code": true, "ver": true,
	"version": true, "rm": true, "room": true, "bed": true, "hl": true,
}

// partsTag reads the three-part form of tagShape; n is the length of s's
// letter prefix.
func partsTag(s string, n int) (string, bool) {
	if strings.IndexByte(s, '#') >= 0 {
		return "", false
	}
	parts := strings.FieldsFunc(s, func(c rune) bool { return c == '-' || c == '_' })
	if len(parts) < 3 || strings.Count(s, "-")+strings.Count(s, "_") != len(parts)-1 {
		return "", false
	}
	letters, digits := false, false
	for _, p := range parts {
		if len(p) > 8 {
			return "", false
		}
		for i := 0; i < len(p); i++ {
			switch c := p[i]; {
			case '0' <= c && c <= '9':
				digits = true
			case isASCIILetter(c):
				letters = true
			case c != '&':
				return "", false
			}
		}
	}
	if !letters || !digits || identifierPrefixes[strings.ToLower(parts[0])] {
		return "", false
	}
	return s[:n], true
}

// tagVendors make the word after them a model number: "Zebra DS8178".
var tagVendors = map[string]bool{
	"zebra": true, "honeywell": true, "hp": true, "dell": true, "lenovo": true, "philips": true,
	"ge": true, "cisco": true, "spectralink": true, "vocera": true, "lexmark": true, "ricoh": true,
	"xerox": true, "brother": true, "datamax": true, "motorola": true, "symbol": true, "alaris": true,
}

// afterVendor reports whether the last chunk before the current one is a
// vendor's name.
func afterVendor(text string, prev []chunk) bool {
	if len(prev) == 0 {
		return false
	}
	c := prev[len(prev)-1]
	return tagVendors[strings.ToLower(text[c.start:c.end])]
}

// labelledValue reports whether s follows a tag label ("asset tag",
// "tag#", "S/N") within the last chunks and looks like a value: three or
// more characters with a digit, no slash.
func labelledValue(text string, prev []chunk, s string) bool {
	if len(s) < 3 || len(s) > 20 || strings.IndexByte(s, '/') >= 0 || !strings.ContainsAny(s, "0123456789") {
		return false
	}
	if s[0] == 'x' || s[0] == 'X' {
		if isDigits(s[1:]) {
			return false // an extension
		}
	}
	for k := len(prev) - 1; k >= 0; k-- {
		c := strings.TrimRight(text[prev[k].start:prev[k].end], "#")
		if len(c) > 8 {
			return false
		}
		var buf [8]byte
		for i := 0; i < len(c); i++ {
			buf[i] = c[i]
			if 'A' <= c[i] && c[i] <= 'Z' {
				buf[i] += 'a' - 'A'
			}
		}
		w := buf[:len(c)]
		if tagLabels[string(w)] {
			return true
		}
		if !tagFillers[string(w)] {
			return false
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// findCallback returns the first callback extension and the byte range it
// covers.
func findCallback(terms []term) (string, int, int) {
	ext := func(s string) bool { return isDigits(s) && len(s) >= 3 && len(s) <= 6 }
	for i, t := range terms {
		w := t.w
		switch {
		case w == "x" || w == "ext" || w == "extension" || w == "extn":
			if i+1 < len(terms) && ext(terms[i+1].w) {
				return "x" + terms[i+1].w, t.start, terms[i+1].end
			}
		case len(w) > 1 && w[0] == 'x' && ext(w[1:]):
			return w, t.start, t.end
		case strings.HasPrefix(w, "ext") && ext(w[3:]):
			return "x" + w[3:], t.start, t.end
		case w == "call" || w == "reach" || w == "callback" || w == "page" || w == "text":
			for j := i + 1; j < len(terms) && j <= i+4; j++ {
				x := terms[j].w
				switch {
				case isDigits(x) && len(x) >= 4 && len(x) <= 6:
					return "x" + x, terms[j].start, terms[j].end
				case (x == "x" || x == "ext") && j+1 < len(terms) && ext(terms[j+1].w):
					return "x" + terms[j+1].w, terms[j].start, terms[j+1].end
				case len(x) > 1 && x[0] == 'x' && ext(x[1:]):
					return x, terms[j].start, terms[j].end
				}
			}
		}
	}
	return "", -1, -1
}
