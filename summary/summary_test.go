package summary

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo
	"unicode/utf8"

	"carebot/ticket"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// local parses a wall clock in loc, such as "2026-11-24T19:00".
func local(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// night is the period most tests summarise: Tuesday's night shift in Chicago.
func night(t testing.TB) (Period, *time.Location) {
	t.Helper()
	chicago := mustLoad(t, "America/Chicago")
	return Period{Name: "Night", Start: local(t, chicago, "2026-11-24T19:00"), End: local(t, chicago, "2026-11-25T07:00")}, chicago
}

// build summarises ts over p with the SLA of the default configuration.
func build(p Period, loc *time.Location, ts ...*ticket.Ticket) Report {
	return Build(Input{
		Period:   p,
		Tickets:  ts,
		SLA:      map[ticket.Priority]SLA{ticket.P1: {5 * time.Minute, time.Hour}, ticket.P2: {15 * time.Minute, 4 * time.Hour}},
		Prefix:   "IT",
		Location: loc,
	})
}

// section returns the body of the section titled title, or "" if there is none.
func section(r Report, title string) string {
	for _, s := range r.Sections() {
		if s.Title == title {
			return s.Body
		}
	}
	return ""
}

func TestBuildCountsEachTicketByWhatHappenedInThePeriod(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	before, during, after := p.Start.Add(-2*time.Hour), p.Start.Add(3*time.Hour), p.End.Add(time.Hour)
	type counts struct{ opened, resolved, selfServed, cancelled, open int }
	tests := []struct {
		name string
		t    ticket.Ticket
		want counts
	}{
		{"opened and still open", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: during}, counts{opened: 1, open: 1}},
		{"opened at the start counts", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: p.Start}, counts{opened: 1, open: 1}},
		{"opened in triage is still open", ticket.Ticket{Status: ticket.StatusTriage, CreatedAt: during}, counts{opened: 1, open: 1}},
		{"opened and resolved", ticket.Ticket{Status: ticket.StatusResolved, CreatedAt: during, ResolvedAt: during.Add(time.Hour)}, counts{opened: 1, resolved: 1}},
		{"carried over and resolved", ticket.Ticket{Status: ticket.StatusResolved, CreatedAt: before, ResolvedAt: during}, counts{resolved: 1}},
		{"carried over and still claimed", ticket.Ticket{Status: ticket.StatusClaimed, CreatedAt: before, ClaimedAt: before}, counts{open: 1}},
		{"resolved after the end was still open", ticket.Ticket{Status: ticket.StatusResolved, CreatedAt: during, ResolvedAt: after}, counts{opened: 1, open: 1}},
		{"resolved at the end was still open", ticket.Ticket{Status: ticket.StatusResolved, CreatedAt: during, ResolvedAt: p.End}, counts{opened: 1, open: 1}},
		{"cancelled after the end was still open", ticket.Ticket{Status: ticket.StatusCancelled, CreatedAt: during, UpdatedAt: after}, counts{opened: 1, open: 1}},
		{"self-served", ticket.Ticket{Status: ticket.StatusResolved, Resolution: ticket.ResolutionSelfServed, CreatedAt: during, ResolvedAt: during}, counts{opened: 1, selfServed: 1}},
		{"self-served in old data without ResolvedAt", ticket.Ticket{Status: ticket.StatusResolved, Resolution: ticket.ResolutionSelfServed, CreatedAt: before, UpdatedAt: during}, counts{selfServed: 1}},
		{"cancelled", ticket.Ticket{Status: ticket.StatusCancelled, CreatedAt: during, UpdatedAt: during}, counts{opened: 1, cancelled: 1}},
		// Ignored tickets carry a late claim and a passed deadline, so a
		// figure that leaked them would show.
		{"created and resolved before the start is ignored", ticket.Ticket{Status: ticket.StatusResolved, Priority: ticket.P1, CreatedAt: before.Add(-3 * time.Hour), ClaimDeadline: before.Add(-2 * time.Hour), ClaimedAt: before, ResolvedAt: before}, counts{}},
		{"created after the end is ignored", ticket.Ticket{Status: ticket.StatusOpen, Priority: ticket.P1, CreatedAt: after, ClaimDeadline: after}, counts{}},
		{"created after the end is ignored even when its claim time says otherwise", ticket.Ticket{Status: ticket.StatusClaimed, Owner: "U1", CreatedAt: after, ClaimDeadline: during, ClaimedAt: during.Add(time.Hour)}, counts{}},
		{"created at the end is ignored", ticket.Ticket{Status: ticket.StatusOpen, Priority: ticket.P1, CreatedAt: p.End, ClaimDeadline: p.End.Add(-time.Minute)}, counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.t.Number = 1
			r := build(p, loc, &tt.t)
			got := counts{r.Opened, r.Resolved, r.SelfServed, r.Cancelled, len(r.StillOpen)}
			if got != tt.want {
				t.Errorf("counts = %+v, want %+v", got, tt.want)
			}
			if tt.want == (counts{}) {
				if empty := build(p, loc); !reflect.DeepEqual(r, empty) {
					t.Errorf("an ignored ticket changed the report:\n got %+v\nwant %+v", r, empty)
				}
			}
		})
	}
}

