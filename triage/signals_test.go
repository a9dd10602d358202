package triage

import (
	"slices"
	"testing"
)

func TestParseCare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want Care
	}{
		// Said outright.
		{"patient care blocked", CareBlocked},
		{"epic down, no workaround", CareBlocked},
		{"we have a workaround", CareSlowed},
		{"using the other pyxis for now", CareSlowed},
		{"having to handwrite labels", CareSlowed},
		{"printer jammed, not urgent", CareNone},
		{"no patients affected", CareNone},
		// Read from the words.
		{"can't give meds", CareBlocked},
		{"cant pass meds on 4W", CareBlocked},
		{"scanner not scanning meds", CareBlocked},
		{"won't read wristbands", CareBlocked},
		{"unable to document", CareBlocked},
		{"cant chart on my pt", CareBlocked},
		{"pt labels not printing", CareBlocked},
		{"pyxis frozen and I need to give insulin", CareBlocked},
		{"epic down for the whole unit", CareBlocked},
		{"epic slow", CareSlowed},
		{"wifi intermittent", CareSlowed},
		// Nothing said.
		{"printer jammed", CareUnknown},
		{"epic freezing whenever I open the MAR", CareUnknown},
		{"cant find it in the list", CareUnknown},
		{"cant sign in to epic", CareUnknown},
		// A workaround beats a block read from the words; an outright block
		// beats a workaround.
		{"cant scan meds, using manual override", CareSlowed},
		{"no workaround, using paper is impossible", CareBlocked},
		// "not urgent" is no urgency word and no negation.
		{"not urgent: cant see the pts notes", CareNone},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{Units: testUnits}).Signals.Care; got != tt.want {
			t.Errorf("Parse(%q).Signals.Care = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want Scope
	}{
		{"just me", ScopeOne},
		{"my pc only, others are fine", ScopeOne},
		{"vpn wont connect from home", ScopeOne},
		{"my vocera wont connect", ScopeUnknown}, // "my" alone says nothing
		{"whole unit cant print", ScopeUnit},
		{"everyone on 4W", ScopeUnit},
		{"nobody can log in", ScopeUnit},
		{"every computer is frozen", ScopeUnit},
		{"all the scanners stopped", ScopeUnit},
		{"wireless is out in the entire ED", ScopeUnit},
		{"epic is down in L&D", ScopeUnit},
		{"tele not showing rm 401-410", ScopeUnit},
		{"whole hospital", ScopeSite},
		{"entire hospital network down", ScopeSite},
		{"all floors", ScopeSite},
		{"ICU pyxis and 4W pyxis both", ScopeSite},
		{"imprivata says server not available", ScopeSite},
		{"printer jammed", ScopeUnknown},
		// A second unit named as a way round is not a second unit affected.
		{"printer on 4W won't print, we use the printer on 5N instead", ScopeUnknown},
		{"transferred from 4W to ICU", ScopeUnknown},
		// The widest statement wins.
		{"not just me, whole floor", ScopeSite}, // a floor holds several units
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{Units: testUnits}).Signals.Scope; got != tt.want {
			t.Errorf("Parse(%q).Signals.Scope = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestParseUrgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want []string
	}{
		{"STAT", []string{"stat"}},
		{"code blue in 418, monitor down", []string{"code blue"}},
		{"we have a code, pyxis frozen", []string{"code"}},
		{"rapid response nurse pager dead", []string{"rapid response"}},
		{"RRT pager dead", []string{"rapid response"}},
		{"pts waiting", []string{"patients waiting"}},
		{"10 patients in the waiting room", []string{"patients waiting"}},
		{"med pass in 10 min, stat", []string{"med pass", "stat"}},
		{"cant pull meds for 0900 pass", []string{"med pass"}},
		{"chemo due at 1000", []string{"meds due"}},
		{"OR waiting on images", []string{"or waiting"}},
		{"case waiting", []string{"or waiting"}},
		{"surgery delayed", []string{"surgery delayed"}},
		{"lab waiting on draws", []string{"staff waiting"}},
		{"pt hemorrhaging", []string{"hemorrhage"}},
		{"epic down hospital wide", []string{"outage"}},
		// Not urgency words.
		{"not urgent", nil},
		{"error code 1603", nil},
		{"barcode scanner", nil},
		{"zip code", nil},
		{"status page", nil},
	}
	for _, tt := range tests {
		if got := Parse(tt.text, Options{Units: testUnits}).Signals.Urgent; !slices.Equal(got, tt.want) {
			t.Errorf("Parse(%q).Signals.Urgent = %q, want %q", tt.text, got, tt.want)
		}
	}
}
