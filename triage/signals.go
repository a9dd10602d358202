package triage

import "strings"

// What a message says about urgency is read in two steps. Phrases that
// settle a question outright ("no workaround", "just me", "whole hospital",
// "code blue", "not urgent") are matched first, longest first, and hide their
// words from the second step. Then word classes are read in short windows:
// a negation followed by something clinical ("can't give meds", "won't read
// wristbands", "not scanning meds") means patient care is blocked; "all" or
// "every" before a device ("every computer", "all the scanners") means the
// whole unit; a patient or the OR before "waiting" is an urgency word.
//
// Patient care, when several statements disagree, takes the first that
// applies of: an explicit block ("no workaround", "totally down"); an
// explicit workaround or way round ("using the other Pyxis", "having to
// handwrite"); an explicit "not urgent" / "no patients affected"; a block read
// from the words (a negation before something clinical, a need for something
// clinical while something is broken, or a failure across a unit or more);
// slowness ("slow", "intermittent").
//
// Scope takes the widest statement: "just me", "from home", "others are
// fine" are one person; "whole unit", "everyone", "every computer", "all the
// scanners", "whole ED", a range of rooms, or a service down in a named unit
// ("Epic is down in L&D") are the unit; "whole hospital", "all floors", a
// failing server, or two units named (unless the second is a way round:
// "using the one on 4E") are several units. "my" alone says nothing: "my
// vocera won't connect" may be a Vocera outage. A failure across a unit that
// the message states blocks patient care there, and a service down or out
// across a unit or more adds the urgency word "outage".

// wordClass flags what a word can mean to the signal rules.
type wordClass uint32

const (
	clNeg         wordClass = 1 << iota // negation: can't, won't, not, no, nobody
	clFail                              // something is broken: down, frozen, error (and every negation)
	clSoft                              // something misbehaves: slow, keeps, dropping
	clClinObj                           // a clinical object: meds, pt, wristbands, orders, pages
	clClinVerb                          // a clinical act: give, chart, document, band, feed
	clNeed                              // need, have
	clAllAny                            // all, any, every, none
	clDevNoun                           // a device or a group of people: computers, badges, nurses
	clWhole                             // whole, entire
	clAreaUnit                          // unit, floor, department, center
	clAreaSite                          // hospital, building, campus, system
	clWaitPatient                       // someone who waits for care: pt, family
	clWaitOR                            // the OR waits: case, surgeon, anesthesia
	clWaitStaff                         // staff wait: docs, lab, nurses
	clReqVerb                           // asks for something: need, request, give, add, remove
	clAccessNoun                        // access, account, permissions, rights
	clMonitorCtx                        // makes "monitor" a patient monitor: bedside, tele, vitals
	clClinical                          // a clinical area's business: patients, meds, wristbands, labels
	clOutage                            // a service is out: down, outage
	clServer                            // server: a failure there reaches every unit
)

// keepOnConsume are the classes a word keeps inside a matched phrase.
const keepOnConsume = clNeg | clFail | clSoft

