package oncall

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"carebot/ticket"
)

// Override puts User on call for a team from Start until End, ahead of the
// rotation: it is in effect at t when Start <= t < End. An override with no
// User, or whose End is not after its Start, is never in effect.
type Override struct {
	User       string
	Start, End time.Time
}

// Schedule is a team's rotation with its overrides.
type Schedule struct {
	Rotation  Rotation
	Overrides []Override
}

// OnCall is one stretch of a schedule during which the same person answers.
//
// A stretch ends when the person changes, when the answer switches between an
// override and the rotation (even for the same user), or at a rotation handoff
// while the rotation answers (even when the next turn is the same member's).
// Overrides for the same user that overlap or abut make one stretch, and a
// rotation handoff under an override does not end it.
type OnCall struct {
	User     string    // empty when nobody is on call: no override and no rotation turns
	Override bool      // User is on call through an override
	Since    time.Time // when the stretch began; zero if it began before any computable time
	Until    time.Time // the next instant the answer changes; zero if it never does
}

// At returns who is on call at t: the override in effect at t, else the
// rotation's member. When several overrides are in effect, the one that
// started last wins; of those that started together, the one that ends
// later, then the first in Overrides. Since <= t < Until, both in the
// rotation's time zone.
func (s Schedule) At(t time.Time) OnCall {
	var oc OnCall
	if w := s.winner(t); w >= 0 {
		oc = s.overrideStretch(t, w)
	} else {
		oc = s.rotationStretch(t)
	}
	loc := s.Rotation.loc()
	if !oc.Since.IsZero() {
		oc.Since = oc.Since.In(loc)
	}
	if !oc.Until.IsZero() {
		oc.Until = oc.Until.In(loc)
	}
	return oc
}

// Next returns the stretch in effect at t followed by the n stretches after
// it, so the Since of each but the first are the next n changes of who is on
// call. It returns fewer when the answer stops changing. A negative n counts
// as 0.
func (s Schedule) Next(t time.Time, n int) []OnCall {
	n = max(n, 0)
	out := make([]OnCall, 0, min(n, 63)+1)
	oc := s.At(t)
	for {
		out = append(out, oc)
		if len(out) > n || oc.Until.IsZero() {
			return out
		}
		oc = s.At(oc.Until)
	}
}

// rotationStretch is the stretch at t when no override is in effect: the
// rotation's turn, cut by the overrides around t.
func (s Schedule) rotationStretch(t time.Time) OnCall {
	turn := s.Rotation.At(t)
	oc := OnCall{User: turn.Member, Since: turn.Begins, Until: turn.Ends}
	for _, o := range s.Overrides {
		if !o.valid() {
			continue
		}
		if !o.End.After(t) && o.End.After(oc.Since) {
			oc.Since = o.End
		}
		if o.Start.After(t) && (oc.Until.IsZero() || o.Start.Before(oc.Until)) {
			oc.Until = o.Start
		}
	}
	return oc
}

// overrideStretch is the stretch at t when Overrides[w] is in effect there:
// it runs from when w's user began to answer without a break to when someone
// else or the rotation takes over.
func (s Schedule) overrideStretch(t time.Time, w int) OnCall {
	user := s.Overrides[w].User
	oc := OnCall{User: user, Override: true}

	// Each step moves to another override's start or end, so the loops end
	// within twice the number of overrides.
	cur := t
	for {
		oc.Until = s.wins(cur, w)
		next := s.winner(oc.Until)
		if next < 0 || s.Overrides[next].User != user {
			break
		}
		cur, w = oc.Until, next
	}
	for {
		oc.Since = s.wonSince(cur, w)
		// Times are whole nanoseconds, so this is the instant just before.
		before := oc.Since.Add(-time.Nanosecond)
		prev := s.winner(before)
		if prev < 0 || s.Overrides[prev].User != user {
			break
		}
		cur, w = before, prev
	}
	return oc
}

// wins returns when Overrides[w], the winner at t, stops winning: at its end
// or when a later override starts, whichever is first.
func (s Schedule) wins(t time.Time, w int) time.Time {
	until := s.Overrides[w].End
	for _, o := range s.Overrides {
		if o.valid() && o.Start.After(t) && o.Start.Before(until) {
			until = o.Start
		}
	}
	return until
}

// wonSince returns when Overrides[w], the winner at t, began to win without a
// break: at its start, or when the last override that started after it and
// beat it ended.
func (s Schedule) wonSince(t time.Time, w int) time.Time {
	win := s.Overrides[w]
	since := win.Start
	for _, o := range s.Overrides {
		if o.valid() && o.Start.After(win.Start) && !o.End.After(t) && o.End.After(since) {
			since = o.End
		}
	}
	return since
}

// winner returns the index of the override that answers at t, or -1.
func (s Schedule) winner(t time.Time) int {
	w := -1
	for i, o := range s.Overrides {
		if !o.valid() || t.Before(o.Start) || !t.Before(o.End) {
			continue
		}
		if w < 0 || o.beats(s.Overrides[w]) {
			w = i
		}
	}
	return w
}

// beats reports whether o wins over p when both are in effect; a tie goes to
// p, the one earlier in the list.
func (o Override) beats(p Override) bool {
	if !o.Start.Equal(p.Start) {
		return o.Start.After(p.Start)
	}
	return o.End.After(p.End)
}

