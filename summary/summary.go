// Package summary computes and renders the handoff summary of one hospital IT
// shift: what was opened, resolved and left open, how fast tickets were
// claimed and resolved, which missed their targets, and who is on call next.
//
// It is pure: Build reads only its Input, and the rendering knows Slack only
// as mrkdwn text, so the same summary can be posted, printed or tested.
package summary

import (
	"cmp"
	"slices"
	"time"

	"carebot/ticket"
)

// Period is the span a summary covers: [Start, End).
type Period struct {
	Name       string // shift name such as "Night", or "Today"/"Yesterday"
	Start, End time.Time
}

// contains reports whether t falls in [Start, End).
func (p Period) contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// SLA is the claim and resolve target of one priority.
type SLA struct{ Claim, Resolve time.Duration }

// OnCall is who is on call for one team in the next shift.
type OnCall struct {
	Team string // the team's display name
	User string // a Slack user ID such as "U0ALICE"
}

// Input is everything a summary is made from.
type Input struct {
	Period Period
	// Tickets are every ticket created in the period, closed in it, or
	// still active at its end. Others (created after the period, or created
	// and closed before it) may be present and are ignored.
	Tickets    []*ticket.Ticket
	SLA        map[ticket.Priority]SLA
	NextOnCall []OnCall
	Prefix     string         // ticket ID prefix: ticket.FormatID(Prefix, n) gives "IT-42"
	Location   *time.Location // the hospital's time zone; nil means UTC
	Late       bool           // posted after the boundary because no replica ran then
	Partial    bool           // the period has not ended yet and End is "now"
}

// Report is the computed summary of one period, with every figure the
// rendering shows. Lists hold every entry; only the rendering caps them.
type Report struct {
	Period   Period
	Location *time.Location // never nil
	Late     bool
	Partial  bool

	// Opened counts tickets created in the period; Resolved those resolved
	// in it other than self-served ones, which SelfServed counts; Cancelled
	// those cancelled in it.
	Opened, Resolved, SelfServed, Cancelled int
	// StillOpen lists the tickets not closed at the period's end, by
	// priority and then oldest first.
	StillOpen []Open
	// ByPriority and ByCategory count the tickets opened in the period;
	// ByCategory runs from the most frequent, ties by label.
	ByPriority map[ticket.Priority]int
	ByCategory []CategoryCount
	// TopUnits are the (at most five) units with the most opened tickets,
	// ties by name.
	TopUnits []UnitCount
	// Claim is the time from creation to claim of the tickets claimed in
	// the period; Resolve the time from creation to resolution of those
	// resolved in it, self-served ones aside.
	Claim, Resolve Times
	// ClaimBreaches and ResolveBreaches are the IDs of the tickets that
	// missed their claim or resolve target, in ticket-number order.
	ClaimBreaches, ResolveBreaches []string
	// P1s are the P1 tickets opened in the period, in ticket-number order.
	P1s []P1
	// Volume counts the tickets opened per hour of the period.
	Volume Volume
	// Recurring are the (category, unit) pairs with RecurringMin or more
	// opened tickets, the most frequent first.
	Recurring  []Problem
	NextOnCall []OnCall
}

// Open is a ticket still active at the period's end.
type Open struct {
	ID       string
	Priority ticket.Priority
	Category ticket.Category
	Age      time.Duration // from creation to the period's end
	Owner    string        // the claimant's user ID, or "" when unclaimed at the end
}

// P1 is a P1 ticket opened in the period, as it stood at the period's end.
type P1 struct {
	ID       string
	Category ticket.Category
	Location string
	Status   ticket.Status
	Owner    string // the claimant's user ID, or "" when unclaimed at the end
	Summary  string // the requester's words, on one line and cut to SummaryRunes
}

// CategoryCount is how many opened tickets had one category.
type CategoryCount struct {
	Category ticket.Category
	Count    int
}

// UnitCount is how many opened tickets came from one unit.
type UnitCount struct {
	Unit  string
	Count int
}

// Problem is a recurring problem: several tickets of one category from one unit.
type Problem struct {
	Category ticket.Category
	Unit     string
	IDs      []string // in ticket-number order
}

// RecurringMin is how many opened tickets of one category from one unit make
// a recurring problem.
const RecurringMin = 3

// SummaryRunes is the most runes of a P1's summary a report keeps.
const SummaryRunes = 80

// topUnits is how many units TopUnits keeps.
const topUnits = 5