func TestBuildCountsOpenedByPriorityAndCategory(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	at := p.Start.Add(time.Hour)
	r := build(p, loc,
		&ticket.Ticket{Number: 1, Priority: ticket.P1, Category: ticket.CategoryEHR, CreatedAt: at},
		&ticket.Ticket{Number: 2, Priority: ticket.P3, Category: ticket.CategoryPrinter, CreatedAt: at},
		&ticket.Ticket{Number: 3, Priority: ticket.P3, Category: ticket.CategoryPrinter, CreatedAt: at},
		&ticket.Ticket{Number: 4, Priority: ticket.P2, Category: ticket.CategoryLogin, CreatedAt: at},
		// Resolved in the period but opened before it: not in the breakdowns.
		&ticket.Ticket{Number: 5, Priority: ticket.P4, Category: ticket.CategoryPhone, Status: ticket.StatusResolved, CreatedAt: p.Start.Add(-time.Hour), ResolvedAt: at},
	)
	wantP := map[ticket.Priority]int{ticket.P1: 1, ticket.P2: 1, ticket.P3: 2}
	if !reflect.DeepEqual(r.ByPriority, wantP) {
		t.Errorf("ByPriority = %v, want %v", r.ByPriority, wantP)
	}
	wantC := []CategoryCount{{ticket.CategoryPrinter, 2}, {ticket.CategoryEHR, 1}, {ticket.CategoryLogin, 1}}
	if !reflect.DeepEqual(r.ByCategory, wantC) {
		t.Errorf("ByCategory = %v, want %v", r.ByCategory, wantC)
	}
	body := r.Sections()[0].Body
	for _, want := range []string{"By priority: P1 1 · P2 1 · P3 2 · P4 0", "By category: printer 2 · EHR / clinical applications 1 · login / badge tap 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q:\n%s", want, body)
		}
	}
}

func TestStillOpenIsByPriorityThenOldestWithOwnerAtTheEnd(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	r := build(p, loc,
		&ticket.Ticket{Number: 1, Priority: ticket.P3, Status: ticket.StatusOpen, CreatedAt: p.End.Add(-45 * time.Minute)},
		&ticket.Ticket{Number: 2, Priority: ticket.P1, Status: ticket.StatusClaimed, Owner: "U0ALICE", CreatedAt: p.End.Add(-(3*time.Hour + 12*time.Minute)), ClaimedAt: p.End.Add(-3 * time.Hour)},
		&ticket.Ticket{Number: 3, Priority: ticket.P3, Status: ticket.StatusClaimed, Owner: "U0BOB", CreatedAt: p.End.Add(-52 * time.Hour), ClaimedAt: p.End.Add(-time.Hour)},
		// Claimed only after the end: unclaimed at the handoff.
		&ticket.Ticket{Number: 4, Priority: ticket.P1, Status: ticket.StatusResolved, Owner: "U0CAROL", CreatedAt: p.End.Add(-10 * time.Minute), ClaimedAt: p.End.Add(time.Minute), ResolvedAt: p.End.Add(time.Hour)},
	)
	want := []Open{
		{ID: "IT-2", Priority: ticket.P1, Age: 3*time.Hour + 12*time.Minute, Owner: "U0ALICE"},
		{ID: "IT-4", Priority: ticket.P1, Age: 10 * time.Minute},
		{ID: "IT-3", Priority: ticket.P3, Age: 52 * time.Hour, Owner: "U0BOB"},
		{ID: "IT-1", Priority: ticket.P3, Age: 45 * time.Minute},
	}
	if !reflect.DeepEqual(r.StillOpen, want) {
		t.Errorf("StillOpen =\n%+v\nwant\n%+v", r.StillOpen, want)
	}
	body := section(r, "Still open")
	for _, line := range []string{
		"• *IT-2* P1 · no category · 3h 12m · <@U0ALICE>",
		"• *IT-4* P1 · no category · 10m · unclaimed",
		"• *IT-3* P3 · no category · 2d 4h · <@U0BOB>",
	} {
		if !strings.Contains(body, line) {
			t.Errorf("still-open section lacks %q:\n%s", line, body)
		}
	}
	if strings.Contains(body, "U0CAROL") {
		t.Errorf("a claim after the end shows as the owner:\n%s", body)
	}
}

