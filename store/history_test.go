package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"carebot/store"
	"carebot/ticket"
)

// at returns a ticket created at created by user, in its own thread.
func ticketAt(user string, created time.Time) *ticket.Ticket {
	t := newTicket(user, "D"+user, fmt.Sprintf("%d.000100", created.Unix()))
	t.CreatedAt, t.UpdatedAt = created, created
	return t
}

func mustCreate(t *testing.T, s *store.Store, tk *ticket.Ticket) *ticket.Ticket {
	t.Helper()
	got, _, err := s.CreateTicket(context.Background(), tk, ticket.Event{At: tk.CreatedAt, Actor: tk.Requester, Kind: ticket.EventCreated, Source: tk.ThreadTS})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func numbers(ts []*ticket.Ticket) []int64 {
	var out []int64
	for _, t := range ts {
		out = append(out, t.Number)
	}
	slices.Sort(out)
	return out
}

func TestTicketsForReadsOnlyWhatTheSpanNeeds(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	start := time.Date(2026, 11, 26, 19, 0, 0, 0, time.UTC)
	end := start.Add(12 * time.Hour)

	oldClosed := mustCreate(t, s, ticketAt("U1", start.Add(-48*time.Hour)))
	resolve(t, s, oldClosed.Number, start.Add(-47*time.Hour))
	oldClosedInSpan := mustCreate(t, s, ticketAt("U2", start.Add(-2*time.Hour)))
	resolve(t, s, oldClosedInSpan.Number, start.Add(time.Hour))
	oldStillOpen := mustCreate(t, s, ticketAt("U3", start.Add(-3*time.Hour)))
	inSpan := mustCreate(t, s, ticketAt("U4", start.Add(2*time.Hour)))
	closedAfter := mustCreate(t, s, ticketAt("U5", start.Add(3*time.Hour)))
	resolve(t, s, closedAfter.Number, end.Add(time.Hour))
	_ = mustCreate(t, s, ticketAt("U6", end.Add(2*time.Hour))) // after the span, resolved: not needed
	resolveLast(t, s)

	got, err := s.TicketsFor(ctx, start, end)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{oldClosedInSpan.Number, oldStillOpen.Number, inSpan.Number, closedAfter.Number}
	slices.Sort(want)
	if !slices.Equal(numbers(got), want) {
		t.Errorf("TicketsFor = %v, want %v (not the ticket closed two days before, nor the one after the span)", numbers(got), want)
	}
}

func resolve(t *testing.T, s *store.Store, n int64, at time.Time) {
	t.Helper()
	if res, _, err := s.Resolve(context.Background(), n, "U0SPEC", "fixed", at); err != nil || res != store.Resolved {
		t.Fatalf("resolve %d: %v %v", n, res, err)
	}
}

// resolveLast resolves the newest ticket at its creation time plus a minute.
func resolveLast(t *testing.T, s *store.Store) {
	t.Helper()
	open, _, err := s.Active(context.Background())
	if err != nil || len(open) == 0 {
		t.Fatalf("active: %v %v", open, err)
	}
	last := open[len(open)-1]
	resolve(t, s, last.Number, last.CreatedAt.Add(time.Minute))
}

func TestTicketsCreatedAndEventsOf(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	base := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	var made []int64
	for i := range 5 {
		made = append(made, mustCreate(t, s, ticketAt(fmt.Sprintf("U%d", i), base.Add(time.Duration(i)*time.Hour))).Number)
	}
	resolve(t, s, made[2], base.Add(3*time.Hour))
	got, err := s.TicketsCreated(ctx, base.Add(time.Hour), base.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(numbers(got), made[1:3]) {
		t.Errorf("TicketsCreated [1h, 3h) = %v, want %v", numbers(got), made[1:3])
	}
	evs, err := s.EventsOf(ctx, made[1:3])
	if err != nil {
		t.Fatal(err)
	}
	if len(evs[made[1]]) != 1 || len(evs[made[2]]) != 2 || evs[made[2]][1].Kind != ticket.EventResolved {
		t.Errorf("EventsOf = %+v; want created, and created + resolved", evs)
	}
}

func TestDeleteClosedBeforeRemovesTicketsAndIndexEntries(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	base := time.Date(2026, 8, 1, 8, 0, 0, 0, time.UTC)
	old := mustCreate(t, s, ticketAt("U1", base))
	resolve(t, s, old.Number, base.Add(time.Hour))
	reopened := mustCreate(t, s, ticketAt("U2", base))
	resolve(t, s, reopened.Number, base.Add(time.Hour))
	r, _ := s.Ticket(ctx, reopened.Number)
	r.Status, r.UpdatedAt = ticket.StatusOpen, base.Add(2*time.Hour)
	if err := s.Update(ctx, store.Change{Ticket: r}); err != nil {
		t.Fatal(err)
	}
	recent := mustCreate(t, s, ticketAt("U3", base.Add(30*24*time.Hour)))
	resolve(t, s, recent.Number, base.Add(30*24*time.Hour+time.Hour))
	open := mustCreate(t, s, ticketAt("U4", base))

	cutoff := base.Add(10 * 24 * time.Hour)
	var wg sync.WaitGroup
	deleted := make([]int, 3)
	for i := range deleted { // several replicas at once delete each ticket once
		wg.Go(func() {
			n, err := s.DeleteClosedBefore(ctx, cutoff, 100)
			if err != nil {
				t.Error(err)
			}
			deleted[i] = n
		})
	}
	wg.Wait()
	if total := deleted[0] + deleted[1] + deleted[2]; total != 1 {
		t.Fatalf("deleted %v tickets in all, want 1", deleted)
	}
	if _, err := s.Ticket(ctx, old.Number); !ticket.IsNotFound(err) {
		t.Errorf("old ticket still readable: %v", err)
	}
	if evs, _ := s.Events(ctx, old.Number); len(evs) != 0 {
		t.Errorf("old ticket's events kept: %v", evs)
	}
	if _, _, err := s.TicketInThread(ctx, old.Channel, old.ThreadTS); !ticket.IsNotFound(err) {
		t.Errorf("old ticket's thread still maps to it: %v", err)
	}
	mine, _ := s.TicketsOf(ctx, "U1", 10)
	created, _ := s.TicketsCreated(ctx, base.Add(-time.Hour), base.Add(time.Hour))
	if len(mine) != 0 || slices.Contains(numbers(created), old.Number) {
		t.Errorf("index entries left: requester %v, created %v", numbers(mine), numbers(created))
	}
	for _, keep := range []*ticket.Ticket{reopened, recent, open} {
		if _, err := s.Ticket(ctx, keep.Number); err != nil {
			t.Errorf("ticket %d deleted: %v", keep.Number, err)
		}
	}
	if n, err := s.DeleteClosedBefore(ctx, cutoff, 100); err != nil || n != 0 {
		t.Errorf("second run deleted %d, %v; want 0", n, err)
	}
}

func TestSummaryIsTakenByOneHolderAndFinishedOnce(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	first := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	last, err := s.LastSummary(ctx, first)
	if err != nil || !last.Equal(first) {
		t.Fatalf("LastSummary on first use = %v, %v; want the fallback", last, err)
	}
	if last, _ := s.LastSummary(ctx, first.Add(time.Hour)); !last.Equal(first) {
		t.Errorf("LastSummary moved to a later fallback: %v", last)
	}

	b := first.Add(12 * time.Hour)
	if st, err := s.TakeSummary(ctx, b, "replica-a", time.Minute); err != nil || st != store.SummaryTaken {
		t.Fatalf("a takes: %v, %v", st, err)
	}
	if st, _ := s.TakeSummary(ctx, b, "replica-b", time.Minute); st != store.SummaryBusy {
		t.Errorf("b while a holds it: %v, want busy", st)
	}
	if err := s.ReleaseSummary(ctx, b, "replica-b"); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.TakeSummary(ctx, b, "replica-b", time.Minute); st != store.SummaryBusy {
		t.Errorf("b released a's lease: %v", st)
	}
	if err := s.ReleaseSummary(ctx, b, "replica-a"); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.TakeSummary(ctx, b, "replica-b", time.Minute); st != store.SummaryTaken {
		t.Errorf("b after a let go: %v, want taken", st)
	}
	if err := s.FinishSummary(ctx, b, 8*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.TakeSummary(ctx, b, "replica-a", time.Minute); st != store.SummaryDone {
		t.Errorf("after finishing: %v, want done", st)
	}
	if last, _ := s.LastSummary(ctx, first); !last.Equal(b) {
		t.Errorf("last = %v, want %v", last, b)
	}
	if err := s.FinishSummary(ctx, first, time.Hour); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.LastSummary(ctx, first); !last.Equal(b) {
		t.Errorf("finishing an older boundary moved last back to %v", last)
	}
}
