package triage

import "testing"

func TestMatchSelfHelp(t *testing.T) {
	t.Parallel()
	opts := Options{SelfHelp: []SelfHelpEntry{
		{Keywords: []string{"password", "reset"}, Answer: "portal"},
		{Keywords: []string{"print queue"}, Answer: "queue"},
		{Keywords: []string{"Reset"}, Answer: "never: the first entry matches first"},
	}}
	tests := []struct {
		text   string
		want   string
		wantOK bool
	}{
		{"my password expired", "portal", true},
		{"please reset my badge", "portal", true},
		{"pasword expired", "portal", true}, // a misspelling triage knows
		{"stuck in the print queue", "queue", true},
		{"print jobs queue up", "", false}, // a phrase needs its words together
		{"resetting the printer", "", false},
		{"printer jammed", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := MatchSelfHelp(Draft{Text: tt.text}, opts)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("MatchSelfHelp(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.wantOK)
		}
	}
	if _, ok := MatchSelfHelp(Draft{Text: "password"}, Options{}); ok {
		t.Error("matched with no self-help configured")
	}
}
