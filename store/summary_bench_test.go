package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/clock"
	"carebot/store/storetest"
	"carebot/summary"
	"carebot/ticket"
)

// The shape of BenchmarkShiftSummary's data.
const (
	benchShiftTickets = 10_000 // created in the summarised shift
	benchCarried      = 100    // created in the day before it: closed in it or still active
	benchAfter        = 20     // created after it, before the summary reads it
	benchHistory      = 1_000_000
	benchBatch        = 5_000 // tickets written per pipeline
	// benchLate is how long after the shift's end the summary reads it:
	// nothing planted happens later.
	benchLate = 5 * time.Minute
	// benchTriage is how long a ticket may stay in triage.
	benchTriage = 10 * time.Minute
)

// BenchmarkShiftSummary measures a shift summary as the bot makes one
// (TicketsFor, then summary.Build) for a 12-hour shift of 10,000 tickets,
// alone and with a million older tickets closed in the 90 days before it.
// The history may cost at most 1.2×: the summary reads the shift's tickets
// through the indexes and never the history. read-ns/op is the TicketsFor
// part of ns/op.
//
// The history case needs a real Redis (about a gigabyte, and most of a
// minute to fill) and is skipped with -short:
//
//	CAREBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench ShiftSummary -benchtime 20x ./store/
func BenchmarkShiftSummary(b *testing.B) {
	type result struct{ summary, read time.Duration }
	results := map[int]result{}
	for _, history := range []int{0, benchHistory} {
		b.Run(fmt.Sprintf("history=%d", history), func(b *testing.B) {
			if history > 0 && os.Getenv(storetest.EnvURL) == "" {
				b.Skipf("a million tickets need a real Redis: set %s", storetest.EnvURL)
			}
			if history > 0 && testing.Short() {
				b.Skip("a million tickets take most of a minute to write")
			}
			rdb, team := storetest.Redis(b)
			s, err := New(rdb, team, clock.Real{}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			if history > 0 {
				// storetest's DEL of a million-field hash stalls the shared
				// server for seconds; UNLINK frees it in the background. This
				// runs first, so storetest then finds only the small keys.
				b.Cleanup(func() {
					if err := rdb.Unlink(ctx, s.keys.tickets(), s.keys.events(), s.keys.created(), s.keys.closed()).Err(); err != nil {
						b.Logf("unlink %s: %v", team, err)
					}
				})
			}
			sh := newBenchShift()
			sh.plant(ctx, b, s, history)
			sh.check(ctx, b, s, history)

			b.ReportAllocs()
			in := sh.input()
			var read time.Duration
			var tickets int
			for b.Loop() {
				began := time.Now()
				ts, err := s.TicketsFor(ctx, sh.start, sh.end)
				read += time.Since(began)
				if err != nil {
					b.Fatal(err)
				}
				in.Tickets = ts
				summary.Build(in)
				tickets += len(ts)
			}
			b.ReportMetric(float64(read.Nanoseconds())/float64(b.N), "read-ns/op")
			b.ReportMetric(float64(tickets)/float64(b.N), "tickets/op")
			results[history] = result{summary: b.Elapsed() / time.Duration(b.N), read: read / time.Duration(b.N)}
			// Logged here, not by the parent, whose output shows only with -v.
			if base, ok := results[0]; ok && history > 0 {
				with := results[history]
				b.Logf("with the history a summary takes %.2f× the time of history=0 (at most 1.2× allowed), its read %.2f×",
					float64(with.summary)/float64(base.summary), float64(with.read)/float64(base.read))
			}
		})
	}
}

// benchShift is the shift BenchmarkShiftSummary summarises, with what a
// correct summary of it must find.
type benchShift struct {
	start, end time.Time
	// tickets are planted for the shift: those created in it, those carried
	// into it and those created after it.
	tickets []*ticket.Ticket
	// want are the tickets TicketsFor must return, by number: every planted
	// one created before the end, and no older one.
	want map[int64]*ticket.Ticket
	// opened, closed and stillOpen are the tickets the report must count as
	// created in the shift, closed in it and active at its end.
	opened, closed, stillOpen int
}

// newBenchShift makes a night shift of benchShiftTickets tickets created
// through it, most resolved within it, some claimed or open at its end, a
// few self-served or cancelled; the tickets carried into it from the day
// before; and a few created after it. Numbers follow creation, after the
// history's.
func newBenchShift() benchShift {
	start := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC) // 19:00 CST
	end := start.Add(12 * time.Hour)
	now := end.Add(benchLate)
	g := newBenchGen(1)
	var ts []*ticket.Ticket
	for range benchCarried {
		ts = append(ts, g.ticket(start.Add(-g.between(time.Minute, 24*time.Hour))))
	}
	for range benchShiftTickets {
		ts = append(ts, g.ticket(start.Add(g.between(0, 12*time.Hour))))
	}
	for range benchAfter {
		ts = append(ts, g.ticket(end.Add(g.between(0, benchLate))))
	}
	slices.SortStableFunc(ts, func(a, b *ticket.Ticket) int { return a.CreatedAt.Compare(b.CreatedAt) })

	sh := benchShift{start: start, end: end, tickets: ts, want: map[int64]*ticket.Ticket{}}
	for i, t := range ts {
		t.Number = int64(benchHistory + 1 + i)
		if t.CreatedAt.Before(start) {
			g.carry(t, start)
		} else {
			g.work(t, now)
		}
		closed := t.Status.Closed()
		closedAt := benchClosedAt(t)
		if !t.CreatedAt.Before(end) {
			continue
		}
		sh.want[t.Number] = t
		if !t.CreatedAt.Before(start) {
			sh.opened++
		}
		if closed && !closedAt.Before(start) && closedAt.Before(end) {
			sh.closed++
		}
		if !closed || !closedAt.Before(end) {
			sh.stillOpen++
		}
	}
	return sh
}

