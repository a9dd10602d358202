package oncall

import (
	"fmt"
	"slices"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses a wall clock in loc, such as "2026-11-23T07:00".
func local(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// utc parses an instant written in UTC, for instants whose wall clock is
// ambiguous, such as 01:30 on the day the clocks go back.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	return local(t, time.UTC, s)
}

func TestRotationAt(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	abc := []string{"A", "B", "C"}
	ab := []string{"A", "B"}
	daily := Rotation{Start: local(t, chicago, "2026-11-23T07:00"), Length: 12 * time.Hour, Members: abc, Loc: chicago}
	spring := Rotation{Start: local(t, chicago, "2026-03-01T07:00"), Length: 12 * time.Hour, Members: ab, Loc: chicago}
	fall := Rotation{Start: local(t, chicago, "2026-10-25T07:00"), Length: 12 * time.Hour, Members: ab, Loc: chicago}
	weekly := Rotation{Start: local(t, chicago, "2026-03-02T07:00"), Length: 168 * time.Hour, Members: abc, Loc: chicago}
	abcd := []string{"A", "B", "C", "D"}
	springOdd := Rotation{Start: local(t, chicago, "2026-03-07T23:30"), Length: 90 * time.Minute, Members: abcd, Loc: chicago}
	fallOdd := Rotation{Start: local(t, chicago, "2026-10-31T23:30"), Length: 90 * time.Minute, Members: abcd, Loc: chicago}
	short := Rotation{Start: local(t, chicago, "2026-03-08T01:00"), Length: 30 * time.Minute, Members: []string{"A", "B", "C", "D", "E"}, Loc: chicago}
	quarter := Rotation{Start: utc(t, "2026-01-01T00:00"), Length: 45 * time.Minute, Members: ab}

	tests := []struct {
		name          string
		r             Rotation
		at            time.Time
		member        string
		begins, ends  time.Time
		wantTurnHours float64
	}{
		{"first turn begins at start", daily, local(t, chicago, "2026-11-23T07:00"),
			"A", local(t, chicago, "2026-11-23T07:00"), local(t, chicago, "2026-11-23T19:00"), 12},
		{"last minute before handoff", daily, local(t, chicago, "2026-11-23T18:59"),
			"A", local(t, chicago, "2026-11-23T07:00"), local(t, chicago, "2026-11-23T19:00"), 12},
		{"handoff instant belongs to the next member", daily, local(t, chicago, "2026-11-23T19:00"),
			"B", local(t, chicago, "2026-11-23T19:00"), local(t, chicago, "2026-11-24T07:00"), 12},
		{"third member next morning", daily, local(t, chicago, "2026-11-24T07:00"),
			"C", local(t, chicago, "2026-11-24T07:00"), local(t, chicago, "2026-11-24T19:00"), 12},
		{"wraps to the first member", daily, local(t, chicago, "2026-11-24T19:00"),
			"A", local(t, chicago, "2026-11-24T19:00"), local(t, chicago, "2026-11-25T07:00"), 12},
		{"just before start runs backwards", daily, local(t, chicago, "2026-11-23T06:59"),
			"C", local(t, chicago, "2026-11-22T19:00"), local(t, chicago, "2026-11-23T07:00"), 12},
		{"three turns before start", daily, local(t, chicago, "2026-11-22T06:59"),
			"A", local(t, chicago, "2026-11-21T19:00"), local(t, chicago, "2026-11-22T07:00"), 12},
		{"a year (730 turns) before start", daily, local(t, chicago, "2025-11-23T07:00"),
			"C", local(t, chicago, "2025-11-23T07:00"), local(t, chicago, "2025-11-23T19:00"), 12},

		{"spring forward: night turn is 11h", spring, utc(t, "2026-03-08T07:59"),
			"B", local(t, chicago, "2026-03-07T19:00"), local(t, chicago, "2026-03-08T07:00"), 11},
		{"spring forward: first instant after the gap", spring, utc(t, "2026-03-08T08:00"),
			"B", local(t, chicago, "2026-03-07T19:00"), local(t, chicago, "2026-03-08T07:00"), 11},
		{"spring forward: day turn at 07:00 CDT", spring, local(t, chicago, "2026-03-08T07:00"),
			"A", local(t, chicago, "2026-03-08T07:00"), local(t, chicago, "2026-03-08T19:00"), 12},
		{"fall back: first 01:30", fall, utc(t, "2026-11-01T06:30"),
			"B", local(t, chicago, "2026-10-31T19:00"), local(t, chicago, "2026-11-01T07:00"), 13},
		{"fall back: second 01:30", fall, utc(t, "2026-11-01T07:30"),
			"B", local(t, chicago, "2026-10-31T19:00"), local(t, chicago, "2026-11-01T07:00"), 13},
		{"fall back: day turn at 07:00 CST", fall, local(t, chicago, "2026-11-01T07:00"),
			"A", local(t, chicago, "2026-11-01T07:00"), local(t, chicago, "2026-11-01T19:00"), 12},

		{"weekly: spring week is 167h", weekly, local(t, chicago, "2026-03-08T12:00"),
			"A", local(t, chicago, "2026-03-02T07:00"), local(t, chicago, "2026-03-09T07:00"), 167},
		{"weekly: next week", weekly, local(t, chicago, "2026-03-09T07:00"),
			"B", local(t, chicago, "2026-03-09T07:00"), local(t, chicago, "2026-03-16T07:00"), 168},
		{"weekly: fall week is 169h", weekly, utc(t, "2026-11-01T07:30"),
			"B", local(t, chicago, "2026-10-26T07:00"), local(t, chicago, "2026-11-02T07:00"), 169},
		{"weekly: week before start", weekly, local(t, chicago, "2026-03-01T07:00"),
			"C", local(t, chicago, "2026-02-23T07:00"), local(t, chicago, "2026-03-02T07:00"), 168},

		{"90m: turn cut short by the skipped hour", springOdd, utc(t, "2026-03-08T07:59"),
			"B", local(t, chicago, "2026-03-08T01:00"), utc(t, "2026-03-08T08:00"), 1},
		{"90m: turn due at 02:30 starts when clocks jump", springOdd, utc(t, "2026-03-08T08:00"),
			"C", utc(t, "2026-03-08T08:00"), local(t, chicago, "2026-03-08T04:00"), 1},
		{"90m: turn due at 01:00 takes the first 01:00", fallOdd, utc(t, "2026-11-01T07:30"),
			"B", utc(t, "2026-11-01T06:00"), local(t, chicago, "2026-11-01T02:30"), 2.5},
		{"30m: turns emptied by the gap are skipped", short, utc(t, "2026-03-08T08:00"),
			"E", utc(t, "2026-03-08T08:00"), utc(t, "2026-03-08T08:30"), 0.5},
		{"30m: turn before the gap ends at the jump", short, utc(t, "2026-03-08T07:45"),
			"B", utc(t, "2026-03-08T07:30"), utc(t, "2026-03-08T08:00"), 0.5},

		{"45m in UTC without a location", quarter, utc(t, "2026-01-01T02:59"),
			"B", utc(t, "2026-01-01T02:15"), utc(t, "2026-01-01T03:00"), 0.75},
		{"45m before start", quarter, utc(t, "2025-12-31T23:59"),
			"B", utc(t, "2025-12-31T23:15"), utc(t, "2026-01-01T00:00"), 0.75},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.r.At(tt.at)
			if got.Member != tt.member || !got.Begins.Equal(tt.begins) || !got.Ends.Equal(tt.ends) {
				t.Errorf("At(%s) = %s [%s, %s), want %s [%s, %s)", tt.at, got.Member, got.Begins, got.Ends,
					tt.member, tt.begins, tt.ends)
			}
			if tt.r.Members[got.Index] != got.Member {
				t.Errorf("Index %d names %s, not %s", got.Index, tt.r.Members[got.Index], got.Member)
			}
			if h := got.Ends.Sub(got.Begins).Hours(); h != tt.wantTurnHours {
				t.Errorf("turn lasts %vh, want %vh", h, tt.wantTurnHours)
			}
		})
	}
}