// Build computes the summary of in.Period from in.Tickets, as things stood at
// the period's end.
func Build(in Input) Report {
	p := in.Period
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	id := func(t *ticket.Ticket) string { return ticket.FormatID(in.Prefix, t.Number) }
	g := group(in)
	r := Report{
		Period:          p,
		Location:        loc,
		Late:            in.Late,
		Partial:         in.Partial,
		Opened:          len(g.opened),
		Resolved:        len(g.resolved),
		SelfServed:      g.selfServed,
		Cancelled:       g.cancelled,
		StillOpen:       stillOpen(g.stillOpen, p.End, id),
		Claim:           timesOf(since(g.claimed, func(t *ticket.Ticket) time.Time { return t.ClaimedAt })),
		Resolve:         timesOf(since(g.resolved, closedAt)),
		ClaimBreaches:   ids(g.claimLate, id),
		ResolveBreaches: ids(g.resolveLate, id),
		NextOnCall:      slices.Clone(in.NextOnCall),
	}
	r.breakDown(g.opened, id)
	return r
}

// groups are the tickets of a period sorted by what a report says of them.
// A ticket can be in several: opened, still open and late to be claimed.
type groups struct {
	opened    []*ticket.Ticket // created in the period
	resolved  []*ticket.Ticket // resolved in the period, other than self-served
	stillOpen []*ticket.Ticket // active at the period's end
	claimed   []*ticket.Ticket // claimed in the period
	// claimLate and resolveLate missed their claim or resolve target.
	claimLate, resolveLate []*ticket.Ticket
	selfServed, cancelled  int
}

// group sorts in.Tickets into groups, leaving out those the period did not
// see: created after it, or created and closed before it.
func group(in Input) groups {
	var g groups
	p := in.Period
	for _, t := range in.Tickets {
		if t == nil {
			continue
		}
		opened := p.contains(t.CreatedAt)
		closed := t.Status.Closed() && p.contains(closedAt(t))
		open := openAt(t, p.End)
		if !opened && !closed && !open {
			continue
		}
		if opened {
			g.opened = append(g.opened, t)
		}
		resolved := closed && t.Status == ticket.StatusResolved && t.Resolution != ticket.ResolutionSelfServed
		switch {
		case resolved:
			g.resolved = append(g.resolved, t)
		case closed && t.Status == ticket.StatusResolved:
			g.selfServed++
		case closed:
			g.cancelled++
		}
		if open {
			g.stillOpen = append(g.stillOpen, t)
		}
		if !t.ClaimedAt.IsZero() && p.contains(t.ClaimedAt) {
			g.claimed = append(g.claimed, t)
		}
		if missedClaim(t, p, open) {
			g.claimLate = append(g.claimLate, t)
		}
		if sla, ok := in.SLA[t.Priority]; ok && missedResolve(t, p, sla.Resolve, resolved, open) {
			g.resolveLate = append(g.resolveLate, t)
		}
	}
	return g
}

// breakDown fills in the figures of the tickets opened in the period: by
// priority, category, unit and hour, the P1s and the recurring problems.
func (r *Report) breakDown(opened []*ticket.Ticket, id func(*ticket.Ticket) string) {
	r.ByPriority = make(map[ticket.Priority]int)
	r.Volume = newVolume(r.Period)
	categories := make(map[ticket.Category]int)
	units := make(map[string]int)
	problems := make(map[problemKey][]*ticket.Ticket)
	for _, t := range byNumber(opened) {
		r.ByPriority[t.Priority]++
		categories[t.Category]++
		r.Volume.add(t.CreatedAt)
		if u := Unit(t.Location); u != "" {
			units[u]++
			k := problemKey{t.Category, u}
			problems[k] = append(problems[k], t)
		}
		if t.Priority == ticket.P1 {
			r.P1s = append(r.P1s, P1{
				ID:       id(t),
				Category: t.Category,
				Location: t.Location,
				Status:   statusAt(t, r.Period.End),
				Owner:    ownerAt(t, r.Period.End),
				Summary:  clip(oneLine(t.Summary), SummaryRunes),
			})
		}
	}
	r.ByCategory = categoryCounts(categories)
	r.TopUnits = unitCounts(units, topUnits)
	r.Recurring = recurring(problems, id)
}