var wordClassLists = []struct {
	class wordClass
	words string
}{
	{clNeg | clFail, "cant cannot unable wont not no doesnt isnt didnt couldnt wouldnt arent aint dont never nobody noone nothing none nor refuses"},
	{clFail, "down dead broken broke frozen froze freezing freezes freeze crashed crashing crashes crash stuck error errors failed failing fails failure offline unavailable blank hung stopped unresponsive died dying disabled expired locked jammed jamming outage missing gone black cracked wrong garbage empty unusable alarming rejected denied invalid"},
	{clSoft, "slow slowly sluggish lagging laggy lag crawling dropping drops dropped drop losing lose lost disconnecting disconnects disconnected intermittent intermittently spotty weak flickering beeping faded crooked twice keeps kicking restarting rebooting annoying glitchy glitching weird acting issue issues problem problems trouble"},
	{clClinObj | clClinical, "med meds medication medications medicine medicines pt pts patient patients baby babies newborn wristband wristbands armband armbands specimen specimens"},
	{clClinObj, "insulin heparin chemo blood abx antibiotic antibiotics dose doses drip drips orders images studies xray xrays ekg ekgs ecg ecgs mar emar narcotic narcotics pages docs doctor doctors physician physicians provider providers md mds surgeon pitocin dilaudid morphine fentanyl labs rhythms transfusion vaccine vaccines mom moms"},
	{clClinVerb, "give giving pass administer administering hang hanging chart charting document documenting admit admitting discharge discharging triage feed band draw verify sign transfuse dispense treat medicate read"},
	{clClinical, "label labels sticker stickers"},
	{clNeed, "need needs needing needed have has"},
	{clAllAny, "all any every each none"},
	{clDevNoun, "computer computers pc pcs wow wows cow cows printer printers scanner scanners badge badges phone phones vocera voceras pump pumps monitor monitors workstation workstations client clients laptop laptops desktop desktops machine machines cabinet cabinets pyxis omnicell device devices screen screens terminal terminals station stations tablet tablets ipad ipads pager pagers staff nurse nurses user users rn rns wows"},
	{clWhole, "whole entire"},
	{clAreaUnit, "unit department dept center clinic ward wing team pod hallway"},
	{clAreaSite, "hospital building campus system house organization org enterprise site facility floor floors tower"},
	{clWaitPatient, "pt pts patient patients family families baby mom parents"},
	{clWaitOR, "or case cases surgery surgeon surgeons anesthesia ortho"},
	{clWaitStaff, "doc docs doctor doctors md mds provider providers physician physicians lab nurse nurses rn rns team staff pharmacy radiology cardiology tech techs everyone"},
	{clReqVerb, "need needs request requesting requested give get grant add added adding set create remove no setup provision necesito"},
	{clAccessNoun, "access account accounts permission permissions rights login logins privilege privileges provisioned acceso user users group groups"},
	{clOutage | clFail, "down outage"},
	{clServer, "server servers"},
	{clMonitorCtx, "pt pts patient patients bedside central tele telemetry vitals rhythm rhythms cardiac spo2 sats alarm alarms alarming bed baby babies"},
}

// wordClasses maps a lower-case word to its classes. Never modified after it
// is built.
var wordClasses = func() map[string]wordClass {
	m := map[string]wordClass{}
	for _, l := range wordClassLists {
		for _, w := range strings.Fields(l.words) {
			m[w] |= l.class
		}
	}
	return m
}()

// cue is what a signal phrase says.
type cue uint8

const (
	cueNeutral    cue = iota // only hides its words from the word rules
	cueBlocked               // patient care blocked, said outright
	cueWorkaround            // a workaround exists
	cueSlow                  // slow or intermittent
	cueNone                  // patient care not affected
	cueOne                   // one person
	cueUnit                  // a unit
	cueSite                  // several units or the site
	cueUrgent                // an urgency word; sigPhrase.urgent says which
	cueOutage                // a service is out: "is out", "out of service"
	cueSafety                // a patient-safety call or alarm: nurse call, bed exit alarm
)

type sigPhrase struct {
	cue    cue
	urgent string // the normalised urgency word, for cueUrgent
}

