package store

import (
	"context"
	"testing"
	"time"

	"carebot/clock"
	"carebot/store/storetest"
	"carebot/ticket"
)

func TestBackfillClosedIndexAddsTicketsClosedBeforeIt(t *testing.T) {
	t.Parallel()
	rdb, team := storetest.Redis(t)
	s, err := New(rdb, team, clock.Real{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	var closed, open *ticket.Ticket
	for i, user := range []string{"U1", "U2"} {
		tk, _, err := s.CreateTicket(ctx, &ticket.Ticket{Status: ticket.StatusOpen, Category: ticket.CategoryPrinter,
			Requester: user, Channel: "D" + user, ThreadTS: "1.1", CreatedAt: at, UpdatedAt: at}, ticket.Event{Kind: ticket.EventCreated})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			closed = tk
		} else {
			open = tk
		}
	}
	if _, _, err := s.Resolve(ctx, closed.Number, "U0SPEC", "fixed", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// As a ticket closed before the index existed would be.
	if err := rdb.ZRem(ctx, s.keys.closed(), closed.Number).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := s.BackfillClosedIndex(ctx); err != nil || n != 1 {
		t.Fatalf("backfill added %d, %v; want the one closed ticket", n, err)
	}
	score, err := rdb.ZScore(ctx, s.keys.closed(), "1").Result()
	if err != nil || int64(score) != at.Add(time.Hour).UnixMilli() {
		t.Errorf("closed index score = %v, %v; want when it was resolved", score, err)
	}
	if in, _ := rdb.ZScore(ctx, s.keys.closed(), "2").Result(); in != 0 || open.Number != 2 {
		t.Errorf("the open ticket was put on the closed index")
	}
	if n, err := s.DeleteClosedBefore(ctx, at.Add(2*time.Hour), 10); err != nil || n != 1 {
		t.Errorf("retention after the backfill deleted %d, %v; want 1", n, err)
	}
	if n, err := s.BackfillClosedIndex(ctx); err != nil || n != 0 {
		t.Errorf("second backfill = %d, %v; want nothing to do", n, err)
	}
}
