package triage

import (
	"slices"
	"testing"

	"carebot/ticket"
)

func TestQuestions(t *testing.T) {
	t.Parallel()
	located := func(d Draft) Draft { d.Location = "4 West"; return d }
	tagged := func(d Draft) Draft { d.Device = "PC-1"; return d }
	tests := []struct {
		name string
		d    Draft
		want []Question
	}{
		{"everything open: the first three, in order", draft(ticket.CategoryPrinter, "", ""),
			[]Question{AskCare, AskScope, AskLocation}},
		{"care and scope known", draft(ticket.CategoryPrinter, ScopeOne, CareSlowed),
			[]Question{AskLocation, AskDevice}},
		{"only the device open", located(draft(ticket.CategoryScanner, ScopeUnit, CareSlowed)),
			[]Question{AskDevice}},
		{"device asked for hardware only", located(draft(ticket.CategoryEHR, ScopeUnit, "")),
			[]Question{AskCare}},
		{"no device question once tagged", tagged(located(draft(ticket.CategoryWorkstation, "", CareSlowed))),
			[]Question{AskScope}},
		{"nothing open", tagged(located(draft(ticket.CategoryPhone, ScopeOne, CareNone))), nil},
		{"access requests: care only", draft(ticket.CategoryAccess, "", ""), []Question{AskCare}},
		{"P1 signals: nothing asked", draft(ticket.CategoryEHR, ScopeUnit, CareBlocked), nil},
		{"P1 from unknown scope and urgency words", Draft{Category: ticket.CategoryNetwork, Text: "wifi down, code blue"}, nil},
	}
	for _, tt := range tests {
		got := Questions(tt.d, Options{})
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Questions = %v, want %v", tt.name, got, tt.want)
		}
		if len(got) > MaxQuestions {
			t.Errorf("%s: %d questions", tt.name, len(got))
		}
	}
}

// TestQuestionsAfterAnswers walks one report through its questions: each
// answer closes its question and none is asked twice.
func TestQuestionsAfterAnswers(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	d := Parse("label printer jammed", opts)
	answers := map[Question]string{AskCare: "slow, using the other one", AskScope: "just me", AskLocation: "4W rm 12", AskDevice: "PRN-4W-2"}
	var asked []Question
	for range 5 {
		qs := Questions(d, opts)
		if len(qs) == 0 {
			break
		}
		q := qs[0]
		if slices.Contains(asked, q) {
			t.Fatalf("%s asked twice", q)
		}
		asked = append(asked, q)
		v, ok := Answer(q, answers[q], opts)
		if !ok {
			t.Fatalf("Answer(%s, %q) not understood", q, answers[q])
		}
		d = d.With(q, v)
	}
	if want := []Question{AskCare, AskScope, AskLocation, AskDevice}; !slices.Equal(asked, want) {
		t.Errorf("asked %v, want %v", asked, want)
	}
	if d.Location != "4 West, room 12" || d.Device != "PRN-4W-2" || d.Signals.Care != CareSlowed || d.Signals.Scope != ScopeOne {
		t.Errorf("answered draft = %+v", d)
	}
	if p := Prioritize(d, opts).Level; p != ticket.P4 {
		t.Errorf("priority %s, want P4", p)
	}
}