func (o Override) valid() bool { return o.User != "" && o.End.After(o.Start) }

// MaxOverride is the longest override ParseOverrideEnd accepts as a duration.
const MaxOverride = 7 * 24 * time.Hour

// endUsage says what ParseOverrideEnd accepts, for its error messages.
const endUsage = "Give how long, such as `2h` or `90m` (at most 7 days, `168h`), or `until HH:MM` in 24-hour local time, such as `until 07:00`."

// ParseOverrideEnd reads the end of "/oncall override TEAM @user
// DURATION|until HH:MM": a Go duration from now, positive and at most
// MaxOverride, or "until HH:MM", the next time after now that the wall clock
// in loc (nil means UTC) reads HH:MM. A time the clocks skip resolves to the
// instant they jump; a time they repeat resolves to whichever occurrence
// comes next; a time within a minute of now resolves to the next day's, so
// that "until 14:00" sent at 13:59:30 lasts a day rather than seconds.
//
// The result is after now and in loc. Errors are *ticket.Error values with
// code ticket.Invalid whose message says what is accepted.
func ParseOverrideEnd(arg string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	fields := strings.Fields(arg)
	switch {
	case len(fields) == 0:
		return time.Time{}, ticket.Errorf(ticket.Invalid, "Say when the override ends. %s", endUsage)
	case strings.EqualFold(fields[0], "until"):
		if len(fields) != 2 {
			return time.Time{}, ticket.Errorf(ticket.Invalid, "After `until` give one time, HH:MM. %s", endUsage)
		}
		h, m, ok := parseClock(fields[1])
		if !ok {
			return time.Time{}, ticket.Errorf(ticket.Invalid, "%s is not a time of day. %s", quote(fields[1]), endUsage)
		}
		return nextWallClock(h, m, now, loc), nil
	case len(fields) > 1:
		return time.Time{}, ticket.Errorf(ticket.Invalid, "%s is not a duration. %s", quote(strings.Join(fields, " ")), endUsage)
	}
	d, err := time.ParseDuration(fields[0])
	switch {
	case err != nil && wholeDays(fields[0]):
		return time.Time{}, ticket.Errorf(ticket.Invalid, "%s: write days in hours, such as `48h` for 2 days. %s", quote(fields[0]), endUsage)
	case err != nil:
		return time.Time{}, ticket.Errorf(ticket.Invalid, "%s is not a duration. %s", quote(fields[0]), endUsage)
	case d <= 0:
		return time.Time{}, ticket.Errorf(ticket.Invalid, "%s is not a positive duration. %s", quote(fields[0]), endUsage)
	case d > MaxOverride:
		return time.Time{}, ticket.Errorf(ticket.Invalid, "%s is longer than 7 days. %s", quote(fields[0]), endUsage)
	}
	return now.Add(d).In(loc), nil
}

// parseClock reads "H:MM" or "HH:MM" on a 24-hour clock.
func parseClock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !digits(hs) || !digits(ms) {
		return 0, 0, false
	}
	h, _ = strconv.Atoi(hs)
	m, _ = strconv.Atoi(ms)
	return h, m, h < 24 && m < 60
}

// wholeDays reports whether s reads like "8d", a unit Go durations lack.
func wholeDays(s string) bool {
	n, ok := strings.CutSuffix(strings.ToLower(s), "d")
	return ok && n != "" && digits(n)
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// nextWallClock returns the first instant more than a minute after now at
// which the wall clock in loc reads h:m, or at which the clocks jump over it.
func nextWallClock(h, m int, now time.Time, loc *time.Location) time.Time {
	after := now.Add(time.Minute)
	y, mo, d := now.In(loc).Date()
	// The day before covers zones whose offset moved now's date past the
	// answer's; three days ahead covers a date a zone skipped (Samoa, 2011)
	// after a time within a minute of now.
	for day := d - 1; day <= d+3; day++ {
		c := time.Date(y, mo, day, h, m, 0, 0, time.UTC)
		for _, t := range occurrences(c, loc) {
			if t.After(after) {
				return t.In(loc)
			}
		}
	}
	// Unreachable for any zone on record; a day later is the safe answer.
	return now.Add(24 * time.Hour).In(loc)
}

// occurrences returns, in order, the instants at which the wall clock in loc
// reads c (a wall clock as returned by wall): one on most days, two when the
// clocks go back over c, and, when they skip c, the instant they jump.
func occurrences(c time.Time, loc *time.Location) []time.Time {
	var out []time.Time
	// Walk the zone periods around c: c happens in a period when c minus
	// that period's offset lies inside it.
	for t := c.Add(-maxShift); !t.After(c.Add(maxShift)); {
		lt := t.In(loc)
		_, off := lt.Zone()
		start, end := lt.ZoneBounds()
		x := c.Add(-time.Duration(off) * time.Second)
		if (start.IsZero() || !x.Before(start)) && (end.IsZero() || x.Before(end)) {
			out = append(out, x)
		}
		if end.IsZero() || !end.After(t) {
			break
		}
		t = end
	}
	if len(out) == 0 {
		out = append(out, instant(c, loc))
	}
	return out
}

// quote echoes a user's word back to them, shortened so that a long paste
// does not flood the reply.
func quote(s string) string {
	const limit = 32
	if utf8.RuneCountInString(s) > limit {
		s = string([]rune(s)[:limit]) + "…"
	}
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}