// input is what the bot gives summary.Build for the shift, but its tickets.
func (sh benchShift) input() summary.Input {
	return summary.Input{
		Period: summary.Period{Name: "Night", Start: sh.start, End: sh.end},
		SLA:    benchSLA(),
		NextOnCall: []summary.OnCall{
			{Team: "Clinical applications", User: "U0ALICE"},
			{Team: "Desktop support", User: "U0BOB"},
			{Team: "Network", User: "U0CAROL"},
		},
		Prefix:   "IT",
		Location: time.FixedZone("CST", -6*60*60),
	}
}

// plant writes the history and then the shift, and logs how long that took
// and how much memory it took.
func (sh benchShift) plant(ctx context.Context, b *testing.B, s *Store, history int) {
	b.Helper()
	memBefore := usedMemory(ctx, s.rdb)
	began := time.Now()
	if err := plantHistory(ctx, s, sh.start, history); err != nil {
		b.Fatal(err)
	}
	for chunk := range chunks(sh.tickets, benchBatch) {
		if err := plant(ctx, s, chunk); err != nil {
			b.Fatal(err)
		}
	}
	took := time.Since(began).Round(time.Millisecond)
	if memAfter := usedMemory(ctx, s.rdb); memBefore >= 0 && memAfter >= 0 {
		b.Logf("planted %d history and %d shift tickets in %v; Redis used_memory grew by %.0f MB",
			history, len(sh.tickets), took, float64(memAfter-memBefore)/(1<<20))
	} else {
		b.Logf("planted %d history and %d shift tickets in %v", history, len(sh.tickets), took)
	}
}

