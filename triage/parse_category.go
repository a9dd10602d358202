package triage

import (
	"maps"
	"slices"
	"strings"

	"carebot/ticket"
)

// How a category is chosen. Each keyword found adds its weight to its
// category: the thing itself ("printer", "pyxis", "thin client") weighs most,
// phrases more than single words, words that only hint ("print", "chart",
// "account") least. Keywords match whole words, longest phrase first, so
// "bladder scanner" is a medical device and never also a barcode scanner.
// Then four nudges, each worth less than one strong keyword (a keyword that
// follows a place word, "on the WOW", "into epic", names where, not what,
// and gets neither of the failure nudges):
//   - the category of the first keyword named gets +1: people name the
//     broken thing first ("WOW in 412 won't boot, can't chart");
//   - a category with a keyword next to a failure word ("won't", "down",
//     "frozen") gets +1: that is the thing reported broken;
//   - a keyword right after a negation ("won't scan", "can't print") gets
//     +2: it names what fails;
//   - a request for access ("need access", "set up an account") adds +4 to
//     access, so "new RN needs Epic and Pyxis accounts" is not an EHR fault.
// The best score wins; ties go to the category named first. Every other
// category with a keyword next to a failure word is a second problem.

// catWord is one keyword's category and weight. Weight 0 marks a phrase that
// only stops its words from counting ("locked for editing", "upside down").
type catWord struct {
	cat    ticket.Category
	weight int
	// monitor marks "monitor": a patient monitor when the message talks
	// about patients or vitals, else a computer screen.
	monitor bool
}

