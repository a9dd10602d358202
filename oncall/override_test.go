package oncall

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"carebot/ticket"
)

// stretch writes an OnCall as "USER[*] SINCE-UNTIL" with local clock times
// and zone abbreviations, * marking an override.
func stretch(oc OnCall) string {
	star := ""
	if oc.Override {
		star = "*"
	}
	return fmt.Sprintf("%s%s %s-%s", oc.User, star, clock(oc.Since), clock(oc.Until))
}

func clock(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.Format("Jan 2 15:04 MST")
}

func TestScheduleAt(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	at := func(s string) time.Time { return local(t, chicago, s) }
	ov := func(user, start, end string) Override { return Override{User: user, Start: at(start), End: at(end)} }
	daily := Rotation{Start: at("2026-11-23T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B", "C"}, Loc: chicago}
	spring := Rotation{Start: at("2026-03-01T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B"}, Loc: chicago}
	fall := Rotation{Start: at("2026-10-25T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B"}, Loc: chicago}

	tests := []struct {
		name      string
		rotation  Rotation
		overrides []Override
		at        time.Time
		want      string
	}{
		{"rotation alone", daily, nil, at("2026-11-23T10:00"),
			"A Nov 23 07:00 CST-Nov 23 19:00 CST"},
		{"handoff instant belongs to the next member", daily, nil, at("2026-11-23T19:00"),
			"B Nov 23 19:00 CST-Nov 24 07:00 CST"},
		{"rotation until an override starts", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T08:00"),
			"A Nov 23 07:00 CST-Nov 23 09:00 CST"},
		{"override in effect", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T10:00"),
			"X* Nov 23 09:00 CST-Nov 23 11:00 CST"},
		{"override starts at its Start", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T09:00"),
			"X* Nov 23 09:00 CST-Nov 23 11:00 CST"},
		{"rotation resumes at the override's End", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T11:00"),
			"A Nov 23 11:00 CST-Nov 23 19:00 CST"},
		{"override for the member on turn is still an override", daily, []Override{ov("A", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T11:30"),
			"A Nov 23 11:00 CST-Nov 23 19:00 CST"},
		{"override spans a handoff without a break", daily, []Override{ov("X", "2026-11-23T17:00", "2026-11-23T21:00")}, at("2026-11-23T18:00"),
			"X* Nov 23 17:00 CST-Nov 23 21:00 CST"},
		{"after an override across a handoff, the new turn", daily, []Override{ov("X", "2026-11-23T17:00", "2026-11-23T21:00")}, at("2026-11-23T21:00"),
			"B Nov 23 21:00 CST-Nov 24 07:00 CST"},
		{"override ending exactly at a handoff: last minute", daily, []Override{ov("X", "2026-11-23T15:00", "2026-11-23T19:00")}, at("2026-11-23T18:59"),
			"X* Nov 23 15:00 CST-Nov 23 19:00 CST"},
		{"override ending exactly at a handoff: next member takes over", daily, []Override{ov("X", "2026-11-23T15:00", "2026-11-23T19:00")}, at("2026-11-23T19:00"),
			"B Nov 23 19:00 CST-Nov 24 07:00 CST"},

		{"nested: inner wins", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T17:00"), ov("Y", "2026-11-23T12:00", "2026-11-23T13:00")}, at("2026-11-23T12:30"),
			"Y* Nov 23 12:00 CST-Nov 23 13:00 CST"},
		{"nested: outer until the inner starts", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T17:00"), ov("Y", "2026-11-23T12:00", "2026-11-23T13:00")}, at("2026-11-23T10:00"),
			"X* Nov 23 09:00 CST-Nov 23 12:00 CST"},
		{"nested: outer again after the inner", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T17:00"), ov("Y", "2026-11-23T12:00", "2026-11-23T13:00")}, at("2026-11-23T13:00"),
			"X* Nov 23 13:00 CST-Nov 23 17:00 CST"},
		{"nested, listed inner first", daily, []Override{ov("Y", "2026-11-23T12:00", "2026-11-23T13:00"), ov("X", "2026-11-23T09:00", "2026-11-23T17:00")}, at("2026-11-23T12:59"),
			"Y* Nov 23 12:00 CST-Nov 23 13:00 CST"},
		{"partial: later start wins the overlap", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T13:00"), ov("Y", "2026-11-23T12:00", "2026-11-23T15:00")}, at("2026-11-23T12:30"),
			"Y* Nov 23 12:00 CST-Nov 23 15:00 CST"},
		{"partial: earlier one until the later starts", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T13:00"), ov("Y", "2026-11-23T12:00", "2026-11-23T15:00")}, at("2026-11-23T11:00"),
			"X* Nov 23 09:00 CST-Nov 23 12:00 CST"},
		{"identical start: later end wins", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00"), ov("Y", "2026-11-23T09:00", "2026-11-23T13:00")}, at("2026-11-23T10:00"),
			"Y* Nov 23 09:00 CST-Nov 23 13:00 CST"},
		{"identical start and end: first listed wins", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00"), ov("Y", "2026-11-23T09:00", "2026-11-23T11:00")}, at("2026-11-23T10:00"),
			"X* Nov 23 09:00 CST-Nov 23 11:00 CST"},
		{"one user's abutting overrides are one stretch", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T11:00"), ov("X", "2026-11-23T11:00", "2026-11-23T12:00")}, at("2026-11-23T09:30"),
			"X* Nov 23 09:00 CST-Nov 23 12:00 CST"},
		{"one user's nested overrides are one stretch", daily, []Override{ov("X", "2026-11-23T09:00", "2026-11-23T12:00"), ov("X", "2026-11-23T10:00", "2026-11-23T11:00")}, at("2026-11-23T11:30"),
			"X* Nov 23 09:00 CST-Nov 23 12:00 CST"},
		{"stretch joins across another user's override that ended", daily, []Override{
			ov("X", "2026-11-23T08:00", "2026-11-23T10:00"), ov("Y", "2026-11-23T09:00", "2026-11-23T09:30"), ov("Y", "2026-11-23T09:30", "2026-11-23T12:00"),
		}, at("2026-11-23T11:00"),
			"Y* Nov 23 09:00 CST-Nov 23 12:00 CST"},
		{"gap between overrides goes to the rotation", daily, []Override{ov("X", "2026-11-23T08:00", "2026-11-23T09:00"), ov("X", "2026-11-23T10:00", "2026-11-23T11:00")}, at("2026-11-23T09:15"),
			"A Nov 23 09:00 CST-Nov 23 10:00 CST"},
		{"backwards and empty overrides are ignored", daily, []Override{ov("X", "2026-11-23T11:00", "2026-11-23T09:00"), ov("", "2026-11-23T09:00", "2026-11-23T11:00"), ov("Y", "2026-11-23T10:00", "2026-11-23T10:00")}, at("2026-11-23T10:00"),
			"A Nov 23 07:00 CST-Nov 23 19:00 CST"},

		{"spring forward: override over the skipped hour", spring, []Override{ov("X", "2026-03-08T01:00", "2026-03-08T04:00")}, utc(t, "2026-03-08T08:00"),
			"X* Mar 8 01:00 CST-Mar 8 04:00 CDT"},
		{"spring forward: night turn resumes, ends 07:00 CDT", spring, []Override{ov("X", "2026-03-08T01:00", "2026-03-08T04:00")}, at("2026-03-08T05:00"),
			"B Mar 8 04:00 CDT-Mar 8 07:00 CDT"},
		{"spring forward: day turn after the short night", spring, []Override{ov("X", "2026-03-08T01:00", "2026-03-08T04:00")}, at("2026-03-08T07:00"),
			"A Mar 8 07:00 CDT-Mar 8 19:00 CDT"},
		{"fall back: override from the first 01:00 to the second 01:30", fall,
			[]Override{{User: "X", Start: utc(t, "2026-11-01T06:00"), End: utc(t, "2026-11-01T07:30")}}, utc(t, "2026-11-01T07:15"),
			"X* Nov 1 01:00 CDT-Nov 1 01:30 CST"},
		{"fall back: night turn resumes at the second 01:30", fall,
			[]Override{{User: "X", Start: utc(t, "2026-11-01T06:00"), End: utc(t, "2026-11-01T07:30")}}, utc(t, "2026-11-01T07:30"),
			"B Nov 1 01:30 CST-Nov 1 07:00 CST"},
		{"fall back: day turn at 07:00 CST", fall, nil, at("2026-11-01T07:00"),
			"A Nov 1 07:00 CST-Nov 1 19:00 CST"},

		{"no rotation and no override: nobody, forever", Rotation{}, nil, at("2026-11-23T10:00"),
			" never-never"},
		{"no rotation: nobody until an override", Rotation{Loc: chicago}, []Override{ov("X", "2026-11-23T12:00", "2026-11-23T13:00")}, at("2026-11-23T10:00"),
			" never-Nov 23 12:00 CST"},
		{"no rotation: nobody after an override", Rotation{Loc: chicago}, []Override{ov("X", "2026-11-23T12:00", "2026-11-23T13:00")}, at("2026-11-23T14:00"),
			" Nov 23 13:00 CST-never"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Schedule{Rotation: tt.rotation, Overrides: tt.overrides}
			got := s.At(tt.at)
			if stretch(got) != tt.want {
				t.Errorf("At(%s) = %q, want %q", clock(tt.at), stretch(got), tt.want)
			}
			checkStretch(t, s, tt.at, got)
		})
	}
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	at := func(s string) time.Time { return local(t, chicago, s) }
	s := Schedule{
		Rotation: Rotation{Start: at("2026-03-01T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B", "C"}, Loc: chicago},
		Overrides: []Override{
			{User: "X", Start: at("2026-03-07T15:00"), End: at("2026-03-07T19:00")}, // ends at a handoff
			{User: "Y", Start: at("2026-03-08T01:00"), End: at("2026-03-08T03:30")}, // across the skipped hour
			{User: "Z", Start: at("2026-03-08T02:00"), End: at("2026-03-08T03:00")}, // a skipped hour: empty
			{User: "A", Start: at("2026-03-08T18:00"), End: at("2026-03-08T20:00")}, // across a handoff
		},
	}
	var have []string
	for _, oc := range s.Next(at("2026-03-07T12:00"), 6) {
		have = append(have, stretch(oc))
	}
	want := []string{
		"A Mar 7 07:00 CST-Mar 7 15:00 CST", // turn 12
		"X* Mar 7 15:00 CST-Mar 7 19:00 CST",
		"B Mar 7 19:00 CST-Mar 8 01:00 CST",
		"Y* Mar 8 01:00 CST-Mar 8 03:30 CDT",
		"B Mar 8 03:30 CDT-Mar 8 07:00 CDT",
		"C Mar 8 07:00 CDT-Mar 8 18:00 CDT",
		"A* Mar 8 18:00 CDT-Mar 8 20:00 CDT",
	}
	if !slices.Equal(have, want) {
		t.Errorf("Next =\n%s\nwant\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
	if n := len(s.Next(at("2026-03-07T12:00"), -1)); n != 1 {
		t.Errorf("Next(t, -1) has %d stretches, want 1", n)
	}
	if got := (Schedule{}).Next(at("2026-03-07T12:00"), 3); len(got) != 1 || got[0] != (OnCall{}) {
		t.Errorf("Next on an empty schedule = %+v, want one empty stretch", got)
	}
	one := Schedule{Rotation: Rotation{Start: at("2026-03-01T07:00"), Length: 12 * time.Hour, Members: []string{"A"}, Loc: chicago}}
	if got := one.Next(at("2026-03-07T12:00"), 2); len(got) != 3 || got[2].User != "A" || !got[2].Since.Equal(at("2026-03-08T07:00")) {
		t.Errorf("Next on a one-member rotation = %+v, want a stretch per turn", got)
	}
}

// TestScheduleInvariants walks two days through a tangle of overrides in
// uneven steps and checks every answer against its neighbours.
func TestScheduleInvariants(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	at := func(s string) time.Time { return local(t, chicago, s) }
	s := Schedule{
		Rotation: Rotation{Start: at("2026-10-25T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B", "C"}, Loc: chicago},
		Overrides: []Override{
			{User: "X", Start: at("2026-10-31T06:00"), End: at("2026-10-31T20:00")},
			{User: "Y", Start: at("2026-10-31T08:00"), End: at("2026-10-31T09:00")},
			{User: "X", Start: at("2026-10-31T08:30"), End: at("2026-10-31T10:00")},
			{User: "Y", Start: at("2026-10-31T08:00"), End: at("2026-10-31T12:00")},
			{User: "A", Start: at("2026-10-31T18:00"), End: at("2026-10-31T22:00")},
			{User: "B", Start: utc(t, "2026-11-01T06:15"), End: utc(t, "2026-11-01T07:45")},
			{User: "C", Start: utc(t, "2026-11-01T06:45"), End: utc(t, "2026-11-01T07:15")},
			{User: "B", Start: at("2026-11-01T19:00"), End: at("2026-11-01T19:00")},
		},
	}
	for t0 := at("2026-10-31T00:00"); t0.Before(at("2026-11-02T00:00")); t0 = t0.Add(7*time.Minute + 13*time.Second) {
		checkStretch(t, s, t0, s.At(t0))
	}
}

// checkStretch checks that oc, the answer at t, holds t, that the answer is
// the same where it begins, and that it changes where it ends.
func checkStretch(t *testing.T, s Schedule, at time.Time, oc OnCall) {
	t.Helper()
	if (!oc.Since.IsZero() && oc.Since.After(at)) || (!oc.Until.IsZero() && !at.Before(oc.Until)) {
		t.Fatalf("At(%s) = %s, which does not hold it", clock(at), stretch(oc))
	}
	if !oc.Since.IsZero() {
		if got := s.At(oc.Since); got != oc {
			t.Fatalf("At(%s) = %s, but at its start %s", clock(at), stretch(oc), stretch(got))
		}
		if prev := s.At(oc.Since.Add(-time.Nanosecond)); !prev.Until.Equal(oc.Since) {
			t.Fatalf("At(%s) = %s, but the stretch before is %s", clock(at), stretch(oc), stretch(prev))
		}
	}
	if !oc.Until.IsZero() {
		next := s.At(oc.Until)
		if !next.Since.Equal(oc.Until) {
			t.Fatalf("At(%s) = %s, but the next stretch is %s", clock(at), stretch(oc), stretch(next))
		}
		if next.User == oc.User && next.Override && oc.Override {
			t.Fatalf("At(%s) = %s, and the next stretch %s has the same user", clock(at), stretch(oc), stretch(next))
		}
	}
}

func TestParseOverrideEnd(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	at := func(s string) time.Time { return local(t, chicago, s) }
	tests := []struct {
		name string
		arg  string
		now  time.Time
		loc  *time.Location
		want time.Time
	}{
		{"hours", "2h", at("2026-11-23T14:00"), chicago, at("2026-11-23T16:00")},
		{"minutes", "90m", at("2026-11-23T14:00"), chicago, at("2026-11-23T15:30")},
		{"mixed units and spaces", "  1h30m ", at("2026-11-23T14:00"), chicago, at("2026-11-23T15:30")},
		{"exactly 7 days", "168h", at("2026-11-23T14:00"), chicago, at("2026-11-30T14:00")},
		{"a duration is elapsed time across spring forward", "2h", at("2026-03-08T01:30"), chicago, at("2026-03-08T04:30")},
		{"a duration is elapsed time across fall back", "2h", utc(t, "2026-11-01T05:30"), chicago, utc(t, "2026-11-01T07:30")},

		{"until later today", "until 15:30", at("2026-11-23T14:00"), chicago, at("2026-11-23T15:30")},
		{"until earlier means tomorrow", "until 09:00", at("2026-11-23T14:00"), chicago, at("2026-11-24T09:00")},
		{"until with a one-digit hour", "until 7:05", at("2026-11-23T14:00"), chicago, at("2026-11-24T07:05")},
		{"UNTIL in capitals", "UNTIL 23:59", at("2026-11-23T14:00"), chicago, at("2026-11-23T23:59")},
		{"until now means tomorrow", "until 14:00", at("2026-11-23T14:00"), chicago, at("2026-11-24T14:00")},
		{"until a minute from now means tomorrow", "until 14:01", at("2026-11-23T14:00"), chicago, at("2026-11-24T14:01")},
		{"until two minutes from now is today", "until 14:02", at("2026-11-23T14:00"), chicago, at("2026-11-23T14:02")},
		{"until midnight just before midnight", "until 00:00", at("2026-11-23T23:59").Add(30 * time.Second), chicago, at("2026-11-25T00:00")},
		{"until midnight", "until 00:00", at("2026-11-23T22:00"), chicago, at("2026-11-24T00:00")},
		{"until in UTC without a location", "until 06:00", utc(t, "2026-11-23T14:00"), nil, utc(t, "2026-11-24T06:00")},

		{"spring forward: until a skipped time resolves to the jump", "until 02:30", at("2026-03-07T22:00"), chicago, utc(t, "2026-03-08T08:00")},
		{"spring forward: until 03:00 is the same instant", "until 03:00", at("2026-03-07T22:00"), chicago, utc(t, "2026-03-08T08:00")},
		{"spring forward: until 07:00 is eight hours away", "until 07:00", at("2026-03-07T22:00"), chicago, at("2026-03-07T22:00").Add(8 * time.Hour)},
		{"spring forward: skipped time already past means tomorrow", "until 02:30", at("2026-03-08T03:30"), chicago, at("2026-03-09T02:30")},
		{"fall back: until a repeated time takes the first", "until 01:30", at("2026-10-31T22:00"), chicago, utc(t, "2026-11-01T06:30")},
		{"fall back: between the two, the second", "until 01:30", utc(t, "2026-11-01T06:45"), chicago, utc(t, "2026-11-01T07:30")},
		{"fall back: within a minute of the second, the next day", "until 01:30", utc(t, "2026-11-01T07:29").Add(30 * time.Second), chicago, at("2026-11-02T01:30")},
		{"fall back: until 07:00 is ten hours away", "until 07:00", at("2026-10-31T22:00"), chicago, at("2026-10-31T22:00").Add(10 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseOverrideEnd(tt.arg, tt.now, tt.loc)
			if err != nil {
				t.Fatalf("ParseOverrideEnd(%q) error: %v", tt.arg, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("ParseOverrideEnd(%q, %s) = %s, want %s", tt.arg, tt.now, got, tt.want)
			}
			want := tt.loc
			if want == nil {
				want = time.UTC
			}
			if got.Location() != want {
				t.Errorf("result in %s, want %s", got.Location(), want)
			}
		})
	}
}

func TestParseOverrideEndRefuses(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		arg, says string
	}{
		{"", "Say when the override ends"},
		{"   ", "Say when the override ends"},
		{"forever", "`forever` is not a duration"},
		{"-1h", "`-1h` is not a positive duration"},
		{"0s", "`0s` is not a positive duration"},
		{"8d", "`8d`: write days in hours"},
		{"169h", "`169h` is longer than 7 days"},
		{"2 h", "`2 h` is not a duration"},
		{"until", "After `until` give one time"},
		{"until 25:00", "`25:00` is not a time of day"},
		{"until 12:60", "`12:60` is not a time of day"},
		{"until noon", "`noon` is not a time of day"},
		{"until 7pm", "`7pm` is not a time of day"},
		{"until 123:00", "`123:00` is not a time of day"},
		{"until -1:00", "`-1:00` is not a time of day"},
		{"until 12:00 tomorrow", "After `until` give one time"},
		{"until +1:00", "`+1:00` is not a time of day"},
		{strings.Repeat("x", 100), "`" + strings.Repeat("x", 32) + "…` is not a duration"},
	}
	for _, tt := range tests {
		_, err := ParseOverrideEnd(tt.arg, now, time.UTC)
		var e *ticket.Error
		switch {
		case err == nil:
			t.Errorf("ParseOverrideEnd(%q) accepted it", tt.arg)
		case !errors.As(err, &e) || e.Code != ticket.Invalid:
			t.Errorf("ParseOverrideEnd(%q) = %#v, want a ticket.Invalid error", tt.arg, err)
		case !strings.HasPrefix(e.Message, tt.says) || !strings.Contains(e.Message, "`until HH:MM`") || !strings.Contains(e.Message, "`2h`"):
			t.Errorf("ParseOverrideEnd(%q) says %q, want it to begin %q and give the accepted forms", tt.arg, e.Message, tt.says)
		}
	}
}

func FuzzParseOverrideEnd(f *testing.F) {
	zones := []*time.Location{time.UTC}
	for _, name := range []string{"America/Chicago", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu", "Europe/Dublin"} {
		zones = append(zones, mustLoad(f, name))
	}
	f.Add("2h", int64(1795438800), uint8(1))
	f.Add("until 02:30", int64(1772942400), uint8(1))
	f.Fuzz(func(t *testing.T, arg string, unix int64, zone uint8) {
		loc := zones[int(zone)%len(zones)]
		// Instants between 1900 and 2200.
		const from, span = -2208988800, 300 * 365 * 24 * 3600
		now := time.Unix(from+int64(absU(unix)%span), 0).In(loc)
		got, err := ParseOverrideEnd(arg, now, loc)
		if err != nil {
			var e *ticket.Error
			if !errors.As(err, &e) || e.Code != ticket.Invalid || e.Message == "" {
				t.Fatalf("ParseOverrideEnd(%q) = %#v, want a ticket.Invalid error", arg, err)
			}
			return
		}
		if !got.After(now) || got.After(now.Add(MaxOverride)) {
			t.Fatalf("ParseOverrideEnd(%q, %s) = %s, not within 7 days after now", arg, now, got)
		}
		if f := strings.Fields(arg); len(f) == 2 && strings.EqualFold(f[0], "until") {
			h, m, _ := parseClock(f[1])
			jump, _ := got.ZoneBounds()
			if gh, gm, gs := got.Clock(); (gh != h || gm != m || gs != 0) && !got.Equal(jump) {
				t.Fatalf("ParseOverrideEnd(%q, %s) = %s, neither that wall time nor a jump of the clocks", arg, now, got)
			}
			if !got.After(now.Add(time.Minute)) {
				t.Fatalf("ParseOverrideEnd(%q, %s) = %s, within a minute of now", arg, now, got)
			}
		}
	})
}

// TestParseOverrideEndUntilIsTheNextOne compares "until HH:MM" with a walk,
// minute by minute, to the first instant more than a minute after now whose
// wall clock reads HH:MM or at which the clocks jump over it.
func TestParseOverrideEndUntilIsTheNextOne(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ zone, day string }{
		{"America/Chicago", "2026-03-07T12:00"},
		{"America/Chicago", "2026-10-31T12:00"},
		{"Australia/Lord_Howe", "2026-04-04T12:00"}, // back half an hour
		{"Australia/Lord_Howe", "2026-10-03T12:00"}, // forward half an hour
	} {
		t.Run(tc.zone+"/"+tc.day, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(t, tc.zone)
			from := local(t, loc, tc.day)
			for now := from; now.Before(from.Add(26 * time.Hour)); now = now.Add(37*time.Minute + 29*time.Second) {
				for _, hm := range []string{"00:00", "01:30", "01:59", "02:00", "02:15", "02:30", "03:00", "13:00"} {
					got, err := ParseOverrideEnd("until "+hm, now, loc)
					if err != nil {
						t.Fatal(err)
					}
					if want := walkToWallClock(t, hm, now, loc); !got.Equal(want) {
						t.Fatalf("until %s at %s = %s, want %s", hm, now, got, want)
					}
				}
			}
		})
	}
}

func walkToWallClock(t *testing.T, hm string, now time.Time, loc *time.Location) time.Time {
	t.Helper()
	h, m, _ := parseClock(hm)
	target := h*60 + m
	for at := now.Add(time.Minute).Truncate(time.Minute).Add(time.Minute); ; at = at.Add(time.Minute) {
		hh, mm, _ := at.In(loc).Clock()
		if hh*60+mm == target {
			return at.In(loc)
		}
		ph, pm, _ := at.Add(-time.Minute).In(loc).Clock()
		prev, cur := ph*60+pm, hh*60+mm
		// The clocks jumped forward over target (within one day).
		if cur-prev > 1 && prev < target && target < cur {
			return at.In(loc)
		}
		if at.Sub(now) > 72*time.Hour {
			t.Fatalf("no %s within 3 days of %s", hm, now)
		}
	}
}
