package shift

import (
	"testing"
	"time"

	"carebot/config"
)

func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func dayNight(loc *time.Location) Schedule {
	return New([]config.Shift{
		{Name: "Day", Start: config.TimeOfDay{Hour: 7}},
		{Name: "Night", Start: config.TimeOfDay{Hour: 19}},
	}, loc)
}

func TestEndedShiftLengthAcrossDST(t *testing.T) {
	loc := chicago(t)
	s := dayNight(loc)
	for _, tc := range []struct {
		name     string
		boundary time.Time // a Day start: the night before it ends
		want     time.Duration
	}{
		{"ordinary night", time.Date(2026, 11, 26, 7, 0, 0, 0, loc), 12 * time.Hour},
		{"spring forward", time.Date(2026, 3, 8, 7, 0, 0, 0, loc), 11 * time.Hour},
		{"fall back", time.Date(2026, 11, 1, 7, 0, 0, 0, loc), 13 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := s.Ended(Boundary{At: tc.boundary, Shift: "Day"})
			if p.Name != "Night" {
				t.Errorf("ended shift = %q, want Night", p.Name)
			}
			if got := p.End.Sub(p.Start); got != tc.want {
				t.Errorf("night lasted %v, want %v", got, tc.want)
			}
			if h, m, _ := p.Start.In(loc).Clock(); h != 19 || m != 0 {
				t.Errorf("night started %v local, want 19:00", p.Start.In(loc))
			}
		})
	}
}

func TestBetweenCountsEveryBoundaryOnce(t *testing.T) {
	loc := chicago(t)
	s := dayNight(loc)
	// A week across the fall-back day: 14 boundaries, each at 07:00 or 19:00 local.
	from := time.Date(2026, 10, 28, 12, 0, 0, 0, loc)
	got := s.Between(from, from.AddDate(0, 0, 7))
	if len(got) != 14 {
		t.Fatalf("got %d boundaries in a week, want 14: %v", len(got), got)
	}
	for i, b := range got {
		h, m, sec := b.At.In(loc).Clock()
		want := map[string]int{"Day": 7, "Night": 19}[b.Shift]
		if h != want || m != 0 || sec != 0 {
			t.Errorf("boundary %d: %s at %v, want %02d:00 local", i, b.Shift, b.At.In(loc), want)
		}
		if i > 0 && !b.At.After(got[i-1].At) {
			t.Errorf("boundary %d is not after boundary %d", i, i-1)
		}
		if i > 0 && b.Shift == got[i-1].Shift {
			t.Errorf("boundary %d: %s follows %s", i, b.Shift, got[i-1].Shift)
		}
	}
	// (from, to]: a boundary exactly at from is excluded, exactly at to included.
	b := time.Date(2026, 11, 26, 7, 0, 0, 0, loc)
	if got := s.Between(b, b.Add(time.Hour)); len(got) != 0 {
		t.Errorf("Between(boundary, +1h) = %v, want none", got)
	}
	if got := s.Between(b.Add(-time.Hour), b); len(got) != 1 || !got[0].At.Equal(b) {
		t.Errorf("Between(-1h, boundary) = %v, want the boundary", got)
	}
}

func TestSkippedAndRepeatedStarts(t *testing.T) {
	loc := chicago(t)
	// 02:30 does not exist on 2026-03-08; it becomes 03:30, which is also
	// the Early shift's start: one boundary, not two.
	s := New([]config.Shift{
		{Name: "Late", Start: config.TimeOfDay{Hour: 2, Minute: 30}},
		{Name: "Early", Start: config.TimeOfDay{Hour: 3, Minute: 30}},
		{Name: "Day", Start: config.TimeOfDay{Hour: 12}},
	}, loc)
	day := time.Date(2026, 3, 8, 0, 0, 0, 0, loc)
	got := s.Between(day, day.Add(20*time.Hour))
	if len(got) != 2 {
		t.Fatalf("spring-forward day: got %v, want 2 boundaries", got)
	}
	if h, m, _ := got[0].At.In(loc).Clock(); h != 3 || m != 30 {
		t.Errorf("first boundary at %v, want 03:30", got[0].At.In(loc))
	}
	// 01:30 happens twice on 2026-11-01; the shift starts once.
	s = New([]config.Shift{{Name: "Night", Start: config.TimeOfDay{Hour: 1, Minute: 30}}}, loc)
	day = time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	if got := s.Between(day, day.Add(25*time.Hour-time.Second)); len(got) != 1 {
		t.Errorf("fall-back day: got %v, want one 01:30 boundary", got)
	}
}

func TestLastNextCurrent(t *testing.T) {
	loc := chicago(t)
	s := dayNight(loc)
	at := time.Date(2026, 11, 27, 3, 0, 0, 0, loc)
	if b := s.Last(at); b.Shift != "Night" || !b.At.Equal(time.Date(2026, 11, 26, 19, 0, 0, 0, loc)) {
		t.Errorf("Last = %+v", b)
	}
	if b := s.Next(at); b.Shift != "Day" || !b.At.Equal(time.Date(2026, 11, 27, 7, 0, 0, 0, loc)) {
		t.Errorf("Next = %+v", b)
	}
	exact := time.Date(2026, 11, 27, 7, 0, 0, 0, loc)
	if b := s.Last(exact); !b.At.Equal(exact) {
		t.Errorf("Last at a boundary = %v, want the boundary itself", b.At)
	}
	p := s.Current(at)
	if p.Name != "Night" || p.End.Sub(p.Start) != 12*time.Hour {
		t.Errorf("Current = %+v", p)
	}
	// One shift a day: each period is a whole day.
	one := New([]config.Shift{{Name: "All", Start: config.TimeOfDay{Hour: 8}}}, loc)
	if p := one.Current(at); p.End.Sub(p.Start) != 24*time.Hour || p.Name != "All" {
		t.Errorf("single shift Current = %+v", p)
	}
}

func TestNamedAndDay(t *testing.T) {
	loc := chicago(t)
	s := dayNight(loc)
	date := time.Date(2026, 10, 31, 0, 0, 0, 0, loc)
	p, ok := s.Named("night", date)
	if !ok || p.Name != "Night" || p.End.Sub(p.Start) != 13*time.Hour {
		t.Errorf("Named(night, Oct 31) = %+v, %v; want the 13-hour Night", p, ok)
	}
	if _, ok := s.Named("Evening", date); ok {
		t.Error("Named found a shift that is not configured")
	}
	if d := s.Day(time.Date(2026, 3, 8, 12, 0, 0, 0, loc)); d.End.Sub(d.Start) != 23*time.Hour {
		t.Errorf("spring-forward day lasts %v, want 23h", d.End.Sub(d.Start))
	}
}