func TestRotationTurnsAreInTheRotationsZone(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	r := Rotation{Start: local(t, chicago, "2026-11-23T07:00"), Length: 12 * time.Hour, Members: []string{"A"}, Loc: chicago}
	got := r.At(utc(t, "2026-11-24T02:00"))
	if got.Begins.Location() != chicago || got.Ends.Location() != chicago {
		t.Errorf("turn in %s and %s, want %s", got.Begins.Location(), got.Ends.Location(), chicago)
	}
	if got.Begins.Format("15:04") != "19:00" {
		t.Errorf("begins at %s local, want 19:00", got.Begins.Format("15:04"))
	}
}

func TestRotationNext(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	r := Rotation{Start: local(t, chicago, "2026-03-01T07:00"), Length: 12 * time.Hour, Members: []string{"A", "B", "C"}, Loc: chicago}
	got := r.Next(local(t, chicago, "2026-03-07T20:00"), 3)
	want := []string{
		"B 2026-03-07T19:00:00-06:00", // turn 13
		"C 2026-03-08T07:00:00-05:00",
		"A 2026-03-08T19:00:00-05:00",
		"B 2026-03-09T07:00:00-05:00",
	}
	var have []string
	for _, turn := range got {
		have = append(have, turn.Member+" "+turn.Begins.Format(time.RFC3339))
	}
	if !slices.Equal(have, want) {
		t.Errorf("Next = %q, want %q", have, want)
	}
	if n := len(r.Next(r.Start, 0)); n != 1 {
		t.Errorf("Next(t, 0) has %d turns, want 1", n)
	}
	if n := len(r.Next(r.Start, -5)); n != 1 {
		t.Errorf("Next(t, -5) has %d turns, want 1", n)
	}
}

