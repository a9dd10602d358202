package config

import (
	"regexp"
	"time"

	"carebot/ticket"
)

// defaultTimezone is the zone of the built-in defaults.
const defaultTimezone = "America/Chicago"

// Default returns the built-in configuration: enough to run carebot sandbox
// with no file, and the base a file's values are merged into. The user and
// channel IDs are sandbox placeholders. There are no self-help answers: a
// default answer would reach production whenever a file left them out, and
// its phone number would be wrong. Each call returns a new value.
func Default() *Config {
	loc, err := time.LoadLocation(defaultTimezone)
	if err != nil {
		// No zoneinfo on the host and none built in: Validate reports it.
		loc = time.UTC
	}
	return &Config{
		TicketPrefix: "IT",
		Timezone:     defaultTimezone,
		Location:     loc,
		Channels:     Channels{Summary: "C0SUMMARY"},
		Shifts: []Shift{
			{Name: "Day", Start: TimeOfDay{Hour: 7}},
			{Name: "Night", Start: TimeOfDay{Hour: 19}},
		},
		SLA: map[string]SLA{
			"P1": {Claim: 5 * time.Minute, Resolve: time.Hour},
			"P2": {Claim: 15 * time.Minute, Resolve: 4 * time.Hour},
			"P3": {Claim: time.Hour, Resolve: 24 * time.Hour},
			"P4": {Claim: 4 * time.Hour, Resolve: 72 * time.Hour},
		},
		Teams:         defaultTeams(loc),
		Units:         []string{"4 West", "5 North", "ED", "ICU", "NICU", "OR", "PACU", "L&D", "Oncology"},
		PHI:           PHI{Patterns: map[string]*regexp.Regexp{}},
		Retention:     2160 * time.Hour,
		TriageTimeout: 10 * time.Minute,
		Outage: Outage{
			Window:       10 * time.Minute,
			Reports:      5,
			DowntimeText: "Use downtime procedures; the unit's downtime binder has the forms.",
		},
	}
}

// defaultTeams are the built-in teams, their rotations anchored in loc: a
// file that sets only the time zone moves them with it.
func defaultTeams(loc *time.Location) []Team {
	start := time.Date(2026, time.January, 5, 7, 0, 0, 0, loc) // a Monday, at the Day shift
	return []Team{
		{
			ID:      "desk",
			Name:    "Service Desk",
			Channel: "C0DESK",
			Default: true,
			Categories: []ticket.Category{
				ticket.CategoryLogin, ticket.CategoryWorkstation, ticket.CategoryPrinter,
				ticket.CategoryScanner, ticket.CategoryNetwork, ticket.CategoryPhone,
				ticket.CategoryAccess, ticket.CategoryOther,
			},
			Rotation: RotationSpec{Start: start, Length: 12 * time.Hour, Members: []string{"U0SPEC1", "U0SPEC2"}},
			Escalation: []Step{
				{After: 0, Next: true},
				{After: 10 * time.Minute, Users: []string{"U0LEAD"}},
			},
			Repeat: 2,
		},
		{
			ID:      "apps",
			Name:    "Clinical Applications",
			Channel: "C0APPS",
			Categories: []ticket.Category{
				ticket.CategoryEHR, ticket.CategoryImaging, ticket.CategoryPharmacy, ticket.CategoryDevice,
			},
			Rotation: RotationSpec{Start: start, Length: 168 * time.Hour, Members: []string{"U0APPS1", "U0APPS2"}},
			Escalation: []Step{
				{After: 0, Next: true},
				{After: 5 * time.Minute, Users: []string{"U0LEAD"}},
			},
		},
	}
}