// builtinKeywords are the built-in categories' keywords by weight; phrases
// are separated by "|".
var builtinKeywords = []struct {
	cat     ticket.Category
	weight  int
	phrases string
}{
	{ticket.CategoryEHR, 5, "care everywhere|track board|patient portal|quick reg|real time eligibility|eligibility check|insurance verification|proxy access"},
	{ticket.CategoryEHR, 3, "bed board"},
	{ticket.CategoryEHR, 4, "print preview|med rec|medication reconciliation|order composer|results review|problem list|allergy list|care plan|admission navigator|prenatal record|emergency contact|after visit summary|discharge summary|eligibility|mychart|adt|beaker|sunquest|cadence|optime|e prescribing|eprescribing|surescripts|medication admin record|medication administration record|discharge navigator|chart review|order entry|results tab|in basket|inbasket|break the glass|patient list|pt list|tracking board|epic secure chat"},
	{ticket.CategoryEHR, 3, "ehr|emr|mar|emar|flowsheet|cpoe|powerchart|firstnet|hyperspace|haiku|canto|meditech|navigator|smartphrase|sign orders"},
	{ticket.CategoryEHR, 2, "epic|cerner|rover|rover phone|rover device|documentation"},
	{ticket.CategoryEHR, 1, "chart|charting|charts|orders|notes|downtime|order|avs|encounter|encounters|portal|registration|reg"},

	{ticket.CategoryLogin, 5, "wont push|account is disabled|says my account|wrong user|switch user|signed in as|logged in as|rejects my credentials|credentials rejected|rejects my password|locked me out|contraseña|contrasena|duo push|mfa push|push notification|mfa page|mfa prompt|2fa code|authenticator app|tap and go|badge not enrolled"},
	{ticket.CategoryLogin, 4, "locked out|badge tap|tap badge|tap in|tap out|password reset|reset password|account locked|locked account|single sign on|trust relationship|invalid credentials|log me in|account disabled|pw reset|badge reader"},
	{ticket.CategoryLogin, 3, "pin|password|pw|login|log in|log into|log on|sign in|sign into|sign on|signin|imprivata|sso|mfa|2fa|duo|authenticator|username|user name|credentials|unlock|locked"},
	{ticket.CategoryLogin, 1, "account|badge|expired|reset|user|logged in|logging in|logs in|logs me out|logging me out|kicking me out"},

	{ticket.CategoryWorkstation, 5, "thin client|workstation on wheels|computer on wheels|blue screen|docking station|second monitor|dual monitor|all in one"},
	{ticket.CategoryWorkstation, 4, "computer|pc|workstation|wow|cow|wyse|keyboard|mouse|citrix|vdi|bsod|windows update|virtual desktop"},
	{ticket.CategoryWorkstation, 3, "desktop|laptop|storefront|touchpad|trackpad|black screen|boot"},
	{ticket.CategoryWorkstation, 2, "screen|dock|ipad|tablet"},
	{ticket.CategoryWorkstation, 2, "monitor"}, // see catWord.monitor
	{ticket.CategoryWorkstation, 1, "battery|batteries|windows|display|restarting|reboot|rebooting"},

	{ticket.CategoryPrinter, 5, "label printer|wristband printer|armband printer|paper jam|print queue|print jobs|print job"},
	{ticket.CategoryPrinter, 4, "printer"},
	{ticket.CategoryPrinter, 3, "print|printing|zebra|toner|jammed|jamming|fax|copier|mfp"},
	{ticket.CategoryPrinter, 2, "prints|printed|jam|ribbon"},
	{ticket.CategoryPrinter, 1, "labels|label|paper|tray|queue"},

	{ticket.CategoryScanner, 5, "barcode scanner|bar code scanner|barcode reader|bar code reader|scanner gun|zebra scanner|cordless scanner|handheld scanner"},
	{ticket.CategoryScanner, 4, "scanner"},
	{ticket.CategoryScanner, 3, "barcode|bar code|scanning|bcma"},
	{ticket.CategoryScanner, 2, "scan|scans|scanned"},

	{ticket.CategoryNetwork, 5, "lost internet|internet down|internet is down|lost network|dead spot|dead spots|dead zone|wifi drops|bandwidth|hotspot|hot spot|web filter|content filter|any website|any site|every site|every website|citrix gateway|remote desktop|page cant be displayed|network cable|network switch|access point|guest wifi|no internet|no wifi|no network"},
	{ticket.CategoryNetwork, 4, "network|wifi|wi fi|wireless|internet|vpn|ethernet"},
	{ticket.CategoryNetwork, 3, "ssid|idf|lan|website|websites|rdp|firewall|proxy|globalprotect|anyconnect|zscaler|whitelist|blocked site|site blocked"},
	{ticket.CategoryNetwork, 2, "no connection|connectivity|lose connection|losing connection|lost connection|network jack|wall jack|ethernet jack"},
	{ticket.CategoryNetwork, 1, "connection|disconnecting|port|jack|gateway|timing out|times out|timed out|from home"},

	{ticket.CategoryPhone, 5, "vocera badge|desk phone|cell phone|unit phone|charge phone|dial tone|overhead paging|unit mobile|unit iphone|unit cell|nurse call phone|nurse call phones"},
	{ticket.CategoryPhone, 4, "phone|vocera|pager|spectralink|ascom|voicemail|jabber|iphone|iphones"},
	{ticket.CategoryPhone, 3, "paging|dial out|secure chat"},
	{ticket.CategoryPhone, 1, "pages|ringing|rings|extension|call light|ring|no service"},

	{ticket.CategoryDevice, 5, "bladder scanner|infusion pump|iv pump|smart pump|patient monitor|pt monitor|bedside monitor|cardiac monitor|central monitor|central station|fetal monitor|fetal monitoring|tele box|device integration|vitals integration|vitals machine|spot monitor|ekg machine|ecg machine|drug library|pump library|welch allyn|accu chek|pulse ox"},
	{ticket.CategoryDevice, 5, "smart bed|smart beds|bp machine|bp machines|bluetooth scale|remote patient monitoring|remote pt monitoring|rpm tablet|rpm|daily weights|dialysis machine|dialysis machines|temp probe|vent settings|ventilator settings|not crossing|not crossing over|not flowing|not dropping|device data|treatment data"},
	{ticket.CategoryDevice, 4, "spo2|philips|intellivue|carescape|masimo|nihon kohden|spacelabs|mindray|zoll|istat|i stat|bedmaster|pump|alaris|telemetry|dinamap|glucometer|accuchek|ventilator|defibrillator"},
	{ticket.CategoryDevice, 3, "tele|ekg|ecg|muse|defib|bp cuff|auto programming|fetal strips|capsule"},
	{ticket.CategoryDevice, 2, "vitals|vital signs|vent|crossing over|associating|integration"},
	{ticket.CategoryDevice, 1, "bridge|strip|strips"},

	{ticket.CategoryImaging, 5, "image viewer|imaging viewer|reading station|3d recon|ct scanner|mri scanner|pet scanner|ct scan|mri scan|xray machine|x ray machine|ultrasound machine"},
	{ticket.CategoryImaging, 4, "pacs|dicom|powerscribe|synapse|visage|radiology|radiologist"},
	{ticket.CategoryImaging, 3, "imaging|xray|x ray|ultrasound|mammo|mammogram|dictation|worklist"},
	{ticket.CategoryImaging, 2, "images|viewer|ct|mri|studies|reading room"},
	{ticket.CategoryImaging, 1, "image|study|recon"},

	{ticket.CategoryPharmacy, 5, "med station|medstation|med cabinet|medication cabinet|dispensing cabinet|narcotic drawer|omni cell|pharmacy profile"},
	{ticket.CategoryPharmacy, 4, "pyxis|omnicell|cubie|cabinet|cabinets"},
	{ticket.CategoryPharmacy, 3, "dispense|dispensing|override|discrepancy|med pull"},
	{ticket.CategoryPharmacy, 2, "drawer|bio id|fridge|pull|pulls"},
	{ticket.CategoryPharmacy, 1, "pharmacy|fingerprint|refrigerator"},

	{ticket.CategoryAccess, 5, "access request|request access|requesting access"},
	{ticket.CategoryAccess, 4, "new hire|new employee|need access|needs access|give me access|admin rights|distribution list|security group|add me to|remove access|provisioning|onboarding|security point|security class|dont have access|no access"},
	{ticket.CategoryAccess, 4, "director approved|manager approved|paging groups|paging group|add the department|switch my department|change my department|my department changed|privilege|override privilege"},
	{ticket.CategoryAccess, 3, "view only|user list|not provisioned|provisioned|privileges|read only|added to my|security class|new user|new rn|new nurse|new resident|new provider|new scribe|new clerk|new staff|new doctor|new physician|new tech|new secretary|new unit secretary|student nurse|permission|permissions|access to|epcs"},
	{ticket.CategoryAccess, 2, "students|rights|dea|e prescribing|approved|starting"},
	{ticket.CategoryAccess, 1, "access|request|starts"},

	{ticket.CategoryOther, 3, "uptodate|lexicomp|micromedex"},
	{ticket.CategoryOther, 5, "rtls|hand hygiene|fax line|teletracking|tele tracking|whiteboard screen|electronic whiteboard|bed exit alarm|bed exit alarms|bed alarm|bed alarms|video interpreter|interpreter cart|nurse call|call light system|phishing|phishing link|camera system|security camera"},
	{ticket.CategoryOther, 3, "install|adobe|outlook|email|mailbox|zoom|webex|kronos|sharepoint|tv|teams status|microsoft teams|ms teams"},
	{ticket.CategoryOther, 2, "excel|shared drive|calendar|rollout|training|staff meeting|signature|teams"},

	// Phrases that only keep their words from counting.
	{"", 0, "pull up|pulls up|pulling up|pulled up|locked by another user|locked by another|in use by another user|locked for editing|upside down|error code|zip code|qr code|pass word"},
}

