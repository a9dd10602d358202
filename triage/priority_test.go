package triage

import (
	"slices"
	"strings"
	"testing"

	"carebot/ticket"
)

// draft builds a draft with the given category, scope and care.
func draft(c ticket.Category, scope Scope, care Care) Draft {
	return Draft{Category: c, Signals: Signals{Scope: scope, Care: care}}
}

func TestPrioritize(t *testing.T) {
	t.Parallel()
	const (
		ehr      = ticket.CategoryEHR      // high impact
		printer  = ticket.CategoryPrinter  // medium impact
		scanner  = ticket.CategoryScanner  // medium impact
		access   = ticket.CategoryAccess   // low impact
		pharmacy = ticket.CategoryPharmacy // high impact
		ws       = ticket.CategoryWorkstation
	)
	withText := func(d Draft, text string) Draft { d.Text = text; return d }
	withLoc := func(d Draft, loc string) Draft { d.Location = loc; return d }
	withUrgent := func(d Draft, u ...string) Draft { d.Signals.Urgent = u; return d }
	tests := []struct {
		name string
		d    Draft
		want ticket.Priority
	}{
		// The matrix, with a unit affected.
		{"high impact, care blocked", draft(ehr, ScopeUnit, CareBlocked), ticket.P1},
		{"high impact, care slowed", draft(ehr, ScopeUnit, CareSlowed), ticket.P2},
		{"high impact, care not affected", draft(ehr, ScopeUnit, CareNone), ticket.P3},
		{"medium impact, care blocked", draft(printer, ScopeUnit, CareBlocked), ticket.P2},
		{"medium impact, care slowed", draft(printer, ScopeUnit, CareSlowed), ticket.P3},
		{"medium impact, care not affected", draft(printer, ScopeUnit, CareNone), ticket.P4},
		{"low impact, care blocked", draft(ticket.CategoryOther, ScopeUnit, CareBlocked), ticket.P3},
		{"low impact, care slowed", draft(ticket.CategoryOther, ScopeUnit, CareSlowed), ticket.P4},
		// Scope: several units raise impact to high; one person lowers it a step.
		{"several units raise a medium service", draft(printer, ScopeSite, CareSlowed), ticket.P2},
		{"several units and blocked", draft(printer, ScopeSite, CareBlocked), ticket.P1},
		{"one person lowers a medium service", draft(printer, ScopeOne, CareSlowed), ticket.P4},
		{"one person lowers a high service to medium", draft(ehr, ScopeOne, CareSlowed), ticket.P3},
		{"one person, blocked, medium service", draft(scanner, ScopeOne, CareBlocked), ticket.P3},
		// When unsure the higher priority wins.
		{"unknown care counts as blocked", draft(ehr, ScopeUnit, CareUnknown), ticket.P1},
		{"unknown scope counts as a unit", draft(ehr, ScopeUnknown, CareBlocked), ticket.P1},
		{"both unknown", draft(printer, ScopeUnknown, CareUnknown), ticket.P2},
		// Several units on a high-impact service are a care outage.
		{"several units, high service, slowed", draft(ehr, ScopeSite, CareSlowed), ticket.P1},
		{"several units, high service, not affected", draft(ehr, ScopeSite, CareNone), ticket.P3},
		{"several units, medium service, slowed", draft(printer, ScopeSite, CareSlowed), ticket.P2},
		{"unknown care with urgency words counts as blocked", withUrgent(draft(printer, ScopeUnknown, CareUnknown), "stat"), ticket.P2},
		// Urgency words make urgency high whatever the care answer.
		{"urgency words over a slowed answer", withUrgent(draft(printer, ScopeUnit, CareSlowed), "med pass"), ticket.P2},
		{"urgency words over not affected", withUrgent(draft(ehr, ScopeUnit, CareNone), "code blue"), ticket.P1},
		{"urgency words read from the text", withText(draft(ehr, ScopeUnit, CareSlowed), "epic slow, pts waiting"), ticket.P1},
		// Printers and workstations in clinical areas, care blocked: at least P2.
		{"printer, one person, blocked, location known", withLoc(draft(printer, ScopeOne, CareBlocked), "4 West"), ticket.P2},
		{"printer, one person, blocked, wristbands", withText(draft(printer, ScopeOne, CareBlocked), "cant print wristbands"), ticket.P2},
		{"workstation, one person, blocked, location known", withLoc(draft(ws, ScopeOne, CareBlocked), "ICU, room 4"), ticket.P2},
		{"workstation, one person, urgency words, location known", withUrgent(withLoc(draft(ws, ScopeOne, CareUnknown), "L&D"), "active labor"), ticket.P2},
		{"printer, one person, blocked, no clinical area", withText(draft(printer, ScopeOne, CareBlocked), "cant print my timesheet"), ticket.P3},
		{"printer, one person, slowed, location known", withLoc(draft(printer, ScopeOne, CareSlowed), "4 West"), ticket.P4},
		{"scanners at the bedside too", withLoc(draft(scanner, ScopeOne, CareBlocked), "4 West"), ticket.P2},
		{"signing in at the bedside too", withUrgent(withLoc(draft(ticket.CategoryLogin, ScopeOne, CareUnknown), "ICU"), "meds due"), ticket.P2},
		{"the rule is for the bedside's tools only", withLoc(draft(ticket.CategoryPhone, ScopeOne, CareBlocked), "4 West"), ticket.P3},
		// The requester's answers never take a service below what it sets
		// alone (high impact: P3).
		{"high impact, one person, not affected", draft(ehr, ScopeOne, CareNone), ticket.P3},
		{"high impact, not urgent", withText(draft(pharmacy, ScopeOne, CareNone), "pyxis receipt printer, not urgent"), ticket.P3},
		{"medium impact, one person, not affected", draft(printer, ScopeOne, CareNone), ticket.P4},
		// A failing patient-safety call or alarm is at least P2.
		{"nurse call down", withText(draft(ticket.CategoryOther, ScopeUnit, CareUnknown), "nurse call lights not showing at the desk"), ticket.P2},
		{"bed exit alarm, not affected", withText(draft(ticket.CategoryOther, ScopeOne, CareNone), "bed exit alarm chimes too loud, not urgent"), ticket.P4},
		// Access requests are never above P3.
		{"access, several units, blocked", draft(access, ScopeSite, CareBlocked), ticket.P3},
		{"access, stat", withUrgent(draft(access, ScopeUnit, CareUnknown), "stat"), ticket.P3},
		{"access, plain request", draft(access, ScopeUnknown, CareUnknown), ticket.P3},
		{"access, not affected", draft(access, ScopeOne, CareNone), ticket.P4},
	}
	for _, tt := range tests {
		if got := Prioritize(tt.d, Options{}); got.Level != tt.want {
			t.Errorf("%s: Prioritize = %s (%s), want %s", tt.name, got.Level, strings.Join(got.Reasons, " · "), tt.want)
		}
	}
}

