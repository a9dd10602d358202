// Package oncall answers who is on call at a given instant. It is pure: no
// clock reads and no I/O, so the same rotation and instant always give the
// same answer.
package oncall

import (
	"math"
	"math/bits"
	"time"
)

// Rotation is a list of members who take turns of equal wall-clock length.
//
// Handoffs fall at Start's wall clock in Loc plus whole multiples of Length,
// counted on the wall clock rather than in elapsed time: a rotation that
// starts at 07:00 with 12h turns hands off at 07:00 and 19:00 local every day,
// so a turn that spans a daylight-saving change lasts 11h or 13h. A handoff
// whose wall-clock time is skipped when clocks go forward happens at the first
// instant after the gap (turns left empty by the gap are skipped); one whose
// wall-clock time happens twice when clocks go back happens at the first
// occurrence.
//
// Turn k, counted from 0 at Start and negative before it, belongs to
// Members[k mod len(Members)]. Answers are exact for instants within about
// 290 years of Start.
//
// A Rotation with no members or a Length that is not positive has no turns:
// At returns the zero Turn and Next returns nil.
type Rotation struct {
	Start   time.Time      // the first handoff; its wall clock in Loc anchors the others
	Length  time.Duration  // wall-clock length of one turn
	Members []string       // in turn order
	Loc     *time.Location // the wall clock's time zone; nil means UTC
}

// Turn is one member's stretch on call.
type Turn struct {
	Member string
	Index  int       // Member's position in Rotation.Members
	Begins time.Time // in the rotation's time zone
	Ends   time.Time // the next handoff, in the rotation's time zone
}

// maxShift bounds how far one change of UTC offset moves the wall clock (the
// largest on record is a whole day, when Samoa crossed the date line).
const maxShift = 48 * time.Hour

// maxUnix bounds the handoffs this package computes (about a million years
// either side of 1970), so that calendar arithmetic never overflows.
const maxUnix = 1 << 45

// At returns the turn in effect at t: Begins <= t < Ends.
func (r Rotation) At(t time.Time) Turn {
	if !r.runs() {
		return Turn{}
	}
	return r.turn(r.seq(t))
}

// Next returns the turn in effect at t followed by the n turns after it, so
// the Begins of each but the first are the next n handoffs. A negative n
// counts as 0.
func (r Rotation) Next(t time.Time, n int) []Turn {
	if !r.runs() {
		return nil
	}
	n = max(n, 0)
	turns := make([]Turn, 0, min(n, 63)+1)
	k := r.seq(t)
	for {
		turn := r.turn(k)
		turns = append(turns, turn)
		if len(turns) > n || turn.Ends.IsZero() {
			return turns
		}
		// seq rather than k+1: it steps over turns emptied by a skipped hour.
		k = r.seq(turn.Ends)
	}
}

func (r Rotation) runs() bool { return r.Length > 0 && len(r.Members) > 0 }

func (r Rotation) loc() *time.Location {
	if r.Loc == nil {
		return time.UTC
	}
	return r.Loc
}

// turn describes turn k.
func (r Rotation) turn(k int64) Turn {
	n := int64(len(r.Members))
	i := int(((k % n) + n) % n)
	turn := Turn{Member: r.Members[i], Index: i}
	if b, ok := r.begins(k); ok {
		turn.Begins = b.In(r.loc())
	}
	if k < math.MaxInt64 {
		if e, ok := r.begins(k + 1); ok {
			turn.Ends = e.In(r.loc())
		}
	}
	return turn
}

// seq returns the number of the turn in effect at t: the largest k whose
// handoff is at or before t.
func (r Rotation) seq(t time.Time) int64 {
	loc := r.loc()
	// Counting on the wall clock lands within a zone-offset change of the
	// answer; bracket that, widen the bracket if it missed, then bisect.
	k := floorDiv(wall(t, loc).Sub(wall(r.Start, loc)), r.Length)
	slack := int64(maxShift/r.Length) + 1
	lo, hi := addSat(k, -slack), addSat(k, slack+1)
	for step := slack; lo > math.MinInt64 && !r.begunBy(lo, t); step = addSat(step, step) {
		lo = addSat(lo, -step)
	}
	for step := slack; hi < math.MaxInt64 && r.begunBy(hi, t); step = addSat(step, step) {
		hi = addSat(hi, step)
	}
	for uint64(hi)-uint64(lo) > 1 {
		mid := lo + int64((uint64(hi)-uint64(lo))/2)
		if r.begunBy(mid, t) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// begunBy reports whether turn k begins at or before t. Handoffs too far away
// to compute lie before every t when k < 0 and after it otherwise.
func (r Rotation) begunBy(k int64, t time.Time) bool {
	b, ok := r.begins(k)
	if !ok {
		return k < 0
	}
	return !b.After(t)
}

// begins returns the instant turn k begins; ok is false when it is out of range.
func (r Rotation) begins(k int64) (time.Time, bool) {
	loc := r.loc()
	c, ok := addMul(wall(r.Start, loc), k, r.Length)
	if !ok {
		return time.Time{}, false
	}
	return instant(c, loc), true
}

// wall returns t's wall clock in loc, written as a UTC time so that wall
// clocks can be added to and compared without any zone rules applying.
func wall(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)
}

// instant returns the first instant at which the wall clock in loc reads c (a
// wall clock as returned by wall), or, when the clocks skip c, the instant
// they jump.
func instant(c time.Time, loc *time.Location) time.Time {
	y, mo, d := c.Date()
	h, mi, s := c.Clock()
	t := time.Date(y, mo, d, h, mi, s, c.Nanosecond(), loc)
	start, end := t.ZoneBounds()
	switch w := wall(t, loc); {
	case w.After(c) && !start.IsZero():
		// c was skipped, and time.Date read it with the offset from before
		// the gap, which lands after it.
		return start
	case w.Before(c) && !end.IsZero():
		// c was skipped, and time.Date read it with the offset from after
		// the gap, which lands before it.
		return end
	case w.Equal(c) && !start.IsZero():
		// c may also have happened earlier, just before the clocks went back.
		_, off := start.Add(-time.Nanosecond).Zone()
		early := c.Add(-time.Duration(off) * time.Second)
		if early.Before(start) && wall(early, loc).Equal(c) {
			return early.In(loc)
		}
	}
	return t
}

// addMul returns base + k*d, or false when the result lies beyond maxUnix.
// The product is formed in 128 bits, so it does not overflow a Duration.
func addMul(base time.Time, k int64, d time.Duration) (time.Time, bool) {
	neg := (k < 0) != (d < 0)
	hi, lo := bits.Mul64(absU(k), absU(int64(d)))
	if hi >= uint64(time.Second) {
		return time.Time{}, false
	}
	sec, nsec := bits.Div64(hi, lo, uint64(time.Second))
	if sec > 2*maxUnix {
		return time.Time{}, false
	}
	s, ns := int64(sec), int64(nsec)
	if neg {
		s, ns = -s, -ns
	}
	b := base.Unix()
	if b > maxUnix || b < -maxUnix {
		return time.Time{}, false
	}
	s += b
	if s > maxUnix || s < -maxUnix {
		return time.Time{}, false
	}
	return time.Unix(s, int64(base.Nanosecond())+ns).UTC(), true
}

func absU(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// floorDiv divides rounding toward minus infinity; d must be positive.
func floorDiv(x, d time.Duration) int64 {
	q := x / d
	if x%d != 0 && x < 0 {
		q--
	}
	return int64(q)
}

// addSat adds without wrapping around.
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}
