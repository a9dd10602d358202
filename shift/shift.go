// Package shift turns the configured shifts into instants: the boundaries
// where one shift hands over to the next, and the period each shift covers.
// It is pure: the caller says what time it is.
//
// Shift starts are wall-clock times in the configured zone, so a shift that
// starts at 07:00 starts at 07:00 local on both daylight-saving days, and the
// night that spans a change is an hour shorter or longer. A start the clocks
// skip (02:30 on a spring-forward night) falls at the instant time.Date
// normalises it to (03:30); if that is another shift's start too, the day has
// one boundary there, not two.
package shift

import (
	"slices"
	"strings"
	"time"

	"carebot/config"
)

// Boundary is the start of one shift on one day: the moment the shift before
// it ends and its summary is due.
type Boundary struct {
	At    time.Time // in the schedule's location
	Shift string    // the shift that starts here
}

// Period is a span [Start, End) with the name of the shift that covers it.
type Period struct {
	Name       string
	Start, End time.Time
}

// Schedule is a day's shifts in one time zone.
type Schedule struct {
	shifts []config.Shift
	loc    *time.Location
}

// New returns the schedule of shifts in loc. It needs at least one shift;
// config validation makes sure there is.
func New(shifts []config.Shift, loc *time.Location) Schedule {
	return Schedule{shifts: slices.Clone(shifts), loc: loc}
}

// Between returns the boundaries in (from, to], oldest first.
func (s Schedule) Between(from, to time.Time) []Boundary {
	if !to.After(from) || len(s.shifts) == 0 {
		return nil
	}
	var out []Boundary
	// A day before from and a day after to cover starts that time.Date moves
	// across midnight, whatever the zone's offset.
	day := midnight(from.In(s.loc)).AddDate(0, 0, -1)
	last := midnight(to.In(s.loc)).AddDate(0, 0, 1)
	for ; !day.After(last); day = day.AddDate(0, 0, 1) {
		for _, sh := range s.shifts {
			at := sh.Start.On(day)
			if at.After(from) && !at.After(to) {
				out = append(out, Boundary{At: at, Shift: sh.Name})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Boundary) int { return a.At.Compare(b.At) })
	// Two starts that normalise to one instant make one boundary: the later
	// configured start, the shift the clocks actually reach.
	return slices.CompactFunc(out, func(a, b Boundary) bool { return a.At.Equal(b.At) })
}

// Last returns the latest boundary at or before at.
func (s Schedule) Last(at time.Time) Boundary {
	bs := s.Between(at.Add(-50*time.Hour), at)
	return bs[len(bs)-1]
}

// Next returns the earliest boundary after at.
func (s Schedule) Next(at time.Time) Boundary {
	return s.Between(at, at.Add(50*time.Hour))[0]
}

// Ended returns the shift that ends at boundary b: from the boundary before
// it to b.
func (s Schedule) Ended(b Boundary) Period {
	prev := s.Last(b.At.Add(-time.Nanosecond))
	return Period{Name: prev.Shift, Start: prev.At, End: b.At}
}

// Current returns the shift in progress at at: from the last boundary to the
// next.
func (s Schedule) Current(at time.Time) Period {
	b := s.Last(at)
	return Period{Name: b.Shift, Start: b.At, End: s.Next(at).At}
}

// Named returns the shift called name that starts on the local calendar day
// of date (names match regardless of case), and false when no shift of
// that name starts that day.
func (s Schedule) Named(name string, date time.Time) (Period, bool) {
	day := midnight(date.In(s.loc))
	for _, b := range s.Between(day.Add(-time.Nanosecond), day.AddDate(0, 0, 1).Add(-time.Nanosecond)) {
		if strings.EqualFold(b.Shift, name) {
			return Period{Name: b.Shift, Start: b.At, End: s.Next(b.At).At}, true
		}
	}
	return Period{}, false
}

// Day returns the local calendar day of at, midnight to midnight (23 or 25
// hours long on the daylight-saving days).
func (s Schedule) Day(at time.Time) Period {
	start := midnight(at.In(s.loc))
	return Period{Name: start.Format("Mon 2 Jan"), Start: start, End: start.AddDate(0, 0, 1)}
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
