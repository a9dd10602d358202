package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"carebot/store"
	"carebot/ticket"
)

func TestClaimRaceHasOneWinner(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	tk, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 7, 45, 0, 0, time.UTC)
	specialists := []string{"U0SPEC1", "U0SPEC2", "U0SPEC3", "U0SPEC4", "U0SPEC5", "U0SPEC6"}
	results := make([]store.ClaimResult, len(specialists))
	owners := make([]string, len(specialists))
	var wg sync.WaitGroup
	for i, u := range specialists {
		wg.Go(func() {
			res, got, err := s.Claim(ctx, tk.Number, u, at)
			if err != nil {
				t.Error(err)
				return
			}
			results[i], owners[i] = res, got.Owner
		})
	}
	wg.Wait()
	winners := 0
	var owner string
	for i, r := range results {
		if r == store.Claimed {
			winners++
			owner = specialists[i]
		}
	}
	if winners != 1 {
		t.Fatalf("%d claims won, want exactly 1: %v", winners, results)
	}
	for i, o := range owners {
		if o != owner {
			t.Errorf("%s was told the owner is %q, want %q", specialists[i], o, owner)
		}
	}
	got, err := s.Ticket(ctx, tk.Number)
	if err != nil || got.Status != ticket.StatusClaimed || got.Owner != owner || !got.ClaimedAt.Equal(at) {
		t.Fatalf("after the race: %+v, %v", got, err)
	}
	evs, _ := s.Events(ctx, tk.Number)
	if len(evs) != 2 || evs[1].Kind != ticket.EventClaimed || evs[1].Actor != owner {
		t.Fatalf("events = %+v; want created + one claim", evs)
	}
	// The owner pressing again is "already yours", with no new event (a
	// resent call is TestScriptsKnowAResentCall's).
	if res, _, err := s.Claim(ctx, tk.Number, owner, at); err != nil || res != store.AlreadyYours {
		t.Fatalf("owner's second press = %v, %v; want AlreadyYours", res, err)
	}
	if evs, _ := s.Events(ctx, tk.Number); len(evs) != 2 {
		t.Fatalf("a repeated claim added an event: %+v", evs)
	}
}

func TestClaimNeedsAnOpenTicket(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	tr := triageTicket("U1", "D1", "1.1")
	tk, _, err := s.CreateInTriage(ctx, tr, ticket.Event{Kind: ticket.EventCreated}, &store.Conversation{Asked: "care"}, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if res, _, err := s.Claim(ctx, tk.Number, "U0SPEC1", time.Now()); err != nil || res != store.NotClaimable {
		t.Fatalf("claim in triage = %v, %v; want NotClaimable", res, err)
	}
	if _, _, err := s.Claim(ctx, 999, "U0SPEC1", time.Now()); !ticket.IsNotFound(err) {
		t.Fatalf("claim of a missing ticket = %v", err)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	tk, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 8, 10, 0, 0, time.UTC)
	res, got, err := s.Resolve(ctx, tk.Number, "U0SPEC1", "replaced the toner", at)
	if err != nil || res != store.Resolved || got.Status != ticket.StatusResolved || got.ResolvedBy != "U0SPEC1" || !got.ResolvedAt.Equal(at) {
		t.Fatalf("Resolve = %v, %+v, %v", res, got, err)
	}
	if res, _, err := s.Resolve(ctx, tk.Number, "U0SPEC2", "again", at); err != nil || res != store.AlreadyResolved {
		t.Fatalf("second Resolve = %v, %v", res, err)
	}

	evs, _ := s.Events(ctx, tk.Number)
	if len(evs) != 2 || evs[1].Kind != ticket.EventResolved || evs[1].Text != "replaced the toner" {
		t.Fatalf("events = %+v", evs)
	}
	tr, _, err := s.CreateInTriage(ctx, triageTicket("U1", "D1", "2.1"), ticket.Event{Kind: ticket.EventCreated}, &store.Conversation{Asked: "care"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if res, _, err := s.Resolve(ctx, tr.Number, "U0SPEC1", "x", at); err != nil || res != store.NotResolvable {
		t.Fatalf("Resolve in triage = %v, %v", res, err)
	}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	now := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	old := store.Override{User: "U0OLD", Start: now.Add(-3 * time.Hour), End: now.Add(-time.Hour), By: "U0SPEC1"}
	cur := store.Override{User: "U0CUR", Start: now, End: now.Add(2 * time.Hour), By: "U0SPEC1"}
	if err := s.AddOverride(ctx, "desk", old, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddOverride(ctx, "desk", cur, now); err != nil {
		t.Fatal(err)
	}
	got, err := s.Overrides(ctx, "desk", now)
	if err != nil || len(got) != 1 || got[0].User != "U0CUR" || !got[0].End.Equal(cur.End) {
		t.Fatalf("Overrides = %+v, %v; want only the current one", got, err)
	}
	if other, err := s.Overrides(ctx, "apps", now); err != nil || len(other) != 0 {
		t.Fatalf("another team's overrides = %+v, %v", other, err)
	}
}

func TestActiveIndexesFollowStatus(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	numbers := func(ts []*ticket.Ticket) []int64 {
		var out []int64
		for _, t := range ts {
			out = append(out, t.Number)
		}
		return out
	}
	check := func(wantOpen, wantClaimed []int64) {
		t.Helper()
		open, claimed, err := s.Active(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(numbers(open)) != fmt.Sprint(wantOpen) || fmt.Sprint(numbers(claimed)) != fmt.Sprint(wantClaimed) {
			t.Fatalf("Active = open %v claimed %v; want %v %v", numbers(open), numbers(claimed), wantOpen, wantClaimed)
		}
	}
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	a, _, _ := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	b, _, _ := s.CreateInTriage(ctx, triageTicket("U1", "D1", "2.1"), ticket.Event{Kind: ticket.EventCreated}, &store.Conversation{Asked: "care"}, at)
	check([]int64{a.Number}, nil)
	b.Status = ticket.StatusOpen
	if err := s.Update(ctx, store.Change{Ticket: b}); err != nil {
		t.Fatal(err)
	}
	check([]int64{a.Number, b.Number}, nil)
	if _, _, err := s.Claim(ctx, a.Number, "U0SPEC1", at); err != nil {
		t.Fatal(err)
	}
	check([]int64{b.Number}, []int64{a.Number})
	if _, _, err := s.Resolve(ctx, a.Number, "U0SPEC1", "done", at); err != nil {
		t.Fatal(err)
	}
	check([]int64{b.Number}, nil)
}
