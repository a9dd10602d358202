package triage

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"carebot/ticket"
)

// testUnits are the units of DESIGN.md's example configuration.
var testUnits = []string{"4 West", "5 North", "ED", "ICU", "NICU", "OR", "PACU", "L&D", "Oncology"}

func TestParseCategory(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	tests := []struct {
		text string
		want ticket.Category
	}{
		// One per category, as staff write them.
		{"Epic is frozen, can't chart", ticket.CategoryEHR},
		{"MAR not showing the 0900 meds", ticket.CategoryEHR},
		{"emar wont load", ticket.CategoryEHR},
		{"locked out of my account again", ticket.CategoryLogin},
		{"imprivata wont take my badge tap", ticket.CategoryLogin},
		{"tap badge not working on the WOW", ticket.CategoryLogin},
		{"the WOW in room 12 is dead", ticket.CategoryWorkstation},
		{"COW screen flickering", ticket.CategoryWorkstation},
		{"citrix session keeps disconnecting", ticket.CategoryWorkstation},
		{"thin client says no signal", ticket.CategoryWorkstation},
		{"printer on 4 West is jammed", ticket.CategoryPrinter},
		{"zebra wont print wristbands", ticket.CategoryPrinter},
		{"barcode scanner on 4 West cart 3 won't read wristbands, med pass waiting", ticket.CategoryScanner},
		{"BCMA not scanning", ticket.CategoryScanner},
		{"wifi keeps dropping in L&D", ticket.CategoryNetwork},
		{"wi-fi down", ticket.CategoryNetwork},
		{"wi fi is slow", ticket.CategoryNetwork},
		{"my vocera won't connect", ticket.CategoryPhone},
		{"pager not getting pages", ticket.CategoryPhone},
		{"infusion pump not sending to chart", ticket.CategoryDevice},
		{"alaris pump comm error", ticket.CategoryDevice},
		{"telemetry not showing at the central station", ticket.CategoryDevice},
		{"PACS viewer won't load images", ticket.CategoryImaging},
		{"Pyxis in ICU won't open drawer", ticket.CategoryPharmacy},
		{"omnicell says communication error", ticket.CategoryPharmacy},
		{"need access for a new hire", ticket.CategoryAccess},
		{"new RN on ICU needs Epic and Pyxis accounts", ticket.CategoryAccess},
		{"outlook not syncing", ticket.CategoryOther},
		{"something is wrong", ticket.CategoryOther},
		{"", ticket.CategoryOther},
		// Misspellings.
		{"printr wont work", ticket.CategoryPrinter},
		{"pritner jammed", ticket.CategoryPrinter},
		{"scaner not scanning", ticket.CategoryScanner},
		{"scannr broken", ticket.CategoryScanner},
		{"pasword expired", ticket.CategoryLogin},
		{"pyxsis frozen", ticket.CategoryPharmacy},
		{"netwrok down", ticket.CategoryNetwork},
		{"the computr wont boot", ticket.CategoryWorkstation},
		// Plurals and a longer phrase over its words.
		{"all the printers on 5N are offline", ticket.CategoryPrinter},
		{"the bladder scanner is not saving results", ticket.CategoryDevice},
		{"patient monitor in bed 4 not reading", ticket.CategoryDevice},
		{"monitor is black on the doctors workstation", ticket.CategoryWorkstation},
		// A word that only looks like a keyword counts for nothing.
		{"the mouse pointer is stuck", ticket.CategoryWorkstation},
		{"excel file is locked for editing", ticket.CategoryOther},
		// An asset tag's prefix names the thing.
		{"PC004512 very slow", ticket.CategoryWorkstation},
	}
	for _, tt := range tests {
		d := Parse(tt.text, opts)
		if d.Category != tt.want {
			t.Errorf("Parse(%q).Category = %s, want %s", tt.text, d.Category, tt.want)
		}
		if len(d.Categories) == 0 || d.Categories[0] != d.Category {
			t.Errorf("Parse(%q).Categories = %v, want %s first", tt.text, d.Categories, d.Category)
		}
	}
}

func TestParseTwoProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []ticket.Category
	}{
		{"printer on 5N jammed and my vocera won't connect either", []ticket.Category{ticket.CategoryPrinter, ticket.CategoryPhone}},
		{"pyxis down AND the scanner on the wow isnt working", []ticket.Category{ticket.CategoryPharmacy, ticket.CategoryScanner}},
		{"cant log into epic and the wifi keeps dropping", []ticket.Category{ticket.CategoryLogin, ticket.CategoryNetwork}},
		// A thing named only as where the problem is, is not a second problem.
		{"imprivata not taking my badge tap on the WOW in rm 22", []ticket.Category{ticket.CategoryLogin}},
		{"BCMA scanner beeping but nothing shows up in epic", []ticket.Category{ticket.CategoryScanner}},
		{"something is wrong", []ticket.Category{ticket.CategoryOther}},
		{"CT scanner down in radiology", []ticket.Category{ticket.CategoryImaging}},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{}).Categories; !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q).Categories = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestParseConfigKeywords(t *testing.T) {
	t.Parallel()
	opts := Options{Keywords: map[ticket.Category][]string{
		ticket.CategoryPharmacy: {"medstation", "med dispenser"},
		"nurse-call":            {"call light", "call lights"},
	}}
	tests := []struct {
		text string
		want ticket.Category
	}{
		{"medstation is stuck", ticket.CategoryPharmacy},
		{"the Med Dispenser is frozen", ticket.CategoryPharmacy},
		{"call light in room 4 keeps ringing", "nurse-call"},
		{"CALL LIGHTS not working", "nurse-call"},
		{"printer jammed", ticket.CategoryPrinter},
	}
	for _, tt := range tests {
		if d := Parse(tt.text, opts); d.Category != tt.want {
			t.Errorf("Parse(%q).Category = %s, want %s", tt.text, d.Category, tt.want)
		}
	}
}

func TestParseSystem(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"Epic is frozen", "Epic"},
		{"citrix storefront error", "Citrix"},
		{"imprivata not taking my badge tap on the WOW", "Imprivata"},
		{"can't print from epic", "Epic"},
		{"pyxis wont open", "Pyxis"},
		{"omni cell frozen", "Omnicell"},
		{"pacs slow", "PACS"},
		{"my vocera wont connect", "Vocera"},
		// The system of the category wins over one named first.
		{"epic shows nothing, the pyxis wont open", "Pyxis"},
		{"printer jammed", ""},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{}).System; got != tt.want {
			t.Errorf("Parse(%q).System = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseDeterministic(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits, Keywords: map[ticket.Category][]string{"a": {"x"}, "b": {"x"}, "c": {"x"}}}
	first := Parse("x on 4W rm 12 bed b, call x4357, asset tag 004512", opts)
	for range 50 {
		if d := Parse("x on 4W rm 12 bed b, call x4357, asset tag 004512", opts); !reflect.DeepEqual(d, first) {
			t.Fatalf("Parse is not deterministic: %+v, then %+v", first, d)
		}
	}
	if first.Category != "a" {
		t.Errorf("a keyword configured for several categories goes to the first by name; got %s", first.Category)
	}
}

func TestParseBadInput(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"", "   ", "🙂🙂🙂", "\xff\xfe\x00", "<@U0BOT> <!channel> ```{\"json\": true}```",
		"<https://epic.example.org|epic> is down", "Пиксис не работает 4W", "打印机坏了",
		strings.Repeat("a", 40000), strings.Repeat("4W rm 1 ", 5000),
	} {
		d := Parse(text, Options{Units: testUnits})
		if d.Category == "" || !utf8.ValidString(d.Text) {
			t.Errorf("Parse(%.40q) = %+v", text, d)
		}
	}
	if d := Parse("<https://epic.example.org|epic> is down", Options{}); d.Category != ticket.CategoryEHR {
		t.Errorf("link text: got %s", d.Category)
	}
}

func TestCleanDropsControlCharactersAndCapsLength(t *testing.T) {
	t.Parallel()
	if got := Clean("  printer\x00 jam\x1b[31m \u200b\r\n\n\n\nnow\t "); got != "printer jam[31m \n\nnow" {
		t.Errorf("Clean = %q", got)
	}
	if got := Clean("bad \xff utf8"); got != "bad  utf8" {
		t.Errorf("Clean invalid UTF-8 = %q", got)
	}
	long := strings.Repeat("é", 40000)
	got := Clean(long)
	if n := utf8.RuneCountInString(got); n != MaxTextRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("Clean(40000 runes) has %d runes, suffix %q", n, got[len(got)-3:])
	}
	if Clean(" \n\t ") != "" {
		t.Error("whitespace-only text did not clean to empty")
	}
}

func TestOneEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"printr", "printer", true},   // dropped
		{"priinter", "printer", true}, // added
		{"prinzer", "printer", true},  // changed
		{"pritner", "printer", true},  // swapped
		{"printer", "printer", false}, // the same
		{"prnitre", "printer", false}, // two edits
		{"print", "printer", false},
	}
	for _, tt := range tests {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestCorrect(t *testing.T) {
	t.Parallel()
	tests := []struct{ word, want string }{
		{"printr", "printer"}, {"pritner", "printer"}, {"scaner", "scanner"}, {"pasword", "password"},
		{"pyxsis", "pyxis"}, {"netwrok", "network"}, {"imprivatta", "imprivata"}, {"telemtry", "telemetry"},
		// English words one edit from a keyword stay as they are.
		{"looked", "looked"}, {"corner", "corner"}, {"painting", "painting"}, {"pointer", "pointer"},
		{"alarms", "alarms"}, {"mediation", "mediation"}, {"printed", "printed"},
		// Short words are never guessed at.
		{"prin", "prin"},
	}
	for _, tt := range tests {
		ts := []term{{w: tt.word}}
		correct(ts, isKnownWord)
		if ts[0].w != tt.want {
			t.Errorf("correct(%q) = %q, want %q", tt.word, ts[0].w, tt.want)
		}
	}
}

func TestSplitTerms(t *testing.T) {
	t.Parallel()
	got := splitTerms("Can't print—L&D's WOW-4W-03.\nrm 412-B")
	var ws []string
	for _, tm := range got {
		ws = append(ws, tm.w)
	}
	want := []string{"cant", "print", "l", "ds", "wow", "4w", "03", "rm", "412", "b"}
	if !slices.Equal(ws, want) {
		t.Fatalf("splitTerms words = %q, want %q", ws, want)
	}
	if !got[9].hyphen || got[8].hyphen || !got[7].stop || got[6].stop {
		t.Errorf("hyphen/stop marks wrong: %+v", got)
	}
}

// FuzzParse checks that Parse never panics, gives the same draft for the
// same text, keeps Clean's guarantees, and that what it extracts comes from
// the text: the device ID is a substring of it, the callback is "x" and
// digits found in it, and the location is a normalisation no longer than
// twice the text plus the words it adds.
func FuzzParse(f *testing.F) {
	f.Add("printer on 4 West is jammed")
	f.Add("<@U0BOT> <!channel> ```{\"json\": true}```")
	f.Add("\xff\xfe\x00")
	f.Add("4W rm 412 bed B, WOW-4W-03 won't boot, call me at x4357")
	f.Add("asset tag 004512 S/N ABC123 tag# 12345 IT-42 INC-3")
	f.Add("NICU pod C bed 4, ED bay 7, OR 5, 3rd floor, 4th floor west")
	opts := Options{Units: testUnits, Keywords: map[ticket.Category][]string{"nurse-call": {"call light"}}}
	f.Fuzz(func(t *testing.T, text string) {
		d := Parse(text, opts)
		if !utf8.ValidString(d.Text) {
			t.Fatalf("Parse kept invalid UTF-8: %q", d.Text)
		}
		if utf8.RuneCountInString(d.Text) > MaxTextRunes+1 {
			t.Fatalf("Parse kept %d runes", utf8.RuneCountInString(d.Text))
		}
		if Clean(d.Text) != d.Text && !strings.HasSuffix(d.Text, "…") {
			t.Fatalf("Clean is not idempotent on %q", d.Text)
		}
		if again := Parse(text, opts); !reflect.DeepEqual(again, d) {
			t.Fatalf("Parse is not deterministic on %q: %+v, then %+v", text, d, again)
		}
		if d.Category == "" || len(d.Categories) == 0 || d.Categories[0] != d.Category {
			t.Fatalf("Parse(%q): category %q, categories %v", text, d.Category, d.Categories)
		}
		if !strings.Contains(d.Text, d.Device) {
			t.Fatalf("Parse(%q): device %q is not in the text", text, d.Device)
		}
		if d.Callback != "" && (d.Callback[0] != 'x' || !isDigits(d.Callback[1:]) || !strings.Contains(d.Text, d.Callback[1:])) {
			t.Fatalf("Parse(%q): callback %q is not an extension from the text", text, d.Callback)
		}
		if len(d.Location) > 2*len(d.Text)+24 {
			t.Fatalf("Parse(%q): location %q longer than its source allows", text, d.Location)
		}
		p := Prioritize(d, opts)
		if p.Level < ticket.P1 || p.Level > ticket.P4 || len(p.Reasons) == 0 {
			t.Fatalf("Prioritize(%q) = %+v", text, p)
		}
		if qs := Questions(d, opts); len(qs) > MaxQuestions {
			t.Fatalf("Questions(%q) = %v", text, qs)
		}
	})
}

// typicalReport is a message of typical length and density.
const typicalReport = "barcode scanner on 4 West cart 3 won't read wristbands, med pass waiting"

func BenchmarkParse(b *testing.B) {
	opts := Options{Units: testUnits}
	b.ReportAllocs()
	for b.Loop() {
		Parse(typicalReport, opts)
	}
}

// longReport is 40,000 characters of report-like text: units, rooms,
// device IDs, callbacks and urgency words over and over.
var longReport = func() string {
	s := strings.Repeat("pyxis on 4W rm 412 wont open, stat, call x4357 about WOW-4W-03; epic slow for everyone. ", 500)
	return s[:40000]
}()

// BenchmarkParseLong is Parse on a 40,000-character message: Clean cuts it
// to MaxTextRunes first.
func BenchmarkParseLong(b *testing.B) {
	opts := Options{Units: testUnits}
	b.ReportAllocs()
	b.SetBytes(int64(len(longReport)))
	for b.Loop() {
		Parse(longReport, opts)
	}
}

// BenchmarkParseLongUncut reads all 40,000 characters, without Clean's cut,
// to show that the rules themselves cost time linear in the length.
func BenchmarkParseLongUncut(b *testing.B) {
	opts := Options{Units: testUnits}
	b.ReportAllocs()
	b.SetBytes(int64(len(longReport)))
	for b.Loop() {
		parse(longReport, opts)
	}
}

// TestParseCategoryFromFailingService pins the rules that pick the service
// that must be fixed over the words mentioned.
func TestParseCategoryFromFailingService(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	for _, c := range []struct {
		text string
		want ticket.Category
	}{
		{"Epic down in 3 North too, cannot scan meds", ticket.CategoryEHR},
		{"discharge AVS won't generate, print preview blank. other pts print fine so it's not the printer", ticket.CategoryEHR},
		{"PC004872 at Radiology reception is extremely slow, 5 min to pull up each pt", ticket.CategoryWorkstation},
		{"Duo push not arriving on my new phone so I can't get on the VPN", ticket.CategoryLogin},
		{"nurse call light in rm 410 won't turn off", ticket.CategoryOther},
		{"nurse call phones not ringing when pts press call light", ticket.CategoryPhone},
		{"wifi dead spot in rooms 620-628, scanners drop as soon as we walk in", ticket.CategoryNetwork},
		{"Please give Dr. Nguyen Dragon access and Epic order-signing privileges before Monday", ticket.CategoryAccess},
		{"Could you please grant PACS viewer access to our new sonographer in Radiology? No rush", ticket.CategoryAccess},
		{"the med rec section won't open for me, tried 3 pcs", ticket.CategoryEHR},
		{"signed in as the wrong user on the COW, can't switch user", ticket.CategoryLogin},
		{"the badge reader rejects my credentials, the printer works fine", ticket.CategoryLogin},
		{"fax line in Case Management keeps giving a busy signal", ticket.CategoryOther},
		{"TeleTracking bed board not updating dirty/clean status for 7 Tower", ticket.CategoryOther},
		{"Request: add Kelly Marsh RN to the Pyxis user list for the cath lab", ticket.CategoryAccess},
		{"I moved from MICU to CVICU, can you switch my department in Epic?", ticket.CategoryAccess},
		{"no puedo entrar a Epic, mi contraseña caducó", ticket.CategoryLogin},
		{"eligibility check just spins for every patient at the front desk", ticket.CategoryEHR},
		{"patient portal won't let mom set up proxy access", ticket.CategoryEHR},
		{"quick reg errors out, can't create new encounters", ticket.CategoryEHR},
		{"web filter is blocking the poison control site", ticket.CategoryNetwork},
		{"can't reach any website from the ED computers", ticket.CategoryNetwork},
		{"remote desktop keeps timing out from home", ticket.CategoryNetwork},
		{"cabinet refusing to give the PRN oxy even though the order is active in Epic", ticket.CategoryPharmacy},
		{"vent settings not flowing into PowerChart in MICU", ticket.CategoryDevice},
		{"temp probe readings not going into epic for rm 508", ticket.CategoryDevice},
		{"requesting Omnicell access for a travel nurse on MICU", ticket.CategoryAccess},
		{"unit iPhone in Mother Baby won't ring", ticket.CategoryPhone},
	} {
		if got := Parse(c.text, opts).Category; got != c.want {
			t.Errorf("Parse(%q).Category = %s, want %s", c.text, got, c.want)
		}
	}
}

func TestParseScopeInWords(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"epic down on the whole 6th floor",
		"wifi down on both 6N and 6S",
		"phones out in the entire clinic building",
		"network down across the whole hospital",
	} {
		if got := Parse(text, Options{Units: testUnits}).Signals.Scope; got != ScopeSite {
			t.Errorf("Parse(%q).Signals.Scope = %q, want %q", text, got, ScopeSite)
		}
	}
}

func TestParseUrgencyOfHeldMeds(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"eMAR shows 2 heparin drips, holding the drip until fixed",
		"glucometer results not in epic and insulin is due now",
		"workstation in L&D triage won't wake, pt in active labor",
		"pc in PACU dead and the pt is coming out of surgery",
	} {
		if len(Parse(text, Options{Units: testUnits}).Signals.Urgent) == 0 {
			t.Errorf("Parse(%q) found no urgency word", text)
		}
	}
}
