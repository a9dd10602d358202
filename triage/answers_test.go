package triage

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAnswer(t *testing.T) {
	t.Parallel()
	opts := Options{Units: testUnits}
	tests := []struct {
		q      Question
		text   string
		want   string
		wantOK bool
	}{
		{AskCare, "yes totally blocked", "blocked", true},
		{AskCare, "yes", "blocked", true},
		{AskCare, "can't give meds", "blocked", true},
		{AskCare, "pts waiting", "blocked", true},
		{AskCare, "slow but working", "slowed", true},
		{AskCare, "we have a workaround", "slowed", true},
		{AskCare, "a little", "slowed", true},
		{AskCare, "no patients affected", "not_affected", true},
		{AskCare, "nope", "not_affected", true},
		{AskCare, "not really", "not_affected", true},
		{AskCare, "Blocked", "blocked", true},
		{AskCare, "not_affected", "not_affected", true},
		{AskCare, "asdfgh", "", false},
		{AskCare, "", "", false},

		{AskScope, "just me", "one", true},
		{AskScope, "only my pc", "one", true},
		{AskScope, "me", "one", true},
		{AskScope, "whole unit", "unit", true},
		{AskScope, "everyone on 4W", "unit", true},
		{AskScope, "our unit", "unit", true},
		{AskScope, "4 West", "unit", true},
		{AskScope, "all floors", "several_units", true},
		{AskScope, "the whole hospital", "several_units", true},
		{AskScope, "4W and 5N", "several_units", true},
		{AskScope, "several_units", "several_units", true},
		{AskScope, "qwerty", "", false},

		{AskLocation, "4W rm 12", "4 West, room 12", true},
		{AskLocation, "4W 12", "4 West, room 12", true},
		{AskLocation, "icu bed 3", "ICU, bed 3", true},
		{AskLocation, "room 412B", "room 412, bed B", true},
		{AskLocation, "ED bay 7", "ED bay 7", true},
		{AskLocation, "NICU pod c", "NICU pod C", true},
		{AskLocation, "3rd floor", "floor 3", true},
		{AskLocation, "412", "room 412", true},
		{AskLocation, "blah", "", false},

		{AskDevice, "PC004512", "PC004512", true},
		{AskDevice, "it's WOW-4W-03", "WOW-4W-03", true},
		{AskDevice, "004512", "004512", true},
		{AskDevice, "tag says 12345", "12345", true},
		{AskDevice, "skip", "", true},
		{AskDevice, "don't know", "", true},
		{AskDevice, "no sticker on it", "", true},
		{AskDevice, "zzz", "", false},
		{AskDevice, "x4357", "", false},

		{"bogus", "yes", "", false},
	}
	for _, tt := range tests {
		got, ok := Answer(tt.q, tt.text, opts)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Answer(%s, %q) = %q, %v; want %q, %v", tt.q, tt.text, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestWith(t *testing.T) {
	t.Parallel()
	base := Draft{Category: "printer", Location: "4 West", Device: "PRN-1"}
	tests := []struct {
		q     Question
		value string
		check func(Draft) bool
	}{
		{AskCare, "blocked", func(d Draft) bool { return d.Signals.Care == CareBlocked }},
		{AskCare, " Slowed ", func(d Draft) bool { return d.Signals.Care == CareSlowed }},
		{AskCare, "not_affected", func(d Draft) bool { return d.Signals.Care == CareNone }},
		{AskCare, "maybe", func(d Draft) bool { return d.Signals.Care == CareUnknown }},
		{AskScope, "one", func(d Draft) bool { return d.Signals.Scope == ScopeOne }},
		{AskScope, "unit", func(d Draft) bool { return d.Signals.Scope == ScopeUnit }},
		{AskScope, "several_units", func(d Draft) bool { return d.Signals.Scope == ScopeSite }},
		{AskScope, "everyone", func(d Draft) bool { return d.Signals.Scope == ScopeUnknown }},
		{AskLocation, "ICU, room 4", func(d Draft) bool { return d.Location == "ICU, room 4" }},
		{AskLocation, "", func(d Draft) bool { return d.Location == "4 West" }},
		{AskDevice, "PC-9", func(d Draft) bool { return d.Device == "PC-9" }},
		{AskDevice, "", func(d Draft) bool { return d.Device == "PRN-1" }}, // skipped
		{"bogus", "blocked", func(d Draft) bool { return d.Signals.Care == CareUnknown }},
	}
	for _, tt := range tests {
		d := base.With(tt.q, tt.value)
		if !tt.check(d) {
			t.Errorf("With(%s, %q) = %+v", tt.q, tt.value, d)
		}
	}
	if base.Signals.Care != CareUnknown || base.Location != "4 West" {
		t.Errorf("With changed the draft it was called on: %+v", base)
	}
}

// FuzzAnswer checks that Answer never panics, answers the same way twice,
// and returns only values With takes: a Care or Scope value, a location, a
// device ID from the text (or "" for a skip).
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{"yes totally blocked", "just me", "4W rm 12", "skip", "PC004512", "\xff", "<@U1> 412B", "no"} {
		f.Add(s)
	}
	opts := Options{Units: testUnits}
	f.Fuzz(func(t *testing.T, text string) {
		for _, q := range []Question{AskCare, AskScope, AskLocation, AskDevice} {
			v, ok := Answer(q, text, opts)
			if v2, ok2 := Answer(q, text, opts); v2 != v || ok2 != ok {
				t.Fatalf("Answer(%s, %q) not deterministic", q, text)
			}
			if !ok {
				if v != "" {
					t.Fatalf("Answer(%s, %q) = %q with ok false", q, text, v)
				}
				continue
			}
			if !utf8.ValidString(v) {
				t.Fatalf("Answer(%s, %q) = invalid UTF-8 %q", q, text, v)
			}
			switch q {
			case AskCare:
				if c := Care(v); c != CareBlocked && c != CareSlowed && c != CareNone {
					t.Fatalf("Answer(care, %q) = %q", text, v)
				}
			case AskScope:
				if s := Scope(v); s != ScopeOne && s != ScopeUnit && s != ScopeSite {
					t.Fatalf("Answer(scope, %q) = %q", text, v)
				}
			case AskLocation:
				if v == "" || len(v) > 2*len(text)+24 {
					t.Fatalf("Answer(location, %q) = %q", text, v)
				}
			case AskDevice:
				if !strings.Contains(Clean(text), v) {
					t.Fatalf("Answer(device, %q) = %q, not from the text", text, v)
				}
			}
			d := Draft{}.With(q, v)
			if q == AskCare && d.Signals.Care != Care(v) || q == AskScope && d.Signals.Scope != Scope(v) {
				t.Fatalf("With(%s, %q) did not apply", q, v)
			}
		}
	})
}

func TestUnsureRepliesAreNoAnswer(t *testing.T) {
	t.Parallel()
	for _, q := range []Question{AskCare, AskScope} {
		for _, text := range []string{"I don't know", "i think so", "no idea", "not sure tbh", "?", "dunno", "maybe"} {
			if v, ok := Answer(q, text, Options{}); ok {
				t.Errorf("Answer(%s, %q) = %q; a guess must leave the question open", q, text, v)
			}
		}
	}
	if v, ok := Answer(AskScope, "just me", Options{}); !ok || v != string(ScopeOne) {
		t.Errorf("Answer(scope, just me) = %q, %v", v, ok)
	}
}
