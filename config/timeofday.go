package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeOfDay is a wall-clock time without a date, such as a shift's start.
type TimeOfDay struct {
	Hour, Minute, Second int
}

// ParseTimeOfDay reads "HH:MM" or "HH:MM:SS" on a 24-hour clock.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return TimeOfDay{}, fmt.Errorf("%q is not a time of day (use HH:MM or HH:MM:SS, such as 07:00)", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) != 2 || p[0] < '0' || p[0] > '9' {
			return TimeOfDay{}, fmt.Errorf("%q is not a time of day (use HH:MM or HH:MM:SS, such as 07:00)", s)
		}
		n[i] = v
	}
	d := TimeOfDay{Hour: n[0], Minute: n[1], Second: n[2]}
	if !d.Valid() {
		return TimeOfDay{}, fmt.Errorf("%q is not a time of day (hours 00-23, minutes and seconds 00-59)", s)
	}
	return d, nil
}

// Valid reports whether d is a time on a 24-hour clock.
func (d TimeOfDay) Valid() bool {
	return d.Hour >= 0 && d.Hour < 24 && d.Minute >= 0 && d.Minute < 60 && d.Second >= 0 && d.Second < 60
}

// String returns "HH:MM", or "HH:MM:SS" when there are seconds.
func (d TimeOfDay) String() string {
	if d.Second != 0 {
		return fmt.Sprintf("%02d:%02d:%02d", d.Hour, d.Minute, d.Second)
	}
	return fmt.Sprintf("%02d:%02d", d.Hour, d.Minute)
}

// On returns the instant d falls on the calendar day of day, in day's
// location. When the clocks skip d that day, it is read on the clock that
// was in force before the skip, so it lands after the gap: 02:30 on a
// spring-forward night is 03:30. (time.Date alone may land before the gap,
// at 01:30, which would start a shift an hour early.) When d happens twice,
// it is the first.
func (d TimeOfDay) On(day time.Time) time.Time {
	y, m, dd := day.Date()
	t := time.Date(y, m, dd, d.Hour, d.Minute, d.Second, 0, day.Location())
	// Compare whole wall-clock readings, dates included: where the clocks
	// skip midnight, time.Date lands on the day before.
	want := time.Date(y, m, dd, d.Hour, d.Minute, d.Second, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	if behind := want.Sub(got); behind > 0 {
		t = t.Add(behind)
	}
	return t
}