// TestOutage pins which reports skip the questions: those whose own words
// make them P1. Unknown care counts as slowed there, so a vague report is
// asked before anyone is paged, though its priority counts it as blocked.
func TestOutage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    Draft
		want bool
	}{
		{draft(ticket.CategoryEHR, ScopeUnit, CareBlocked), true},
		{draft(ticket.CategoryEHR, ScopeSite, CareUnknown), true},
		{draft(ticket.CategoryEHR, ScopeUnit, CareUnknown), false},
		{draft(ticket.CategoryPrinter, ScopeSite, CareUnknown), false},
	} {
		if got := Outage(tc.d, Options{}); got != tc.want {
			t.Errorf("Outage(%s, %s, %q) = %v, want %v", tc.d.Category, tc.d.Signals.Scope, tc.d.Signals.Care, got, tc.want)
		}
	}
	if d := draft(ticket.CategoryEHR, ScopeUnit, CareUnknown); Prioritize(d, Options{}).Level != ticket.P1 || len(Questions(d, Options{})) == 0 {
		t.Error("a unit-wide EHR report of unknown care must be P1 until answered, and still be asked")
	}
}

func TestPrioritizeConfiguredImpact(t *testing.T) {
	t.Parallel()
	opts := Options{Impacts: map[ticket.Category]Impact{
		ticket.CategoryPrinter: ImpactHigh,
		"nurse-call":           ImpactHigh,
		ticket.CategoryEHR:     "bogus", // ignored: the built-in impact stays
	}}
	tests := []struct {
		d    Draft
		want ticket.Priority
	}{
		{draft(ticket.CategoryPrinter, ScopeUnit, CareBlocked), ticket.P1},
		{draft("nurse-call", ScopeUnit, CareBlocked), ticket.P1},
		{draft("unconfigured", ScopeUnit, CareBlocked), ticket.P3}, // low
		{draft(ticket.CategoryEHR, ScopeUnit, CareBlocked), ticket.P1},
	}
	for _, tt := range tests {
		if got := Prioritize(tt.d, opts).Level; got != tt.want {
			t.Errorf("Prioritize(%s) = %s, want %s", tt.d.Category, got, tt.want)
		}
	}
}

func TestPrioritizeReasons(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    Draft
		want []string
	}{
		{draft(ticket.CategoryEHR, ScopeUnit, CareBlocked), []string{"EHR is high impact", "unit-wide", "patient care blocked"}},
		{draft(ticket.CategoryPrinter, ScopeUnknown, CareUnknown), []string{"Printer is medium impact", "scope unknown, counted as unit-wide", "patient care unknown, counted as blocked"}},
		{Draft{Category: ticket.CategoryScanner, Text: "med pass waiting", Signals: Signals{Scope: ScopeOne}},
			[]string{"Barcode scanner is medium impact", "one person", "urgent: med pass"}},
		{draft(ticket.CategoryEHR, ScopeOne, CareNone), []string{"EHR is high impact", "one person", "patient care not affected", "high service: at least P3"}},
		{draft(ticket.CategoryAccess, ScopeSite, CareBlocked), []string{"Access request is low impact", "several units", "patient care blocked", "access request: at most P3"}},
	}
	for _, tt := range tests {
		if got := Prioritize(tt.d, Options{}).Reasons; !slices.Equal(got, tt.want) {
			t.Errorf("Prioritize(%+v).Reasons = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestPrioritizeRebuiltDraft checks that a draft rebuilt from a stored
// ticket (no Urgent words kept) gets the same priority as the parsed one.
func TestPrioritizeRebuiltDraft(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	for _, text := range []string{
		"barcode scanner on 4 West cart 3 won't read wristbands, med pass waiting",
		"epic down hospital wide",
		"printer jammed in ICU, pts waiting for wristbands",
	} {
		d := Parse(text, opts)
		rebuilt := Draft{Text: d.Text, Category: d.Category, Location: d.Location,
			Signals: Signals{Care: d.Signals.Care, Scope: d.Signals.Scope}}
		if a, b := Prioritize(d, opts), Prioritize(rebuilt, opts); a.Level != b.Level {
			t.Errorf("%q: parsed %s, rebuilt %s", text, a.Level, b.Level)
		}
	}
}