func TestRotationNextSkipsEmptyTurns(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	r := Rotation{Start: local(t, chicago, "2026-03-08T01:00"), Length: 30 * time.Minute, Members: []string{"A", "B", "C", "D", "E"}, Loc: chicago}
	var have []string
	for _, turn := range r.Next(utc(t, "2026-03-08T07:45"), 2) {
		have = append(have, fmt.Sprintf("%s %s-%s", turn.Member, turn.Begins.UTC().Format("15:04"), turn.Ends.UTC().Format("15:04")))
	}
	want := []string{"B 07:30-08:00", "E 08:00-08:30", "A 08:30-09:00"}
	if !slices.Equal(have, want) {
		t.Errorf("Next = %q, want %q", have, want)
	}
}

func TestRotationWithoutTurns(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, r := range map[string]Rotation{
		"no members":    {Start: now, Length: time.Hour},
		"zero length":   {Start: now, Members: []string{"A"}},
		"negative span": {Start: now, Length: -time.Hour, Members: []string{"A"}},
	} {
		if got := r.At(now); got != (Turn{}) {
			t.Errorf("%s: At = %+v, want the zero Turn", name, got)
		}
		if got := r.Next(now, 3); got != nil {
			t.Errorf("%s: Next = %+v, want nil", name, got)
		}
	}
}

// TestRotationInvariants walks a year in uneven steps through zones with
// one-hour and half-hour daylight-saving changes.
func TestRotationInvariants(t *testing.T) {
	t.Parallel()
	lengths := []time.Duration{12 * time.Hour, 168 * time.Hour, 90 * time.Minute, 25 * time.Minute, 36 * time.Hour, 24 * time.Hour}
	for _, zone := range []string{"America/Chicago", "Australia/Lord_Howe", "Europe/Dublin"} {
		loc := mustLoad(t, zone)
		for _, length := range lengths {
			t.Run(fmt.Sprintf("%s/%s", zone, length), func(t *testing.T) {
				t.Parallel()
				r := Rotation{Start: local(t, loc, "2026-01-05T07:00"), Length: length, Members: []string{"A", "B", "C"}, Loc: loc}
				from := local(t, loc, "2025-12-01T00:00")
				to := local(t, loc, "2027-01-01T00:00")
				for at := from; at.Before(to); at = at.Add(73*time.Minute + 11*time.Second) {
					checkTurn(t, r, at)
				}
			})
		}
	}
}

func checkTurn(t *testing.T, r Rotation, at time.Time) {
	t.Helper()
	turn := r.At(at)
	if turn.Begins.After(at) || !at.Before(turn.Ends) {
		t.Fatalf("At(%s) = [%s, %s), which does not hold it", at, turn.Begins, turn.Ends)
	}
	if turn.Index < 0 || turn.Index >= len(r.Members) || r.Members[turn.Index] != turn.Member {
		t.Fatalf("At(%s) = member %q at index %d of %q", at, turn.Member, turn.Index, r.Members)
	}
	if r.Length%time.Hour == 0 {
		// Whole-hour turns hand off at the start's wall clock (07:00 here).
		if _, m, _ := turn.Begins.Clock(); m != 0 {
			t.Fatalf("At(%s) begins at %s, off the hour", at, turn.Begins)
		}
	}
	next := r.At(turn.Ends)
	if !next.Begins.Equal(turn.Ends) {
		t.Fatalf("turn after %s begins at %s, want %s", at, next.Begins, turn.Ends)
	}
}

func FuzzRotationAt(f *testing.F) {
	zones := []*time.Location{time.UTC}
	for _, name := range []string{"America/Chicago", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu", "Europe/Dublin"} {
		zones = append(zones, mustLoad(f, name))
	}
	f.Add(int64(1795438800), int64(0), int64(12*time.Hour), uint8(3), uint8(1))
	f.Add(int64(1772370000), int64(7*24*time.Hour), int64(12*time.Hour), uint8(2), uint8(1))
	f.Fuzz(func(t *testing.T, start, offset, length int64, members, zone uint8) {
		loc := zones[int(zone)%len(zones)]
		// Starts between 1900 and 2200; instants within a Duration of them.
		const from, span = -2208988800, 300 * 365 * 24 * 3600
		begin := time.Unix(from+int64(absU(start)%span), 0).In(loc)
		at := begin.Add(time.Duration(offset))
		if length <= 0 {
			length = int64(absU(length)%uint64(1<<62)) + 1
		}
		r := Rotation{Start: begin, Length: time.Duration(length), Loc: loc}
		for i := range int(members)%8 + 1 {
			r.Members = append(r.Members, fmt.Sprint("m", i))
		}
		turn := r.At(at)
		if turn.Begins.After(at) || !at.Before(turn.Ends) {
			t.Fatalf("%+v: At(%s) = [%s, %s), which does not hold it", r, at, turn.Begins, turn.Ends)
		}
		if turn.Index < 0 || turn.Index >= len(r.Members) || r.Members[turn.Index] != turn.Member {
			t.Fatalf("%+v: At(%s) = member %q at index %d", r, at, turn.Member, turn.Index)
		}
	})
}
