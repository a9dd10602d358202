package triage

import (
	"slices"
	"testing"

	"carebot/ticket"
)

func TestChoices(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want []ticket.Category
	}{
		// Close: the scanner or the EHR the scan goes to.
		{"cant scan meds, epic keeps freezing", []ticket.Category{ticket.CategoryScanner, ticket.CategoryEHR}},
		// Clear: one thing named, or one far ahead.
		{"label printer on 4 West keeps jamming", nil},
		{"printer wont print from epic", nil},
		{"", nil},
	} {
		d := Parse(tc.text, Options{})
		if got := d.Choices(); !slices.Equal(got, tc.want) {
			t.Errorf("Choices(%q) = %v, want %v (scores %v)", tc.text, got, tc.want, d.Scores)
		}
	}
}

func TestChoicesRule(t *testing.T) {
	t.Parallel()
	draft := func(a, b CategoryScore) Draft { return Draft{Scores: []CategoryScore{a, b}} }
	ehr := func(n int) CategoryScore { return CategoryScore{ticket.CategoryEHR, n} }
	scanner := func(n int) CategoryScore { return CategoryScore{ticket.CategoryScanner, n} }
	for _, tc := range []struct {
		d    Draft
		want bool
	}{
		{draft(ehr(4), scanner(3)), true},                              // one nudge apart
		{draft(ehr(8), scanner(6)), true},                              // three quarters of the best
		{draft(ehr(8), scanner(5)), false},                             // a clear lead
		{draft(ehr(3), scanner(2)), false},                             // the runner-up names no thing
		{draft(ehr(4), CategoryScore{ticket.CategoryOther, 4}), false}, // other is never offered
		{Draft{Scores: []CategoryScore{ehr(5)}}, false},
	} {
		if got := tc.d.Choices() != nil; got != tc.want {
			t.Errorf("Choices(%v) offered = %v, want %v", tc.d.Scores, got, tc.want)
		}
	}
}

func TestQuestionsAskCategoryFirst(t *testing.T) {
	t.Parallel()
	d := Parse("cant scan meds, epic keeps freezing", Options{})
	qs := Questions(d, Options{})
	if len(qs) == 0 || qs[0] != AskCategory {
		t.Fatalf("Questions = %v, want the category first", qs)
	}
	chosen := d.With(AskCategory, "ehr")
	if chosen.Category != ticket.CategoryEHR || chosen.Choices() != nil || len(chosen.Scores) != 0 {
		t.Fatalf("after choosing ehr: %s, choices %v", chosen.Category, chosen.Choices())
	}
	if qs := Questions(chosen, Options{}); slices.Contains(qs, AskCategory) {
		t.Errorf("Questions after the choice = %v; the category is known", qs)
	}
	// A P1 report is never held up, not even by this question.
	p1 := Parse("cant scan meds on 4 West or 5 West, epic keeps freezing, whole floor", Options{})
	if p1.Choices() == nil || Prioritize(p1, Options{}).Level != ticket.P1 {
		t.Fatalf("want a close P1 draft to test with; got choices %v, %s", p1.Choices(), Prioritize(p1, Options{}).Level)
	}
	if qs := Questions(p1, Options{}); len(qs) != 0 {
		t.Errorf("a P1 report was asked %v", qs)
	}
}

func TestAnswerCategory(t *testing.T) {
	t.Parallel()
	choices := []ticket.Category{ticket.CategoryScanner, ticket.CategoryEHR}
	for _, tc := range []struct {
		text string
		want ticket.Category
		ok   bool
	}{
		{"epic", ticket.CategoryEHR, true},
		{"its the scanner", ticket.CategoryScanner, true},
		{"the barcode reader, epic works", ticket.CategoryScanner, true},
		{"the second one", ticket.CategoryEHR, true},
		{"1", ticket.CategoryScanner, true},
		{"not sure", ticket.CategoryScanner, true}, // a shrug keeps the best guess
		{"both", ticket.CategoryScanner, true},
		{"on 4 west", "", false},
		{"the printer", "", false}, // not one offered
	} {
		got, ok := AnswerCategory(tc.text, choices, Options{})
		if got != tc.want || ok != tc.ok {
			t.Errorf("AnswerCategory(%q) = %q, %v; want %q, %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := AnswerCategory("epic", nil, Options{}); ok {
		t.Error("an answer with nothing offered was taken")
	}
}

// FuzzChoices checks that the category question is only ever offered
// between two different categories, neither of them other, and that an
// answer to it is always one of them.
func FuzzChoices(f *testing.F) {
	for _, s := range []string{"cant scan meds, epic keeps freezing", "epic", "the second one", "\xff", "printer or scanner or epic"} {
		f.Add(s)
	}
	opts := Options{Units: testUnits}
	f.Fuzz(func(t *testing.T, text string) {
		d := Parse(text, opts)
		ch := d.Choices()
		if ch != nil && (len(ch) != 2 || ch[0] == ch[1] || slices.Contains(ch, ticket.CategoryOther) || ch[0] != d.Category) {
			t.Fatalf("Choices(%q) = %v, category %s", text, ch, d.Category)
		}
		if ch == nil {
			ch = []ticket.Category{ticket.CategoryEHR, ticket.CategoryScanner}
		}
		if c, ok := AnswerCategory(text, ch, opts); ok != slices.Contains(ch, c) || !ok && c != "" {
			t.Fatalf("AnswerCategory(%q, %v) = %q, %v", text, ch, c, ok)
		}
	})
}