var signalPhraseLists = []struct {
	cue     cue
	urgent  string
	phrases string
}{
	{cueBlocked, "", "patient care blocked|pt care blocked|care blocked|care is blocked|totally blocked|completely blocked|blocked|no workaround|no work around|no way to|cant do anything|cannot do anything|cant do my job|cant work|unable to work|dead in the water|at a standstill|standstill|hard down|totally down|completely down|patient safety|safety issue|safety risk|cant care for|cant take care|patients at risk|pt at risk|cant treat"},
	{cueWorkaround, "", "workaround|work around|using|have to|has to|having to|had to|manually|manual|by hand|handwrite|handwriting|hand write|hand writing|on paper|paper charting|downtime paper|downtime forms|downtime procedures|downtime procedure|for now|borrowing|borrowed|can still|still able|still can|still works|still working|instead|moved|switched to|works on|works fine on|typing|other one works"},
	{cueSlow, "", "slow|slowly|slowed|sluggish|lagging|laggy|lag|lags|crawling|takes forever|taking forever|takes|taking|intermittent|intermittently|on and off|off and on|spotty|weak|keeps dropping|dropping|drops|cutting out|annoying|sometimes|slowing|delay|delays"},
	{cueNone, "", "not urgent|non urgent|nonurgent|no rush|no hurry|low priority|whenever you can|whenever you get a chance|whenever you have time|when you get a chance|when you have a chance|when you have time|when you can|no patients affected|no pts affected|no patient impact|no impact|not affecting patient care|not affecting patients|not affecting care|doesnt affect patient care|doesnt affect patients|not patient care|no patient care impact|not clinical|nothing urgent|fyi|not a big deal|next week|not emergent|not an emergency|patients not affected|patient care not affected|not affected|not blocked|otherwise fine|otherwise working"},
	{cueOne, "", "just me|only me|only mine|just mine|only my|just my|only for me|just for me|for me|only one|just one|only this one|just this one|only this|just this|others fine|others are fine|others work|others working|everyone else|everybody else|works for others|coworkers can|other computers work|other computers are fine|im locked out|i am locked out|locked me out|i forgot|from home|at home|only on my"},
	{cueUnit, "", "whole unit|entire unit|unit wide|unitwide|all of us|none of us|everyone|everybody|nobody|noone|no one|anyone|anyones|anybody|all staff|all nurses|all the nurses|whole department|entire department|whole dept|whole team|all users|multiple people|several people|multiple users|several of us|few of us|others too|not just me|more than one|all our|all of our|same issue|every nurse|multiple computers|several computers|multiple pcs"},
	{cueSite, "", "whole floor|entire floor|floor wide|whole hospital|entire hospital|hospital wide|hospitalwide|house wide|housewide|all units|every unit|multiple units|several units|other units|all floors|every floor|any floor|multiple floors|other floors|whole building|entire building|campus wide|system wide|systemwide|everywhere|all departments|across the hospital|all over the hospital|whole system|enterprise|all sites|other hospitals|multiple departments|several departments|whole house"},
	{cueOutage, "", "is out|are out|went out|goes out|going out|out of service|out of order|not working for anyone"},
	{cueSafety, "", "nurse call|call light|call lights|call bell|bed alarm|bed alarms|bed exit|fall alarm|pillow speaker|code page|overhead page|overhead paging|panic button|infant security|baby alarm|wander guard|wanderguard"},
	{cueUrgent, "stat", "stat"},
	{cueUrgent, "asap", "asap"},
	{cueUrgent, "urgent", "urgent|urgently|time sensitive|expedite|expedited"},
	{cueUrgent, "emergency", "emergency|emergent|life threatening"},
	{cueUrgent, "code", "a code|in a code|running a code|pt coding|patient coding|pt is coding|patient is coding|coding pt|cardiac arrest"},
	{cueUrgent, "code blue", "code blue"},
	{cueUrgent, "code stroke", "code stroke|stroke alert|stroke coming in|on call for stroke|stroke call"},
	{cueUrgent, "code white", "code white"},
	{cueUrgent, "code pink", "code pink"},
	{cueUrgent, "code sepsis", "code sepsis|sepsis alert"},
	{cueUrgent, "code stemi", "code stemi|stemi"},
	{cueUrgent, "code trauma", "code trauma"},
	{cueUrgent, "trauma", "trauma"},
	{cueUrgent, "rapid response", "rapid response|rrt"},
	{cueUrgent, "hemorrhage", "hemorrhage|hemorrhaging|hemmorhaging|bleeding out|pph"},
	{cueUrgent, "med pass", "med pass|medpass|med pass late|meds late|meds are late|med pass waiting|meds overdue"},
	{cueUrgent, "or waiting", "or waiting|case waiting|surgery waiting|surgeon waiting|case on hold|holding the case|case about to start|cases starting|case starting|case starts|going to or|going to the or|going to surgery|headed to or|headed to the or|heading to or|heading to the or|going back to or|going back to the or"},
	{cueUrgent, "safety hazard", "sparks|sparking|smoke|smoking|burning smell|smells like burning|on fire|shocked me|electric shock"},
	{cueUrgent, "surgery delayed", "surgery delayed|case delayed|or delayed|delaying surgery|delaying the case|surgery is delayed|case is delayed"},
	{cueUrgent, "meds due", "med is late|dose is late|is overdue|insulin is due|insulin due|due now|needs it now|need it now|needed now|holding the drip|holding the infusion|holding meds|holding her meds|holding his meds|cant give|cannot give|can't give|unable to give"},
	{cueUrgent, "patient in labor", "active labor|labor stalled|in active labor|delivering now|crowning"},
	{cueUrgent, "patient coming out of surgery", "coming out of surgery|out of surgery now|coming out of the or|rolling back from or"},
	{cueUrgent, "downtime", "downtime procedures|downtime forms|on downtime|paper downtime|going to downtime"},
	{cueUrgent, "patient on table", "pt on table|patient on table|pt on the table|patient on the table|pt is on the table"},
	{cueNeutral, "", "at all|all in one|upside down|locked for editing|error code|sign in|sign into|sign on|sign out|sign off|call me|no problem|no worries|not sure|dont know|no idea|thank you|thanks|no paper|no dial tone|pass word"},
}