// check fails b unless Redis holds what was planted, TicketsFor returns the
// shift's tickets exactly as planted and nothing else, and the report counts
// them as planned: timing a read that misses tickets, or that reads the
// history, would prove nothing.
func (sh benchShift) check(ctx context.Context, b *testing.B, s *Store, history int) {
	b.Helper()
	var closed int
	for _, t := range sh.tickets {
		if t.Status.Closed() {
			closed++
		}
	}
	pipe := s.rdb.Pipeline()
	nTickets := pipe.HLen(ctx, s.keys.tickets())
	nEvents := pipe.HLen(ctx, s.keys.events())
	nCreated := pipe.ZCard(ctx, s.keys.created())
	nClosed := pipe.ZCard(ctx, s.keys.closed())
	if _, err := pipe.Exec(ctx); err != nil {
		b.Fatal(err)
	}
	total := int64(history + len(sh.tickets))
	if nTickets.Val() != total || nEvents.Val() != total || nCreated.Val() != total || nClosed.Val() != int64(history+closed) {
		b.Fatalf("planted %d tickets, %d trails, %d on idx:created and %d on idx:closed; want %d, %d, %d and %d",
			nTickets.Val(), nEvents.Val(), nCreated.Val(), nClosed.Val(), total, total, total, history+closed)
	}

	ts, err := s.TicketsFor(ctx, sh.start, sh.end)
	if err != nil {
		b.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, t := range ts {
		want, ok := sh.want[t.Number]
		switch {
		case !ok:
			b.Fatalf("TicketsFor returned ticket %d (created %v), which the shift does not need", t.Number, t.CreatedAt)
		case seen[t.Number]:
			b.Fatalf("TicketsFor returned ticket %d twice", t.Number)
		case toRecord(t) != toRecord(want):
			b.Fatalf("TicketsFor returned ticket %d as\n%+v\nwant\n%+v", t.Number, toRecord(t), toRecord(want))
		}
		seen[t.Number] = true
	}
	if len(seen) != len(sh.want) {
		b.Fatalf("TicketsFor returned %d tickets, want the shift's %d (%d created in it, %d carried into it)",
			len(seen), len(sh.want), sh.opened, len(sh.want)-sh.opened)
	}

	in := sh.input()
	in.Tickets = ts
	r := summary.Build(in)
	if r.Opened != benchShiftTickets || r.Opened != sh.opened || r.Resolved+r.SelfServed+r.Cancelled != sh.closed || len(r.StillOpen) != sh.stillOpen {
		b.Fatalf("report counts %d opened, %d closed and %d still open; want %d, %d and %d",
			r.Opened, r.Resolved+r.SelfServed+r.Cancelled, len(r.StillOpen), sh.opened, sh.closed, sh.stillOpen)
	}
}

// plantHistory writes n tickets created through the 90 days before the day
// before start and each closed within hours, as a workspace's history.
func plantHistory(ctx context.Context, s *Store, start time.Time, n int) error {
	if n == 0 {
		return nil
	}
	g := newBenchGen(2)
	from := start.Add(-90 * 24 * time.Hour)
	step := 89 * 24 * time.Hour / time.Duration(n)
	batch := make([]*ticket.Ticket, 0, benchBatch)
	for i := range n {
		t := g.ticket(from.Add(time.Duration(i)*step + g.between(0, step)))
		t.Number = int64(i + 1)
		g.work(t, t.CreatedAt.Add(24*time.Hour))
		if !t.Status.Closed() {
			g.resolve(t, t.UpdatedAt.Add(g.between(5*time.Minute, time.Hour)))
		}
		batch = append(batch, t)
		if len(batch) == benchBatch || i == n-1 {
			if err := plant(ctx, s, batch); err != nil {
				return fmt.Errorf("plant history: %w", err)
			}
			batch = batch[:0]
		}
	}
	return nil
}

// plant writes tickets as the scripts leave them, in one pipeline: the
// ticket, a short trail, its creation time on idx:created and its status
// index (idx:open, idx:claimed, due:triage or idx:closed). Running the
// create script for each would take too long for a million.
func plant(ctx context.Context, s *Store, ts []*ticket.Ticket) error {
	tickets := make([]any, 0, 2*len(ts))
	trails := make([]any, 0, 2*len(ts))
	zs := map[string][]redis.Z{}
	for _, t := range ts {
		n := strconv.FormatInt(t.Number, 10)
		js, err := json.Marshal(toRecord(t))
		if err != nil {
			return err
		}
		trail, err := benchTrail(t)
		if err != nil {
			return err
		}
		tickets = append(tickets, n, js)
		trails = append(trails, n, trail)
		zs[s.keys.created()] = append(zs[s.keys.created()], redis.Z{Score: float64(ms(t.CreatedAt)), Member: n})
		switch t.Status {
		case ticket.StatusOpen:
			zs[s.keys.openIndex()] = append(zs[s.keys.openIndex()], redis.Z{Member: n})
		case ticket.StatusClaimed:
			zs[s.keys.claimedIndex()] = append(zs[s.keys.claimedIndex()], redis.Z{Member: n})
		case ticket.StatusTriage:
			zs[s.keys.triageDue()] = append(zs[s.keys.triageDue()], redis.Z{Score: float64(ms(t.CreatedAt.Add(benchTriage))), Member: n})
		default:
			zs[s.keys.closed()] = append(zs[s.keys.closed()], redis.Z{Score: float64(ms(benchClosedAt(t))), Member: n})
		}
	}
	pipe := s.rdb.Pipeline()
	pipe.HSet(ctx, s.keys.tickets(), tickets...)
	pipe.HSet(ctx, s.keys.events(), trails...)
	for key, members := range zs {
		pipe.ZAdd(ctx, key, members...)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("plant %d tickets: %w", len(ts), err)
	}
	return nil
}

// benchTrail is a ticket's audit trail, short: how it was reported and, if
// it closed, how.
func benchTrail(t *ticket.Ticket) (string, error) {
	evs := []ticket.Event{{At: t.CreatedAt, Actor: t.Requester, Kind: ticket.EventCreated, Source: t.ThreadTS}}
	switch {
	case t.Resolution == ticket.ResolutionSelfServed:
		evs = append(evs, ticket.Event{At: t.ResolvedAt, Actor: t.Requester, Kind: ticket.EventSelfServed})
	case t.Status == ticket.StatusResolved:
		evs = append(evs, ticket.Event{At: t.ResolvedAt, Actor: t.ResolvedBy, Kind: ticket.EventResolved, Text: "replaced the cable"})
	case t.Status == ticket.StatusCancelled:
		evs = append(evs, ticket.Event{At: t.UpdatedAt, Actor: t.Requester, Kind: ticket.EventCancelled})
	}
	var sb strings.Builder
	for _, ev := range evs {
		line, err := eventLine(ev)
		if err != nil {
			return "", err
		}
		sb.WriteString(line)
	}
	return sb.String(), nil
}

// benchClosedAt is when a closed ticket closed, as the closed index scores it.
func benchClosedAt(t *ticket.Ticket) time.Time {
	if !t.ResolvedAt.IsZero() {
		return t.ResolvedAt
	}
	return t.UpdatedAt
}

// benchSLA are the claim and resolve targets of the benchmark's workspace.
func benchSLA() map[ticket.Priority]summary.SLA {
	return map[ticket.Priority]summary.SLA{
		ticket.P1: {Claim: 5 * time.Minute, Resolve: time.Hour},
		ticket.P2: {Claim: 15 * time.Minute, Resolve: 4 * time.Hour},
		ticket.P3: {Claim: 30 * time.Minute, Resolve: 8 * time.Hour},
		ticket.P4: {Claim: 2 * time.Hour, Resolve: 24 * time.Hour},
	}
}

// benchGen makes realistic tickets from a seeded source, so every run, and
// both cases, plant the same shift.
type benchGen struct {
	rng       *rand.Rand
	sla       map[ticket.Priority]summary.SLA
	units     []string
	summaries []string
	teams     []string
}

func newBenchGen(seed uint64) *benchGen {
	return &benchGen{
		rng: rand.New(rand.NewPCG(seed, 0x5eed)),
		sla: benchSLA(),
		units: []string{"4 West", "5 North", "ED bay 7", "ED, triage desk", "ICU pod B", "L&D", "Pharmacy",
			"Radiology", "Oncology infusion", "OR 3", "Admitting", "NICU", "Cath lab", "6 South"},
		summaries: []string{
			"Epic keeps logging me out every few minutes on the workstation by the nurses' station, can't chart meds",
			"label printer jammed again after the toner swap, pharmacy waiting on discharge labels",
			"badge tap not working on the COW in room 12, have to type password each time",
			"barcode scanner won't pair with the med cart, scanning wristbands fails",
			"Wi-Fi drops on the vocera phones near the elevators, calls cut off mid-sentence",
			"PACS viewer very slow to load CT images for the ED physicians",
			"Pyxis cabinet says user not found for the new travel nurse",
			"need access to the oncology flowsheets for new hire starting tonight",
		},
		teams: []string{"T0APPS", "T0DESK", "T0NET"},
	}
}

// between is a random duration in [lo, hi).
func (g *benchGen) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(g.rng.Int64N(int64(hi-lo)))
}