// builtinCategoryWords is the keyword table built from builtinKeywords.
// Never modified after it is built.
var builtinCategoryWords = func() *phrases[catWord] {
	p := newPhrases[catWord]()
	for _, k := range builtinKeywords {
		for ph := range strings.SplitSeq(k.phrases, "|") {
			p.add(ph, catWord{cat: k.cat, weight: k.weight, monitor: ph == "monitor"})
		}
	}
	return p
}()

// impactDefaults are the built-in categories' service impacts (DESIGN.md §2).
var impactDefaults = map[ticket.Category]Impact{
	ticket.CategoryEHR: ImpactHigh, ticket.CategoryNetwork: ImpactHigh,
	ticket.CategoryPharmacy: ImpactHigh, ticket.CategoryDevice: ImpactHigh,
	ticket.CategoryLogin: ImpactMedium, ticket.CategoryWorkstation: ImpactMedium,
	ticket.CategoryPrinter: ImpactMedium, ticket.CategoryScanner: ImpactMedium,
	ticket.CategoryPhone: ImpactMedium, ticket.CategoryImaging: ImpactMedium,
	ticket.CategoryAccess: ImpactLow, ticket.CategoryOther: ImpactLow,
}

// tagCategory maps an asset tag's prefix to the category of thing it marks.
var tagCategory = map[string]ticket.Category{
	"pc": ticket.CategoryWorkstation, "wow": ticket.CategoryWorkstation, "cow": ticket.CategoryWorkstation,
	"ws": ticket.CategoryWorkstation, "tc": ticket.CategoryWorkstation, "lt": ticket.CategoryWorkstation,
	"lap": ticket.CategoryWorkstation, "dt": ticket.CategoryWorkstation, "wks": ticket.CategoryWorkstation,
	"prn": ticket.CategoryPrinter, "prt": ticket.CategoryPrinter, "lbl": ticket.CategoryPrinter, "zeb": ticket.CategoryPrinter,
	"scn": ticket.CategoryScanner, "scan": ticket.CategoryScanner, "bcs": ticket.CategoryScanner,
	"phn": ticket.CategoryPhone, "voc": ticket.CategoryPhone, "pmp": ticket.CategoryDevice, "pump": ticket.CategoryDevice,
	"mon": ticket.CategoryDevice, "omc": ticket.CategoryPharmacy, "pyx": ticket.CategoryPharmacy,
}

