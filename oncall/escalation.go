package oncall

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// Step is one escalation step: once the claim deadline has passed by After,
// page the next member of the rotation after the one on call (Next), or
// Users, or both when both are set.
type Step struct {
	After time.Duration
	Next  bool
	Users []string
}

// Chain is a team's escalation chain: its steps run once and then Repeat
// more times (a negative Repeat counts as 0).
//
// Run r's steps fall r periods after the first run's, a period being the last
// step's After plus the gap between runs: the first step's After if positive,
// else the last step's, and at least a minute, so repeats never fire all at
// once. With steps whose After never decreases and is never negative (as
// config validation demands), pages fall due in index order.
type Chain struct {
	Steps  []Step
	Repeat int
}

// Page is one scheduled page of a chain.
type Page struct {
	Index int       // counts from 0 over all runs
	Run   int       // Index / len(Steps), from 0
	Step  int       // Index % len(Steps), the step it comes from
	At    time.Time // when it is due
	// Users are who to page, in order and without repeats. It is empty only
	// for a Next step whose rotation has no turns.
	Users []string
}

// minGap is the least time between one run's last page and the next run's
// first.
const minGap = time.Minute

// PageAt returns the page with index i of a ticket whose claim deadline is
// deadline, with sched saying who is on call. ok is false for an empty chain,
// for i outside [0, len(Steps)*(Repeat+1)), and for a page due too far away
// to compute (beyond a Duration after the deadline).
//
// A Next step pages the member after the one whose turn it is when the page
// falls due, in the rotation's order, skipping anyone who is the person on
// call then (an override's user included), so the page reaches someone else;
// a rotation whose members are all that person, such as a one-member
// rotation, pages its member.
func (c Chain) PageAt(i int, deadline time.Time, sched Schedule) (p Page, ok bool) {
	n := len(c.Steps)
	if n == 0 || i < 0 || i/n > max(c.Repeat, 0) {
		return Page{}, false
	}
	run, j := i/n, i%n
	offset, ok := c.offset(run, j)
	if !ok {
		return Page{}, false
	}
	p = Page{Index: i, Run: run, Step: j, At: deadline.Add(offset)}
	step := c.Steps[j]
	if step.Next {
		if u := sched.nextMember(p.At); u != "" {
			p.Users = append(p.Users, u)
		}
	}
	for _, u := range step.Users {
		if !slices.Contains(p.Users, u) {
			p.Users = append(p.Users, u)
		}
	}
	return p, true
}

// offset returns how long after the deadline step j of run r falls due.
func (c Chain) offset(r, j int) (time.Duration, bool) {
	first, last := c.Steps[0].After, c.Steps[len(c.Steps)-1].After
	gap := first
	if gap <= 0 {
		gap = last
	}
	gap = max(gap, minGap)
	after := c.Steps[j].After
	if r == 0 {
		return after, true
	}
	if last > math.MaxInt64-gap {
		return 0, false
	}
	period := last + gap
	if period <= 0 || time.Duration(r) > (math.MaxInt64-max(after, 0))/period {
		return 0, false
	}
	return time.Duration(r)*period + after, true
}

// nextMember returns who a Next step pages at t, or "" when the rotation
// has no turns.
func (s Schedule) nextMember(t time.Time) string {
	if !s.Rotation.runs() {
		return ""
	}
	members := s.Rotation.Members
	turn := s.Rotation.At(t)
	onCall := s.At(t).User
	for k := 1; k <= len(members); k++ {
		if m := members[(turn.Index+k)%len(members)]; m != onCall {
			return m
		}
	}
	return members[(turn.Index+1)%len(members)]
}

// Describe names the page for the texts that requesters and specialists read:
// "first page" through "tenth page", then "page 11" and on.
func (p Page) Describe() string {
	ordinals := [...]string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if p.Index >= 0 && p.Index < len(ordinals) {
		return ordinals[p.Index] + " page"
	}
	return fmt.Sprintf("page %d", p.Index+1)
}