// ticket is a routed, unclaimed ticket created at created.
func (g *benchGen) ticket(created time.Time) *ticket.Ticket {
	p := ticket.P4
	switch r := g.rng.IntN(100); {
	case r < 1:
		p = ticket.P1
	case r < 10:
		p = ticket.P2
	case r < 60:
		p = ticket.P3
	}
	cats := ticket.BuiltinCategories()
	user := fmt.Sprintf("U0%07d", g.rng.IntN(5000))
	ts := fmt.Sprintf("%d.%06d", created.Unix(), g.rng.IntN(1_000_000))
	team := g.teams[g.rng.IntN(len(g.teams))]
	return &ticket.Ticket{
		Status:        ticket.StatusOpen,
		Category:      cats[g.rng.IntN(len(cats))],
		Priority:      p,
		Reasons:       "high-impact system · one user · patient care slowed",
		Location:      g.units[g.rng.IntN(len(g.units))] + ", room " + strconv.Itoa(100+g.rng.IntN(400)),
		Device:        fmt.Sprintf("WS-%05d", g.rng.IntN(20000)),
		Callback:      "x" + strconv.Itoa(4000+g.rng.IntN(1000)),
		System:        "Epic",
		Care:          "slowed",
		Scope:         "one",
		Team:          team,
		TeamChannel:   "C" + team,
		TeamTS:        fmt.Sprintf("%d.%06d", created.Add(3*time.Second).Unix(), g.rng.IntN(1_000_000)),
		ClaimDeadline: created.Add(g.sla[p].Claim),
		Summary:       g.summaries[g.rng.IntN(len(g.summaries))],
		Requester:     user,
		Source:        ticket.SourceDM,
		Channel:       "D" + user,
		ThreadTS:      ts,
		ReplyTS:       fmt.Sprintf("%d.%06d", created.Add(time.Second).Unix(), g.rng.IntN(1_000_000)),
		CreatedAt:     created,
		UpdatedAt:     created,
		Rev:           2,
	}
}