// hardwareCategories are the categories whose tickets are about one device,
// so the device's asset tag is worth asking for.
var hardwareCategories = []ticket.Category{
	ticket.CategoryWorkstation, ticket.CategoryPrinter, ticket.CategoryScanner,
	ticket.CategoryPhone, ticket.CategoryDevice,
}

// isHardware reports whether c is a hardware category.
func isHardware(c ticket.Category) bool { return slices.Contains(hardwareCategories, c) }

// catTally is what the keywords say about one category.
type catTally struct {
	cat     ticket.Category
	score   int
	first   int  // the term where its first keyword starts
	problem bool // one of its keywords sits next to a failure word
}

// classify scores every category the terms name and returns them best
// first, with the second problems after, and every category's score, best
// first. Both are empty when no keyword matched.
func classify(terms []term, sig *signalMarks, tag string, opts Options) ([]ticket.Category, []CategoryScore) {
	custom := configKeywords(opts.Keywords)
	var ts tallies
	landing := 0 // weight of EHR keywords named as a destination
	firstCat := ticket.Category("")
	for i := 0; i < len(terms); {
		kw, n := keywordAt(terms, i, custom)
		if n == 0 {
			i++
			continue
		}
		if kw.weight > 0 && (disowned(terms, i) || working(terms, i+n)) {
			kw.weight = 0 // "it's not the printer", "Windows login works fine"
		}
		if kw.weight > 1 && placeAt(terms, i) && departmentWords[terms[i].w] {
			kw.weight = 1 // "at Radiology reception": where, not what
		}
		if kw.weight > 0 {
			if kw.monitor && sig.patientMonitor {
				kw.cat, kw.weight = ticket.CategoryDevice, 3
			}
			if kw.cat == ticket.CategoryEHR && placeAt(terms, i) {
				// "values not going into epic", "the order is active in
				// Epic": the EHR is where something should land; a device
				// or a cabinet named with it is what fails.
				landing += kw.weight
				i += n
				continue
			}
			t := ts.of(kw.cat, i)
			t.score += kw.weight
			if firstCat == "" && kw.weight >= 2 {
				firstCat = kw.cat
			}
			// A thing named as where something happens ("the scanner on
			// the WOW isn't working") is not what fails.
			if !placeAt(terms, i) {
				if sig.failureNear(i, i+n) {
					t.problem = true
				}
				if sig.negatedAt(terms, i) && kw.weight >= 3 {
					// "won't print", "can't log in", "no wifi": the failing
					// thing. A weak verb ("can't scan meds") says what
					// cannot be done, often because something else is down.
					t.score += 2
				}
			}
		}
		i += n
	}
	if landing > 0 && !slices.ContainsFunc(ts, func(t catTally) bool {
		return (t.cat == ticket.CategoryDevice || t.cat == ticket.CategoryPharmacy) && t.score >= 3
	}) {
		ts.of(ticket.CategoryEHR, len(terms)).score += landing
	}
	if c, ok := tagCategory[tag]; ok {
		ts.of(c, len(terms)).score += 4 // the sticker names the thing: "PC004872" is a computer
	}
	if sig.accessRequest >= 0 {
		// A request names the system it is for ("Omnicell access for the
		// new hire"): the request, not the system, is the ticket.
		ts.of(ticket.CategoryAccess, sig.accessRequest).score += 6
	}
	for k := range ts {
		if ts[k].cat == firstCat {
			ts[k].score++
		}
		if ts[k].problem {
			ts[k].score++
		}
	}
	if sig.accessRequest >= 0 && !slices.ContainsFunc(ts, func(t catTally) bool { return t.problem && t.cat != ticket.CategoryAccess }) {
		// A request and no fault named: however often the system is named
		// ("PACS viewer access for the new sonographer in Radiology"), the
		// request is the ticket.
		a := ts.of(ticket.CategoryAccess, sig.accessRequest)
		for _, t := range ts {
			if t.cat != ticket.CategoryAccess && t.score >= a.score {
				a.score = t.score + closeMargin + 1
			}
		}
	}
	cats := ts.rank()
	if cats == nil {
		return nil, nil
	}
	scores := make([]CategoryScore, 0, len(ts))
	for _, t := range ts {
		if t.score > 0 {
			scores = append(scores, CategoryScore{Category: t.cat, Score: t.score})
		}
	}
	return cats, scores
}