// signalPhrases is the phrase table built from signalPhraseLists. Never
// modified after it is built.
var signalPhrases = func() *phrases[sigPhrase] {
	p := newPhrases[sigPhrase]()
	for _, l := range signalPhraseLists {
		for ph := range strings.SplitSeq(l.phrases, "|") {
			p.add(ph, sigPhrase{cue: l.cue, urgent: l.urgent})
		}
	}
	return p
}()

// signalMarks is what the signal rules found in one message.
type signalMarks struct {
	classes []wordClass // per term, after phrases took their words

	care           Care
	scope          Scope
	urgent         []string
	clinical       bool // patients, meds, wristbands or labels are mentioned
	safety         bool // a patient-safety call or alarm is named
	patientMonitor bool // "monitor" means a patient monitor here
	accessRequest  int  // the term where a request for access starts, or -1
}

// failureNear reports whether a failure word sits within three terms of the
// terms [i, j).
func (s *signalMarks) failureNear(i, j int) bool {
	lo, hi := max(i-3, 0), min(j+3, len(s.classes))
	for k := lo; k < hi; k++ {
		if s.classes[k]&(clFail|clSoft) != 0 {
			return true
		}
	}
	return false
}

// readSignals reads care, scope and urgency from the terms. loc is what the
// location rules found: two units named, or a range of rooms, mean more than
// one bed is affected.
func readSignals(terms []term, loc *locationMarks) *signalMarks {
	r := &signalReader{terms: terms, loc: loc,
		s: &signalMarks{classes: make([]wordClass, len(terms)), accessRequest: -1}}
	for i, t := range terms {
		c, ok := wordClasses[t.w]
		if !ok && len(t.w) > 3 && t.w[len(t.w)-1] == 's' {
			c = wordClasses[t.w[:len(t.w)-1]] & (clDevNoun | clClinObj)
		}
		r.s.classes[i] = c
	}
	for i := 0; i < len(terms); {
		i += r.phraseAt(i)
	}
	for i := range terms {
		r.careAt(i)
		r.scopeAt(i)
		r.urgencyAt(i)
	}
	r.resolve()
	return r.s
}

// signalReader holds what the signal rules have read so far.
type signalReader struct {
	terms []term
	loc   *locationMarks
	s     *signalMarks

	// Patient care statements, from strongest to weakest (see resolve).
	blocked, workaround, none, inferred, slow bool
	failed, outage, needClinical              bool
	scope                                     Scope
	said                                      bool // the scope was said ("whole unit", "every computer"), not only inferred
}