// work gives t what happened to it up to now: mostly claimed and resolved,
// some self-served or cancelled within minutes, some left claimed or open,
// the newest still in triage.
func (g *benchGen) work(t *ticket.Ticket, now time.Time) {
	claimAt := t.CreatedAt.Add(g.between(time.Minute, 30*time.Minute))
	closeAt := claimAt.Add(g.between(5*time.Minute, 3*time.Hour))
	quickly := t.CreatedAt.Add(g.between(time.Minute, benchTriage))
	switch r := g.rng.IntN(100); {
	case r < 6:
		if quickly.Before(now) {
			g.selfServe(t, quickly)
		}
	case r < 9:
		if quickly.Before(now) {
			t.Status, t.UpdatedAt, t.Team, t.ClaimDeadline = ticket.StatusCancelled, quickly, "", time.Time{}
			t.Rev++
		}
	case r < 95:
		if claimAt.Before(now) {
			g.claim(t, claimAt)
		}
		if closeAt.Before(now) {
			g.resolve(t, closeAt)
		}
	case r < 98:
		if claimAt.Before(now) {
			g.claim(t, claimAt)
		}
	}
	if t.Status == ticket.StatusOpen && now.Sub(t.CreatedAt) < benchTriage {
		t.Status, t.Team, t.TeamChannel, t.TeamTS, t.ClaimDeadline = ticket.StatusTriage, "", "", "", time.Time{}
	}
}

// carry gives t, created before the shift's start, what happened to it:
// claimed before the start and resolved in the shift's first hours, or still
// claimed or open.
func (g *benchGen) carry(t *ticket.Ticket, start time.Time) {
	switch r := g.rng.IntN(100); {
	case r < 60:
		g.claim(t, t.CreatedAt.Add(g.between(0, start.Sub(t.CreatedAt))))
		g.resolve(t, start.Add(g.between(0, 6*time.Hour)))
	case r < 80:
		g.claim(t, t.CreatedAt.Add(g.between(0, start.Sub(t.CreatedAt))))
	}
}

func (g *benchGen) claim(t *ticket.Ticket, at time.Time) {
	t.Status, t.Owner, t.ClaimedAt, t.UpdatedAt = ticket.StatusClaimed, fmt.Sprintf("U0SPEC%02d", g.rng.IntN(40)), at, at
	t.Rev++
}

func (g *benchGen) resolve(t *ticket.Ticket, at time.Time) {
	if t.Owner == "" {
		g.claim(t, at.Add(-time.Minute))
	}
	t.Status, t.ResolvedBy, t.ResolvedAt, t.UpdatedAt = ticket.StatusResolved, t.Owner, at, at
	t.Rev++
}

func (g *benchGen) selfServe(t *ticket.Ticket, at time.Time) {
	t.Status, t.Resolution, t.ResolvedBy, t.ResolvedAt, t.UpdatedAt = ticket.StatusResolved, ticket.ResolutionSelfServed, t.Requester, at, at
	t.Team, t.ClaimDeadline = "", time.Time{}
	t.Rev++
}

// usedMemory is Redis's used_memory in bytes, or -1 when the server does not
// say (miniredis).
func usedMemory(ctx context.Context, rdb redis.UniversalClient) int64 {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return -1
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}
