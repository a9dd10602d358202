package triage

// Staff type fast on shared keyboards: "printr", "scaner", "pasword",
// "pyxsis". Known misspellings of short words are listed outright; longer
// words are matched within one edit (a letter added, dropped, changed, or two
// neighbours swapped) against a short vocabulary of distinctive words. Only
// terms that are not themselves known words are corrected, and the first
// letter must agree, which keeps "pointer" from turning into "printer".

// misspellings maps common misspellings to the word meant.
var misspellings = map[string]string{
	"printr": "printer", "priner": "printer", "pritner": "printer", "prnter": "printer", "prnt": "print",
	"scaner": "scanner", "scannr": "scanner", "scanr": "scanner", "sanner": "scanner",
	"pasword": "password", "passwrd": "password", "passwrod": "password", "pword": "password", "passwd": "password", "pwd": "pw",
	"pagr": "pager", "pger": "pager", "pyxsis": "pyxis", "pixis": "pyxis", "pyxus": "pyxis", "pxyis": "pyxis",
	"omnicel": "omnicell", "omnicle": "omnicell", "vocerra": "vocera", "vocra": "vocera", "voc": "vocera",
	"wifii": "wifi", "wiif": "wifi", "wfi": "wifi", "intenet": "internet", "interent": "internet",
	"netwrok": "network", "netowrk": "network", "computr": "computer", "compter": "computer", "comptuer": "computer",
	"keybaord": "keyboard", "moniter": "monitor", "monitr": "monitor", "citirx": "citrix", "citrx": "citrix",
	"imprivita": "imprivata", "emprivata": "imprivata", "telemtry": "telemetry", "acct": "account",
	"acces": "access", "acess": "access", "permision": "permission", "permisions": "permissions",
	"labl": "label", "lable": "label", "lables": "labels", "wristbnad": "wristband", "barcod": "barcode",
	"logon": "login", "loging": "login", "logn": "login", "lockd": "locked", "dosent": "doesnt", "doesnot": "doesnt",
	"epci": "epic", "eipc": "epic", "pacss": "pacs",
}

// fuzzyVocabulary are the words worth correcting towards: long enough that
// one edit rarely turns one real word into another.
var fuzzyVocabulary = []string{
	"printer", "printing", "scanner", "scanning", "password", "computer", "keyboard", "network",
	"wireless", "internet", "imprivata", "omnicell", "vocera", "citrix", "telemetry", "workstation",
	"barcode", "wristband", "armband", "account", "monitor", "laptop", "desktop", "cerner", "meditech",
	"powerchart", "radiology", "imaging", "ethernet", "voicemail", "spectralink", "alaris", "infusion",
	"glucometer", "ventilator", "dinamap", "medication", "permission", "pyxis", "access",
}

// notMisspelt are English words within one edit of the vocabulary (checked
// against a 100,000-word American English list).
var notMisspelt = map[string]bool{
	"pointer": true, "painter": true, "pointing": true, "printed": true, "prints": true, "scanned": true,
	"scanners": true, "spanner": true, "networks": true, "monitors": true, "accounts": true, "accent": true,
	"locker": true, "lockers": true, "locket": true, "mentor": true, "imagine": true,
	"imagined": true, "passport": true, "computed": true, "commuter": true, "citric": true, "accessed": true,
	"accesses": true, "desktops": true, "laptops": true, "printers": true, "alaric": true, "alarics": true,
	"armand": true, "ataris": true, "corner": true, "interned": true, "internee": true, "internes": true,
	"mediation": true, "meditation": true, "painting": true, "spanning": true, "scanting": true,
	"waistband": true, "compute": true, "computes": true,
}

// fuzzyByFirst indexes fuzzyVocabulary by first letter.
var fuzzyByFirst = func() map[byte][]string {
	m := map[byte][]string{}
	for _, w := range fuzzyVocabulary {
		m[w[0]] = append(m[w[0]], w)
	}
	return m
}()

// correct replaces misspelt terms in place. known reports whether a word is
// one triage already knows; those are never corrected.
func correct(terms []term, known func(string) bool) {
	for i := range terms {
		w := terms[i].w
		if fix, ok := misspellings[w]; ok {
			terms[i].w = fix
			continue
		}
		if len(w) < 5 || len(w) > 14 || notMisspelt[w] || !isLetters(w) || known(w) {
			continue
		}
		for _, v := range fuzzyByFirst[w[0]] {
			if w != v && oneEdit(w, v) {
				terms[i].w = v
				break
			}
		}
	}
}

// oneEdit reports whether a and b differ by exactly one insertion, deletion,
// substitution or swap of neighbouring letters. Its cost is linear.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return false
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