// widen makes the scope at least sc.
func (r *signalReader) widen(sc Scope) {
	if scopeRank(sc) > scopeRank(r.scope) {
		r.scope = sc
	}
}

// say widens the scope to what the message said.
func (r *signalReader) say(sc Scope) {
	r.widen(sc)
	if sc != ScopeOne {
		r.said = true
	}
}

// phraseAt applies the signal phrase at term i and returns how many terms
// it covers (at least 1). A phrase hides its words from the word rules,
// except that they may still be negations and failures.
func (r *signalReader) phraseAt(i int) int {
	p, n := signalPhrases.match(r.terms, i, nil)
	if n == 0 {
		return 1
	}
	for k := i; k < i+n; k++ {
		switch p.cue {
		case cueNeutral:
			r.s.classes[k] = 0
		case cueOutage:
			r.s.classes[k] = r.s.classes[k]&keepOnConsume | clFail
		default:
			r.s.classes[k] &= keepOnConsume
		}
	}
	switch p.cue {
	case cueBlocked:
		r.blocked = true
	case cueWorkaround:
		r.workaround = true
	case cueSlow:
		r.slow = true
	case cueNone:
		r.none = true
	case cueOne:
		r.widen(ScopeOne)
	case cueUnit:
		r.say(ScopeUnit)
	case cueSite:
		r.say(ScopeSite)
	case cueUrgent:
		r.s.addUrgent(p.urgent)
	case cueOutage:
		r.outage = true
	case cueSafety:
		r.s.safety = true
	}
	return n
}

func (r *signalReader) is(j int, c wordClass) bool { return r.s.classes[j]&c != 0 }

// careAt reads patient care around term i: a negation before something
// clinical ("can't give meds", "not scanning meds") or after a patient or
// med ("pt labels not printing"); a need for something clinical ("need to
// give insulin", "have a pt waiting").
func (r *signalReader) careAt(i int) {
	s := r.s
	if r.is(i, clFail) {
		r.failed = true
	}
	if r.is(i, clOutage) {
		r.outage = true
	}
	if r.is(i, clClinical) {
		s.clinical = true
	}
	if r.is(i, clMonitorCtx) {
		s.patientMonitor = true
	}
	if r.is(i, clNeg) && (s.within(r.terms, i, 6, func(j int) bool {
		return r.is(j, clClinObj) || r.is(j, clClinVerb) && j-i <= 2
	}) || s.before(r.terms, i, 2, func(j int) bool { return r.is(j, clClinObj) && r.is(j, clClinical) })) {
		r.inferred = true
	}
	if r.is(i, clNeed) && s.within(r.terms, i, 3, func(j int) bool { return r.is(j, clClinObj|clClinVerb) }) {
		r.needClinical = true
	}
}

// scopeAt reads scope around term i: "every computer", "all the scanners",
// "whole ED", "entire hospital", a failing server; and a request for
// access ("need access", "set up an account").
func (r *signalReader) scopeAt(i int) {
	s := r.s
	if r.is(i, clServer) && (s.within(r.terms, i, 3, func(j int) bool { return r.is(j, clFail) }) ||
		s.before(r.terms, i, 3, func(j int) bool { return r.is(j, clFail) })) {
		r.widen(ScopeSite) // a server failure reaches every unit that uses it
	}
	if r.is(i, clAllAny) && s.within(r.terms, i, 3, func(j int) bool { return r.is(j, clDevNoun) }) {
		r.say(ScopeUnit)
	}
	if r.is(i, clWhole) {
		if s.within(r.terms, i, 3, func(j int) bool { return r.is(j, clAreaSite) }) {
			r.say(ScopeSite)
		} else if s.within(r.terms, i, 3, func(j int) bool { return r.is(j, clAreaUnit) || r.loc.isUnit(j) }) {
			r.say(ScopeUnit)
		}
	}
	if r.is(i, clReqVerb) && s.accessRequest < 0 && !(r.terms[i].w == "get" && i+1 < len(r.terms) && r.terms[i+1].w == "into") &&
		(s.within(r.terms, i, 8, func(j int) bool { return r.is(j, clAccessNoun) }) ||
			s.before(r.terms, i, 4, func(j int) bool { return r.is(j, clAccessNoun) && r.terms[j].w != "no" })) {
		// "give Dr. Nakamura-Ellis Epic in-basket access", "no BMT
		// flowsheet rights. Can you add me?"
		s.accessRequest = i
	}
}