// keywordAt returns the longest keyword at term i, built-in or configured.
// A configured keyword wins over a built-in one of the same length; among
// configured ones the first (by category name) wins.
func keywordAt(terms []term, i int, custom []configKeyword) (catWord, int) {
	kw, n := builtinCategoryWords.match(terms, i, nil)
	configured := false
	for _, k := range custom {
		if k.first != terms[i].w[0] && k.first != 0 {
			continue
		}
		if cn := phraseMatch(k.phrase, terms, i, nil, true); cn > n || cn == n && cn > 0 && !configured {
			kw, n, configured = catWord{cat: k.cat, weight: 4}, cn, true
		}
	}
	return kw, n
}

// tallies are the categories named so far, in the order first named.
type tallies []catTally

// of returns the tally of c, starting one at term i when c is new. The
// pointer is good until the next call.
func (ts *tallies) of(c ticket.Category, i int) *catTally {
	for k := range *ts {
		if (*ts)[k].cat == c {
			return &(*ts)[k]
		}
	}
	*ts = append(*ts, catTally{cat: c, first: i})
	return &(*ts)[len(*ts)-1]
}

// rank returns the best category, then the other categories with a problem
// of their own (a failure word next to a strong keyword), best first; nil
// when nothing scored.
func (ts tallies) rank() []ticket.Category {
	slices.SortFunc(ts, func(a, b catTally) int {
		if a.score != b.score {
			return b.score - a.score
		}
		if a.first != b.first {
			return a.first - b.first
		}
		return strings.Compare(string(a.cat), string(b.cat))
	})
	if len(ts) == 0 || ts[0].score <= 0 {
		return nil
	}
	cats := []ticket.Category{ts[0].cat}
	for _, t := range ts[1:] {
		if t.problem && t.score >= 4 && t.cat != ticket.CategoryOther && ts[0].cat != ticket.CategoryOther {
			cats = append(cats, t.cat)
		}
	}
	return cats
}

// placeWords put what follows them in a place ("on the WOW", "into epic");
// determiners may come between.
var (
	placeWords = map[string]bool{
		"on": true, "in": true, "at": true, "by": true, "near": true, "from": true, "into": true,
		"to": true, "onto": true, "with": true, "behind": true, "next": true, "inside": true,
	}
	determiners = map[string]bool{
		"the": true, "a": true, "an": true, "my": true, "our": true, "this": true, "that": true,
		"their": true, "every": true, "any": true, "all": true, "each": true, "of": true, "his": true, "her": true,
	}
)

// placeAt reports whether the keyword at term i follows a place word.
func placeAt(terms []term, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		w := terms[j].w
		if placeWords[w] {
			return true
		}
		if !determiners[w] || terms[j+1].stop {
			return false
		}
	}
	return false
}

// departmentWords name a department as well as a service: after a place
// word they say where the writer is.
var departmentWords = map[string]bool{"radiology": true, "pharmacy": true, "registration": true, "imaging": true}

