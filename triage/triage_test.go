package triage

import (
	"strings"
	"testing"
	"unicode/utf8"

	"carebot/ticket"
)

func TestParseCategory(t *testing.T) {
	t.Parallel()
	opts := Options{Units: []string{"4 West", "ICU", "L&D"}}
	tests := []struct {
		text     string
		category ticket.Category
		location string
	}{
		{"printer on 4 West is jammed", ticket.CategoryPrinter, "4 West"},
		{"barcode scanner on 4 West cart 3 won't read wristbands, med pass waiting", ticket.CategoryScanner, "4 West"},
		{"Epic is frozen, can't chart", ticket.CategoryEHR, ""},
		{"locked out of my account again", ticket.CategoryLogin, ""},
		{"Pyxis in ICU won't open drawer", ticket.CategoryPharmacy, "ICU"},
		{"wifi keeps dropping in L&D", ticket.CategoryNetwork, "L&D"},
		{"my vocera won't connect", ticket.CategoryPhone, ""},
		{"PACS viewer won't load images", ticket.CategoryImaging, ""},
		{"infusion pump not sending to chart", ticket.CategoryDevice, ""},
		{"need access for a new hire", ticket.CategoryAccess, ""},
		{"the WOW in room 12 is dead", ticket.CategoryWorkstation, ""},
		{"something is wrong", ticket.CategoryOther, ""},
		{"", ticket.CategoryOther, ""},
		// A configured unit must match whole words, not inside others.
		{"quick question about ICUs", ticket.CategoryOther, ""},
	}
	for _, tt := range tests {
		d := Parse(tt.text, opts)
		if d.Category != tt.category || d.Location != tt.location {
			t.Errorf("Parse(%q) = %s/%q, want %s/%q", tt.text, d.Category, d.Location, tt.category, tt.location)
		}
	}
}

func TestParseConfigKeywords(t *testing.T) {
	t.Parallel()
	opts := Options{Keywords: map[ticket.Category][]string{
		ticket.CategoryPharmacy: {"medstation"},
		"nurse-call":            {"call light"},
	}}
	if d := Parse("medstation is stuck", opts); d.Category != ticket.CategoryPharmacy {
		t.Errorf("config keyword for built-in: got %s", d.Category)
	}
	if d := Parse("call light in room 4 keeps ringing", opts); d.Category != "nurse-call" {
		t.Errorf("config-defined category: got %s", d.Category)
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

func FuzzParse(f *testing.F) {
	f.Add("printer on 4 West is jammed")
	f.Add("<@U0BOT> <!channel> ```{\"json\": true}```")
	f.Add("\xff\xfe\x00")
	f.Fuzz(func(t *testing.T, text string) {
		d := Parse(text, Options{Units: []string{"4 West"}})
		if !utf8.ValidString(d.Text) {
			t.Fatalf("Parse kept invalid UTF-8: %q", d.Text)
		}
		if utf8.RuneCountInString(d.Text) > MaxTextRunes+1 {
			t.Fatalf("Parse kept %d runes", utf8.RuneCountInString(d.Text))
		}
		if Clean(d.Text) != d.Text && !strings.HasSuffix(d.Text, "…") {
			t.Fatalf("Clean is not idempotent on %q", d.Text)
		}
	})
}