// urgencyAt reads the urgency words that depend on their neighbours:
// someone waiting, meds due, a timed med pass ("0900 pass").
func (r *signalReader) urgencyAt(i int) {
	switch r.terms[i].w {
	case "waiting", "wait", "waited":
		r.s.waitingAt(i)
	case "due":
		if i > 0 && r.is(i-1, clClinObj) {
			r.s.addUrgent("meds due")
		}
	case "pass":
		if i > 0 && len(r.terms[i-1].w) == 4 && isDigits(r.terms[i-1].w) {
			r.s.addUrgent("med pass")
		}
	}
}

// resolve settles scope and care once every rule has read the message.
func (r *signalReader) resolve() {
	if r.loc.units > 1 {
		r.widen(ScopeSite)
	}
	if r.outage && r.loc.units == 1 {
		r.say(ScopeUnit) // "Epic is down in L&D": down for the unit
	}
	if r.loc.ranged {
		r.say(ScopeUnit) // "rm 401-410", "bays 1-6": more than one bed
	}
	r.s.scope = r.scope
	if r.needClinical && r.failed {
		r.inferred = true
	}
	if r.failed && r.said {
		r.inferred = true // a failure across a unit blocks its care
		if r.outage {
			r.s.addUrgent("outage") // a service out for a unit or more
		}
	}
	switch {
	case r.blocked:
		r.s.care = CareBlocked
	case r.workaround:
		r.s.care = CareSlowed
	case r.none:
		r.s.care = CareNone
	case r.inferred:
		r.s.care = CareBlocked
	case r.slow:
		r.s.care = CareSlowed
	}
}

// within reports whether ok holds for one of the n terms after i, stopping
// at the end of a sentence.
func (s *signalMarks) within(terms []term, i, n int, ok func(int) bool) bool {
	for j := i + 1; j <= i+n && j < len(terms); j++ {
		if terms[j].stop {
			return false
		}
		if ok(j) {
			return true
		}
	}
	return false
}

// negatedAt reports whether a negation starts at term i or sits one or two
// terms before it in the same sentence.
func (s *signalMarks) negatedAt(terms []term, i int) bool {
	if s.classes[i]&clNeg != 0 {
		return true
	}
	return s.before(terms, i, 2, func(j int) bool { return s.classes[j]&clNeg != 0 })
}

// before reports whether ok holds for one of the n terms before i, within
// the same sentence.
func (s *signalMarks) before(terms []term, i, n int, ok func(int) bool) bool {
	for j := i - 1; j >= 0 && j >= i-n; j-- {
		if ok(j) {
			return true
		}
		if terms[j].stop {
			return false
		}
	}
	return false
}

// waitingAt reads who waits, from up to three words before "waiting".
func (s *signalMarks) waitingAt(i int) {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		c := s.classes[j]
		switch {
		case c&clWaitPatient != 0:
			s.addUrgent("patients waiting")
			return
		case c&clWaitOR != 0:
			s.addUrgent("or waiting")
			return
		case c&clWaitStaff != 0:
			s.addUrgent("staff waiting")
			return
		}
	}
}

func (s *signalMarks) addUrgent(w string) {
	for _, u := range s.urgent {
		if u == w {
			return
		}
	}
	s.urgent = append(s.urgent, w)
}

// scopeRank orders scopes from unknown to widest.
func scopeRank(s Scope) int {
	switch s {
	case ScopeOne:
		return 1
	case ScopeUnit:
		return 2
	case ScopeSite:
		return 3
	}
	return 0
}