// disowned reports whether the keyword at term i is named as not the
// problem: "it's not the printer", "isn't a network issue".
func disowned(terms []term, i int) bool {
	if i < 2 || !determiners[terms[i-1].w] {
		return false
	}
	switch terms[i-2].w {
	case "not", "isnt", "arent", "wasnt":
		return true
	}
	return false
}

// working reports whether the terms from j say that what came before works:
// "works fine", "is fine", "are working", "looks ok".
func working(terms []term, j int) bool {
	if j < len(terms) && terms[j].w == "fine" {
		return true
	}
	if j+1 >= len(terms) {
		return false
	}
	switch terms[j].w {
	case "works", "working", "is", "are", "looks", "seems", "seem", "look", "still":
	default:
		return false
	}
	switch terms[j+1].w {
	case "fine", "ok", "okay", "normally", "normal", "good":
		return true
	case "working", "works":
		return terms[j].w != "is" && terms[j].w != "are" || j+2 >= len(terms) || terms[j+2].w != "not"
	}
	return false
}

// configKeyword is one configured keyword of a category.
type configKeyword struct {
	cat    ticket.Category
	phrase string
	first  byte // its first letter or digit, lower case
}

// configKeywords lists the configured keywords in a fixed order (by
// category, then as configured), so that the same configuration always
// matches the same way. A configured keyword weighs as much as a built-in
// name of a thing (4).
func configKeywords(m map[ticket.Category][]string) []configKeyword {
	if len(m) == 0 {
		return nil
	}
	var out []configKeyword
	for _, c := range slices.Sorted(maps.Keys(m)) {
		for _, kw := range m[c] {
			out = append(out, configKeyword{cat: c, phrase: kw, first: firstFold(kw)})
		}
	}
	return out
}

// systemNames are the affected systems carebot names, by the word that
// names them, with the category each belongs to.
var systemNames = map[string]struct {
	name string
	cat  ticket.Category
}{
	"epic": {"Epic", ticket.CategoryEHR}, "cerner": {"Cerner", ticket.CategoryEHR},
	"powerchart": {"PowerChart", ticket.CategoryEHR}, "meditech": {"Meditech", ticket.CategoryEHR},
	"haiku": {"Haiku", ticket.CategoryEHR}, "canto": {"Canto", ticket.CategoryEHR}, "rover": {"Rover", ticket.CategoryEHR},
	"citrix": {"Citrix", ticket.CategoryWorkstation}, "storefront": {"Citrix", ticket.CategoryWorkstation},
	"imprivata": {"Imprivata", ticket.CategoryLogin}, "duo": {"Duo", ticket.CategoryLogin},
	"pyxis": {"Pyxis", ticket.CategoryPharmacy}, "omnicell": {"Omnicell", ticket.CategoryPharmacy},
	"pacs": {"PACS", ticket.CategoryImaging}, "powerscribe": {"PowerScribe", ticket.CategoryImaging},
	"vocera": {"Vocera", ticket.CategoryPhone}, "spectralink": {"Spectralink", ticket.CategoryPhone},
	"ascom": {"Ascom", ticket.CategoryPhone}, "alaris": {"Alaris", ticket.CategoryDevice},
	"capsule": {"Capsule", ticket.CategoryDevice}, "muse": {"MUSE", ticket.CategoryDevice},
	"kronos": {"Kronos", ticket.CategoryOther}, "outlook": {"Outlook", ticket.CategoryOther},
	"zoom": {"Zoom", ticket.CategoryOther}, "webex": {"Webex", ticket.CategoryOther},
}

// SystemCategory returns the category of a system as findSystem names it
// ("Epic" is ehr, "Pyxis" pharmacy); "" for a system triage does not know.
func SystemCategory(name string) ticket.Category {
	for _, s := range systemNames {
		if s.name == name {
			return s.cat
		}
	}
	return ""
}

// findSystem returns the affected system: the first one named that belongs
// to the category, else the first one named.
func findSystem(terms []term, cat ticket.Category) string {
	first := ""
	for i, t := range terms {
		s, ok := systemNames[t.w]
		if !ok && t.w == "omni" && i+1 < len(terms) && terms[i+1].w == "cell" {
			s, ok = systemNames["omnicell"]
		}
		if !ok {
			continue
		}
		if s.cat == cat {
			return s.name
		}
		if first == "" {
			first = s.name
		}
	}
	return first
}