// stillOpen lists the tickets active at end by priority, then oldest first.
func stillOpen(ts []*ticket.Ticket, end time.Time, id func(*ticket.Ticket) string) []Open {
	slices.SortFunc(ts, func(a, b *ticket.Ticket) int {
		return cmp.Or(cmp.Compare(rank(a.Priority), rank(b.Priority)), a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.Number, b.Number))
	})
	out := make([]Open, len(ts))
	for i, t := range ts {
		out[i] = Open{ID: id(t), Priority: t.Priority, Category: t.Category, Age: end.Sub(t.CreatedAt), Owner: ownerAt(t, end)}
	}
	return out
}

// since returns, for each ticket t, the time from its creation to at(t).
func since(ts []*ticket.Ticket, at func(*ticket.Ticket) time.Time) []time.Duration {
	out := make([]time.Duration, len(ts))
	for i, t := range ts {
		out[i] = at(t).Sub(t.CreatedAt)
	}
	return out
}

// closedAt is when a closed ticket was resolved or cancelled. Old
// self-served tickets have no ResolvedAt; their last update is when they
// closed.
func closedAt(t *ticket.Ticket) time.Time {
	if t.Status == ticket.StatusResolved && !t.ResolvedAt.IsZero() {
		return t.ResolvedAt
	}
	return t.UpdatedAt
}

// openAt reports whether t was created before end and not yet closed then.
func openAt(t *ticket.Ticket, end time.Time) bool {
	return t.CreatedAt.Before(end) && (!t.Status.Closed() || !closedAt(t).Before(end))
}

// ownerAt is who had claimed t by end, or "".
func ownerAt(t *ticket.Ticket, end time.Time) string {
	if t.Owner != "" && t.ClaimedAt.Before(end) {
		return t.Owner
	}
	return ""
}

// statusAt is t's status at end: a ticket closed later was still being
// worked on then.
func statusAt(t *ticket.Ticket, end time.Time) ticket.Status {
	switch {
	case t.Status.Closed() && closedAt(t).Before(end):
		return t.Status
	case ownerAt(t, end) != "":
		return ticket.StatusClaimed
	case t.Status == ticket.StatusTriage:
		return ticket.StatusTriage
	}
	return ticket.StatusOpen
}

// missedClaim reports whether t missed its claim deadline in p: claimed in p
// after the deadline, or still unclaimed and active at p's end with the
// deadline passed.
func missedClaim(t *ticket.Ticket, p Period, open bool) bool {
	if t.ClaimDeadline.IsZero() {
		return false
	}
	claimed := !t.ClaimedAt.IsZero() && t.ClaimedAt.Before(p.End)
	if claimed {
		return p.contains(t.ClaimedAt) && t.ClaimedAt.After(t.ClaimDeadline)
	}
	return open && t.ClaimDeadline.Before(p.End)
}

// missedResolve reports whether t, whose priority allows target to resolve
// it, missed that: resolved in p after it, or still active at p's end with it
// passed. A target of zero or less means there is none.
func missedResolve(t *ticket.Ticket, p Period, target time.Duration, resolved, open bool) bool {
	if target <= 0 {
		return false
	}
	due := t.CreatedAt.Add(target)
	switch {
	case resolved:
		return closedAt(t).After(due)
	case open:
		return due.Before(p.End)
	}
	return false
}

// rank orders priorities from P1, with unknown ones last.
func rank(p ticket.Priority) int {
	if p < ticket.P1 || p > ticket.P4 {
		return int(ticket.P4) + 1
	}
	return int(p)
}

// byNumber sorts ts by ticket number, in place, and returns them.
func byNumber(ts []*ticket.Ticket) []*ticket.Ticket {
	slices.SortFunc(ts, func(a, b *ticket.Ticket) int { return cmp.Compare(a.Number, b.Number) })
	return ts
}

// ids returns the IDs of ts in ticket-number order.
func ids(ts []*ticket.Ticket, id func(*ticket.Ticket) string) []string {
	if len(ts) == 0 {
		return nil
	}
	out := make([]string, 0, len(ts))
	for _, t := range byNumber(ts) {
		out = append(out, id(t))
	}
	return out
}

// categoryCounts returns counts from the most frequent, ties in the order
// their labels are shown.
func categoryCounts(m map[ticket.Category]int) []CategoryCount {
	out := make([]CategoryCount, 0, len(m))
	for c, n := range m {
		out = append(out, CategoryCount{c, n})
	}
	slices.SortFunc(out, func(a, b CategoryCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(categoryLabel(a.Category), categoryLabel(b.Category)), cmp.Compare(a.Category, b.Category))
	})
	return out
}