func TestStillOpenListIsCapped(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	var ts []*ticket.Ticket
	for i := range 30 {
		ts = append(ts, &ticket.Ticket{Number: int64(i + 1), Priority: ticket.P2, Status: ticket.StatusOpen, CreatedAt: p.Start.Add(time.Duration(i) * time.Minute)})
	}
	body := section(build(p, loc, ts...), "Still open")
	if got := strings.Count(body, "• "); got != maxStillOpen {
		t.Errorf("%d tickets listed, want %d", got, maxStillOpen)
	}
	if !strings.HasSuffix(body, "…and 5 more") {
		t.Errorf("still-open section does not end with the rest's count:\n%s", body)
	}
}

func TestTimesAreNearestRankPercentiles(t *testing.T) {
	t.Parallel()
	minutes := func(ms ...int) []time.Duration {
		var ds []time.Duration
		for _, m := range ms {
			ds = append(ds, time.Duration(m)*time.Minute)
		}
		return ds
	}
	tests := []struct {
		name string
		in   []time.Duration
		want string
	}{
		{"none", nil, "—"},
		{"one", minutes(7), "median 7m · p90 7m (n=1)"},
		{"1 to 10 minutes, shuffled", minutes(7, 3, 10, 1, 9, 2, 8, 4, 6, 5), "median 5m · p90 9m (n=10)"},
		{"twenty", minutes(20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), "median 10m · p90 18m (n=20)"},
		{"hours", []time.Duration{time.Hour, 2*time.Hour + 5*time.Minute, 3 * time.Hour}, "median 2h 5m · p90 3h (n=3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := timesOf(tt.in).String(); got != tt.want {
				t.Errorf("timesOf = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBuildMeasuresClaimsAndResolutionsInThePeriod(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	var ts []*ticket.Ticket
	for m := 1; m <= 10; m++ {
		created := p.Start.Add(time.Duration(m) * time.Hour)
		ts = append(ts, &ticket.Ticket{Number: int64(m), Status: ticket.StatusResolved, CreatedAt: created,
			ClaimedAt: created.Add(time.Duration(m) * time.Minute), ResolvedAt: created.Add(time.Duration(m) * 10 * time.Minute)})
	}
	// Neither claimed nor resolved in the period, and a self-served ticket:
	// none of them is measured.
	ts = append(ts,
		&ticket.Ticket{Number: 11, Status: ticket.StatusClaimed, CreatedAt: p.Start.Add(-3 * time.Hour), ClaimedAt: p.Start.Add(-time.Hour)},
		&ticket.Ticket{Number: 12, Status: ticket.StatusResolved, CreatedAt: p.End.Add(-time.Minute), ClaimedAt: p.End.Add(time.Hour), ResolvedAt: p.End.Add(2 * time.Hour)},
		&ticket.Ticket{Number: 13, Status: ticket.StatusResolved, Resolution: ticket.ResolutionSelfServed, CreatedAt: p.Start, ResolvedAt: p.Start.Add(10 * time.Hour)},
	)
	r := build(p, loc, ts...)
	if want := (Times{N: 10, Median: 5 * time.Minute, P90: 9 * time.Minute}); r.Claim != want {
		t.Errorf("Claim = %+v, want %+v", r.Claim, want)
	}
	if want := (Times{N: 10, Median: 50 * time.Minute, P90: 90 * time.Minute}); r.Resolve != want {
		t.Errorf("Resolve = %+v, want %+v", r.Resolve, want)
	}
	if want := "Time to claim: median 5m · p90 9m (n=10)\nTime to resolve: median 50m · p90 1h 30m (n=10)"; section(r, "Response times") != want {
		t.Errorf("response times = %q, want %q", section(r, "Response times"), want)
	}

	if got := section(build(p, loc), "Response times"); got != "Time to claim: —\nTime to resolve: —" {
		t.Errorf("response times with no tickets = %q", got)
	}
}

func TestClaimBreaches(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	mid := p.Start.Add(6 * time.Hour)
	tests := []struct {
		name string
		t    ticket.Ticket
		want bool
	}{
		{"claimed in the period after the deadline", ticket.Ticket{Status: ticket.StatusClaimed, Owner: "U1", CreatedAt: mid, ClaimDeadline: mid.Add(5 * time.Minute), ClaimedAt: mid.Add(6 * time.Minute)}, true},
		{"claimed in the period before the deadline", ticket.Ticket{Status: ticket.StatusClaimed, Owner: "U1", CreatedAt: mid, ClaimDeadline: mid.Add(5 * time.Minute), ClaimedAt: mid.Add(4 * time.Minute)}, false},
		{"claimed late before the period: the last shift's breach", ticket.Ticket{Status: ticket.StatusClaimed, Owner: "U1", CreatedAt: p.Start.Add(-time.Hour), ClaimDeadline: p.Start.Add(-50 * time.Minute), ClaimedAt: p.Start.Add(-10 * time.Minute)}, false},
		{"unclaimed at the end with the deadline passed", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: mid, ClaimDeadline: mid.Add(5 * time.Minute)}, true},
		{"unclaimed since before the period", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: p.Start.Add(-time.Hour), ClaimDeadline: p.Start.Add(-55 * time.Minute)}, true},
		{"unclaimed at the end, deadline after it", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: p.End.Add(-time.Minute), ClaimDeadline: p.End.Add(4 * time.Minute)}, false},
		{"claimed only after the end, deadline passed", ticket.Ticket{Status: ticket.StatusClaimed, Owner: "U1", CreatedAt: mid, ClaimDeadline: mid.Add(5 * time.Minute), ClaimedAt: p.End.Add(time.Minute)}, true},
		{"unclaimed but cancelled in the period", ticket.Ticket{Status: ticket.StatusCancelled, CreatedAt: mid, ClaimDeadline: mid.Add(5 * time.Minute), UpdatedAt: mid.Add(time.Hour)}, false},
		{"no deadline", ticket.Ticket{Status: ticket.StatusOpen, CreatedAt: mid}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.t.Number = 7
			r := build(p, loc, &tt.t)
			if got := slices.Equal(r.ClaimBreaches, []string{"IT-7"}); got != tt.want {
				t.Errorf("ClaimBreaches = %v, want breached %v", r.ClaimBreaches, tt.want)
			}
			if got := strings.Contains(section(r, "Missed targets"), "IT-7"); got != tt.want {
				t.Errorf("missed-targets section lists it: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResolveBreaches(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	mid := p.Start.Add(6 * time.Hour)
	tests := []struct {
		name string
		t    ticket.Ticket
		want bool
	}{
		{"P1 resolved after its hour", ticket.Ticket{Priority: ticket.P1, Status: ticket.StatusResolved, CreatedAt: mid, ResolvedAt: mid.Add(61 * time.Minute)}, true},
		{"P1 resolved within its hour", ticket.Ticket{Priority: ticket.P1, Status: ticket.StatusResolved, CreatedAt: mid, ResolvedAt: mid.Add(59 * time.Minute)}, false},
		{"P2 open at the end past its 4h", ticket.Ticket{Priority: ticket.P2, Status: ticket.StatusClaimed, CreatedAt: p.End.Add(-5 * time.Hour)}, true},
		{"P2 open at the end within its 4h", ticket.Ticket{Priority: ticket.P2, Status: ticket.StatusOpen, CreatedAt: p.End.Add(-3 * time.Hour)}, false},
		{"P2 resolved after the end, past its 4h at the end", ticket.Ticket{Priority: ticket.P2, Status: ticket.StatusResolved, CreatedAt: p.End.Add(-5 * time.Hour), ResolvedAt: p.End.Add(time.Hour)}, true},
		{"P1 self-served late is not a resolution", ticket.Ticket{Priority: ticket.P1, Status: ticket.StatusResolved, Resolution: ticket.ResolutionSelfServed, CreatedAt: mid, ResolvedAt: mid.Add(2 * time.Hour)}, false},
		{"P3 has no target here", ticket.Ticket{Priority: ticket.P3, Status: ticket.StatusOpen, CreatedAt: p.Start.Add(-48 * time.Hour)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.t.Number = 8
			r := build(p, loc, &tt.t)
			if got := slices.Equal(r.ResolveBreaches, []string{"IT-8"}); got != tt.want {
				t.Errorf("ResolveBreaches = %v, want breached %v", r.ResolveBreaches, tt.want)
			}
		})
	}
}

func TestBreachListsAreCapped(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	var ts []*ticket.Ticket
	for i := range 23 {
		ts = append(ts, &ticket.Ticket{Number: int64(i + 1), Status: ticket.StatusOpen, CreatedAt: p.Start, ClaimDeadline: p.Start.Add(time.Minute)})
	}
	body := section(build(p, loc, ts...), "Missed targets")
	if !strings.Contains(body, "(23): IT-1, IT-2, ") || !strings.HasSuffix(body, "IT-20 …and 3 more") || strings.Contains(body, "IT-21") {
		t.Errorf("missed targets not capped at %d:\n%s", maxBreaches, body)
	}
}

func TestUnit(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"4 West, room 412, bed B": "4 West",
		"ED bay 7":                "ED",
		"NICU pod C, bed 4":       "NICU",
		"floor 3":                 "floor 3",
		"Bay 3":                   "Bay 3",
		"ICU  Bay 12 ":            "ICU",
		"":                        "",
		"L&D, triage":             "L&D",
	}
	for in, want := range tests {
		if got := Unit(in); got != want {
			t.Errorf("Unit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTopUnitsAreTheFiveBusiestTiesByName(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	var ts []*ticket.Ticket
	add := func(loc string, n int) {
		for range n {
			ts = append(ts, &ticket.Ticket{Number: int64(len(ts) + 1), Location: loc, CreatedAt: p.Start})
		}
	}
	add("ED bay 1", 2)
	add("ED bay 4", 2)
	add("4 West, room 412", 3)
	add("5 North", 2)
	add("ICU pod A", 2)
	add("Oncology", 1)
	add("PACU", 2)
	add("", 9)
	r := build(p, loc, ts...)
	want := []UnitCount{{"ED", 4}, {"4 West", 3}, {"5 North", 2}, {"ICU", 2}, {"PACU", 2}}
	if !reflect.DeepEqual(r.TopUnits, want) {
		t.Errorf("TopUnits = %v, want %v", r.TopUnits, want)
	}
	if got, want := section(r, "Top units"), "ED 4 · 4 West 3 · 5 North 2 · ICU 2 · PACU 2"; got != want {
		t.Errorf("top units = %q, want %q", got, want)
	}
}

func TestRecurringProblemsNeedThreeTicketsOfOneCategoryFromOneUnit(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	printer := func(n int64, loc string) *ticket.Ticket {
		return &ticket.Ticket{Number: n, Category: ticket.CategoryPrinter, Location: loc, CreatedAt: p.Start.Add(time.Duration(n) * time.Minute)}
	}
	two := []*ticket.Ticket{printer(3, "4 West, room 1"), printer(9, "4 West, room 2"), printer(4, "5 North"),
		{Number: 5, Category: ticket.CategoryLogin, Location: "4 West", CreatedAt: p.Start}}
	if r := build(p, loc, two...); len(r.Recurring) != 0 || section(r, "Recurring problems") != "" {
		t.Errorf("two tickets make a recurring problem: %+v", r.Recurring)
	}

	three := append(two, printer(12, "4 West bay 2"))
	r := build(p, loc, three...)
	want := []Problem{{Category: ticket.CategoryPrinter, Unit: "4 West", IDs: []string{"IT-3", "IT-9", "IT-12"}}}
	if !reflect.DeepEqual(r.Recurring, want) {
		t.Errorf("Recurring = %+v, want %+v", r.Recurring, want)
	}
	if got, want := section(r, "Recurring problems"), "• printer in 4 West ×3 (IT-3, IT-9, IT-12)"; got != want {
		t.Errorf("recurring problems = %q, want %q", got, want)
	}
}

func TestVolumeCountsOpenedTicketsPerHourAndScalesGlyphs(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	perHour := []int{0, 1, 8, 4, 2, 0, 0, 1, 2, 1, 0, 0}
	var ts []*ticket.Ticket
	for h, n := range perHour {
		for i := range n {
			ts = append(ts, &ticket.Ticket{Number: int64(len(ts) + 1), CreatedAt: p.Start.Add(time.Duration(h)*time.Hour + time.Duration(i)*time.Minute)})
		}
	}
	// A ticket carried over from the day shift is not opened in this one.
	ts = append(ts, &ticket.Ticket{Number: 99, Status: ticket.StatusOpen, CreatedAt: p.Start.Add(-time.Minute)})
	r := build(p, loc, ts...)
	if !slices.Equal(r.Volume.Counts, perHour) {
		t.Errorf("Counts = %v, want %v", r.Volume.Counts, perHour)
	}
	// Levels are ceil(7n/8): 1→1 ▂, 2→2 ▃, 4→4 ▅, 8→7 █; no ticket is ▁.
	if got, want := section(r, "Volume by hour"), "`▁▂█▅▃▁▁▂▃▂▁▁` 19:00–07:00 (peak 8 at 21:00)"; got != want {
		t.Errorf("volume = %q, want %q", got, want)
	}
	if got, want := section(build(p, loc), "Volume by hour"), "`▁▁▁▁▁▁▁▁▁▁▁▁` 19:00–07:00 (none opened)"; got != want {
		t.Errorf("empty volume = %q, want %q", got, want)
	}
}

func TestVolumeHasOneStepPerRealHourAcrossDST(t *testing.T) {
	t.Parallel()
	chicago := mustLoad(t, "America/Chicago")
	tests := []struct {
		name       string
		start, end string
		steps      int
	}{
		{"fall back", "2026-10-31T19:00", "2026-11-01T07:00", 13},
		{"spring forward", "2026-03-07T19:00", "2026-03-08T07:00", 11},
		{"ordinary night", "2026-11-24T19:00", "2026-11-25T07:00", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Period{Name: "Night", Start: local(t, chicago, tt.start), End: local(t, chicago, tt.end)}
			// One ticket in the last real hour of the night.
			r := build(p, chicago, &ticket.Ticket{Number: 1, CreatedAt: p.End.Add(-time.Minute)})
			if len(r.Volume.Counts) != tt.steps || r.Volume.Counts[tt.steps-1] != 1 {
				t.Errorf("Counts = %v, want %d steps with the last ticket in the last", r.Volume.Counts, tt.steps)
			}
			body := section(r, "Volume by hour")
			bar := strings.Split(body, "`")[1]
			if n := utf8.RuneCountInString(bar); n != tt.steps {
				t.Errorf("bar %q has %d glyphs, want %d", bar, n, tt.steps)
			}
			if !strings.Contains(body, "19:00–07:00 (peak 1 at 06:00)") {
				t.Errorf("volume = %q", body)
			}
		})
	}

	// The two 01:30s of the fall-back night fall in different steps.
	p := Period{Start: local(t, chicago, "2026-10-31T19:00"), End: local(t, chicago, "2026-11-01T07:00")}
	firstOneThirty := local(t, chicago, "2026-11-01T00:30").Add(time.Hour)
	r := build(p, chicago,
		&ticket.Ticket{Number: 1, CreatedAt: firstOneThirty},
		&ticket.Ticket{Number: 2, CreatedAt: firstOneThirty.Add(time.Hour)})
	if want := []int{0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0}; !slices.Equal(r.Volume.Counts, want) {
		t.Errorf("Counts = %v, want %v", r.Volume.Counts, want)
	}
}

func TestHeaderNamesThePeriodAndMarksLateAndPartial(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	tests := []struct {
		name      string
		in        Input
		want      []string
		notWanted []string
	}{
		{"shift", Input{Period: p}, []string{"*Night shift*, Tue 24 Nov 19:00 – Wed 25 Nov 07:00"}, []string{"late", "so far"}},
		{"late", Input{Period: p, Late: true}, []string{"*Night shift*, Tue 24 Nov", lateMark}, nil},
		{"so far", Input{Period: Period{Name: "Night", Start: p.Start, End: p.Start.Add(4*time.Hour + 17*time.Minute)}, Partial: true},
			[]string{"*Night shift* so far, Tue 24 Nov 19:00 – 23:17"}, []string{"late"}},
		{"a day is not a shift", Input{Period: Period{Name: "Yesterday", Start: local(t, loc, "2026-11-24T00:00"), End: local(t, loc, "2026-11-25T00:00")}},
			[]string{"*Yesterday*, Tue 24 Nov 00:00 – Wed 25 Nov 00:00"}, []string{"shift"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Location = loc
			body := Build(tt.in).Sections()[0].Body
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("overview lacks %q:\n%s", w, body)
				}
			}
			for _, w := range tt.notWanted {
				if strings.Contains(body, w) {
					t.Errorf("overview has %q:\n%s", w, body)
				}
			}
		})
	}
}

func TestP1sShowStateAtTheEndAndClippedSummary(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	long := strings.Repeat("Epic frozen on every COW ", 10)
	r := build(p, loc,
		&ticket.Ticket{Number: 4, Priority: ticket.P1, Category: ticket.CategoryEHR, Location: "4 West, room 412", Status: ticket.StatusResolved,
			Owner: "U0ALICE", CreatedAt: p.Start.Add(time.Hour), ClaimedAt: p.Start.Add(time.Hour + 2*time.Minute), ResolvedAt: p.End.Add(time.Hour), Summary: long},
		&ticket.Ticket{Number: 2, Priority: ticket.P1, Category: ticket.CategoryNetwork, Status: ticket.StatusCancelled,
			CreatedAt: p.Start.Add(time.Hour), UpdatedAt: p.Start.Add(2 * time.Hour), Summary: "wifi\ndown"},
		&ticket.Ticket{Number: 3, Priority: ticket.P2, CreatedAt: p.Start},
	)
	if len(r.P1s) != 2 || r.P1s[0].ID != "IT-2" || r.P1s[1].ID != "IT-4" {
		t.Fatalf("P1s = %+v, want IT-2 and IT-4", r.P1s)
	}
	if s := r.P1s[1].Summary; utf8.RuneCountInString(s) != SummaryRunes || !strings.HasSuffix(s, "…") {
		t.Errorf("summary %q is not cut to %d runes with …", s, SummaryRunes)
	}
	body := section(r, "P1 tickets")
	for _, want := range []string{
		"• *IT-2* network / Wi-Fi · no location · cancelled · unclaimed\n> wifi down",
		"• *IT-4* EHR / clinical applications · 4 West, room 412 · claimed · <@U0ALICE>\n> Epic frozen",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("P1 section lacks %q:\n%s", want, body)
		}
	}
	if r := build(p, loc, &ticket.Ticket{Number: 3, Priority: ticket.P2, CreatedAt: p.Start}); section(r, "P1 tickets") != "" {
		t.Error("a P1 section with no P1")
	}
}

func TestTicketTextIsEscapedForMrkdwn(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	r := build(p, loc, &ticket.Ticket{
		Number: 1, Priority: ticket.P1, Status: ticket.StatusClaimed, CreatedAt: p.Start,
		Category: "<custom>", Location: "L&D <b>", Owner: "<!channel>", ClaimedAt: p.Start.Add(time.Minute),
		Summary: "<@U0EVIL> & <!here> <https://x.example|click> BP &lt; 90",
	})
	body := section(r, "P1 tickets")
	want := "• *IT-1* &lt;custom&gt; · L&amp;D &lt;b&gt; · claimed · &lt;!channel&gt;\n> &lt;@U0EVIL&gt; &amp; &lt;!here&gt; &lt;https://x.example|click&gt; BP &lt; 90"
	if body != "1 P1 opened:\n"+want {
		t.Errorf("P1 section =\n%s\nwant\n%s", body, want)
	}
	for _, s := range r.Sections() {
		for _, live := range []string{"<@U0EVIL>", "<!here>", "<!channel>", "<https:", "<b>", "<custom>"} {
			if strings.Contains(s.Body, live) {
				t.Errorf("section %q carries live markup %q:\n%s", s.Title, live, s.Body)
			}
		}
	}
}

func TestEscape(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"plain":          "plain",
		"a < b > c":      "a &lt; b &gt; c",
		"L&D":            "L&amp;D",
		"&&":             "&amp;&amp;",
		"kept &lt; &gt;": "kept &lt; &gt;",
		"kept &amp;":     "kept &amp;",
		"&ltx":           "&amp;ltx",
	}
	for in, want := range tests {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNextOnCall(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	r := Build(Input{Period: p, Location: loc, NextOnCall: []OnCall{{"Service Desk", "U0BOB"}, {"Clinical Apps & Imaging", ""}}})
	if got, want := section(r, "Next on call"), "Service Desk: <@U0BOB>\nClinical Apps &amp; Imaging: nobody"; got != want {
		t.Errorf("next on call = %q, want %q", got, want)
	}
	if section(Build(Input{Period: p, Location: loc}), "Next on call") != "" {
		t.Error("a next-on-call section with no team")
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"abcde", 5, "abcde"},
		{"abcdef", 5, "abcd…"},
		{"éééééé", 5, "éééé…"},
		{"日本語のテキスト", 4, "日本語…"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestCompact(t *testing.T) {
	t.Parallel()
	tests := map[time.Duration]string{
		0:                                "0s",
		-time.Minute:                     "0s",
		40 * time.Second:                 "40s",
		45*time.Minute + 59*time.Second:  "45m",
		time.Hour:                        "1h",
		3*time.Hour + 12*time.Minute:     "3h 12m",
		52*time.Hour + 30*time.Minute:    "2d 4h",
		48 * time.Hour:                   "2d",
		24*time.Hour + 59*time.Minute:    "1d",
		23*time.Hour + 59*time.Minute:    "23h 59m",
		100*24*time.Hour + 5*time.Minute: "100d",
	}
	for d, want := range tests {
		if got := compact(d); got != want {
			t.Errorf("compact(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTextIsAShortGistWithTheMainCounts(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	var ts []*ticket.Ticket
	for i := range 14 {
		tk := &ticket.Ticket{Number: int64(i + 1), Priority: ticket.P3, Status: ticket.StatusResolved, CreatedAt: p.Start.Add(time.Duration(i) * 30 * time.Minute)}
		tk.ResolvedAt = tk.CreatedAt.Add(20 * time.Minute)
		ts = append(ts, tk)
	}
	ts[0].Status, ts[0].Priority = ticket.StatusOpen, ticket.P1
	ts[1].Status, ts[2].Status = ticket.StatusClaimed, ticket.StatusOpen
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"ended", Input{Period: p}, "Night shift summary, Tue 19:00–Wed 07:00: 14 opened, 11 resolved, 3 still open (1 P1)."},
		{"late", Input{Period: p, Late: true}, "Night shift summary, Tue 19:00–Wed 07:00: 14 opened, 11 resolved, 3 still open (1 P1). Posted late: no carebot was running at the boundary."},
		{"so far", Input{Period: Period{Name: "Today", Start: local(t, loc, "2026-11-25T00:00"), End: local(t, loc, "2026-11-25T09:30")}, Partial: true},
			"Today so far, Wed 00:00–09:30: 4 opened, 4 resolved, 3 still open (1 P1)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.in.Tickets, tt.in.Location, tt.in.Prefix = ts, loc, "IT"
			got := Build(tt.in).Text()
			if got != tt.want {
				t.Errorf("Text() = %q, want %q", got, tt.want)
			}
		})
	}
	long := Build(Input{Period: Period{Name: strings.Repeat("Very long shift name ", 20), Start: p.Start, End: p.End}, Late: true, Partial: true}).Text()
	if n := utf8.RuneCountInString(long); n > 300 || strings.Contains(long, "\n") {
		t.Errorf("Text() is %d runes or more than one line: %q", n, long)
	}
}

// manyTickets returns n tickets of every kind spread over p and the day
// before it, with long, markup-laden text, to fill every section.
func manyTickets(p Period, n int) []*ticket.Ticket {
	cats := append(ticket.BuiltinCategories(), "custom-a", "custom-b", "custom-c")
	statuses := []ticket.Status{ticket.StatusOpen, ticket.StatusClaimed, ticket.StatusResolved, ticket.StatusCancelled, ticket.StatusTriage}
	span := p.End.Sub(p.Start)
	ts := make([]*ticket.Ticket, n)
	for i := range ts {
		created := p.Start.Add(-span + time.Duration(i)*2*span/time.Duration(n))
		t := &ticket.Ticket{
			Number:        int64(i + 1),
			Status:        statuses[i%len(statuses)],
			Priority:      ticket.Priority(i%4 + 1),
			Category:      cats[i%len(cats)],
			Location:      fmt.Sprintf("Unit <%d> & wing, room %d", i%40, i),
			Summary:       strings.Repeat("<@U0X> printer & scanner down ", 10),
			CreatedAt:     created,
			ClaimDeadline: created.Add(5 * time.Minute),
			UpdatedAt:     created.Add(time.Duration(i%7) * time.Hour),
		}
		if t.Status != ticket.StatusOpen && t.Status != ticket.StatusTriage {
			t.Owner, t.ClaimedAt = fmt.Sprintf("U%05d", i%50), created.Add(time.Duration(i%11)*time.Minute)
		}
		if t.Status == ticket.StatusResolved {
			t.ResolvedAt = created.Add(time.Duration(i%9) * time.Hour)
			if i%3 == 0 {
				t.Resolution = ticket.ResolutionSelfServed
			}
		}
		ts[i] = t
	}
	return ts
}

func TestSectionsStayWithinSlackLimits(t *testing.T) {
	t.Parallel()
	p, loc := night(t)
	in := Input{
		Period: p, Tickets: manyTickets(p, 5000), Prefix: "IT", Location: loc, Late: true,
		SLA: map[ticket.Priority]SLA{ticket.P1: {5 * time.Minute, time.Hour}, ticket.P2: {15 * time.Minute, 4 * time.Hour},
			ticket.P3: {time.Hour, 24 * time.Hour}, ticket.P4: {4 * time.Hour, 72 * time.Hour}},
	}
	for i := range 60 {
		in.NextOnCall = append(in.NextOnCall, OnCall{Team: strings.Repeat("Team with a long name ", 5) + fmt.Sprint(i), User: "U0BOB"})
	}
	r := Build(in)
	secs := r.Sections()
	if len(secs) > 20 {
		t.Errorf("%d sections, want at most 20", len(secs))
	}
	titles := map[string]bool{}
	for _, s := range secs {
		titles[s.Title] = true
		if len(s.Body) >= 3000 || s.Body == "" {
			t.Errorf("section %q body is %d bytes, want 1 to 2999", s.Title, len(s.Body))
		}
		if utf8.RuneCountInString(s.Title) > 150 || strings.ContainsAny(s.Title, "*<>&\n") {
			t.Errorf("title %q is not short plain text", s.Title)
		}
	}
	// Every section has something to say with this much data.
	for _, want := range []string{"Still open", "P1 tickets", "Missed targets", "Recurring problems", "Response times", "Volume by hour", "Top units", "Next on call"} {
		if !titles[want] {
			t.Errorf("no %q section", want)
		}
	}
	for _, title := range []string{"Still open", "P1 tickets", "Recurring problems", "Next on call"} {
		if body := section(r, title); !strings.Contains(body, "more") {
			t.Errorf("section %q does not say what it left out:\n%s", title, body)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	p, loc := night(b)
	in := Input{Period: p, Tickets: manyTickets(p, 10000), Prefix: "IT", Location: loc,
		SLA: map[ticket.Priority]SLA{ticket.P1: {5 * time.Minute, time.Hour}, ticket.P2: {15 * time.Minute, 4 * time.Hour}}}
	b.ReportAllocs()
	for b.Loop() {
		Build(in)
	}
}
