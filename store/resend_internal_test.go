package store

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"carebot/clock"
	"carebot/ticket"
)

// TestScriptsKnowAResentCall runs the claim and resolve scripts twice with
// the same call ID, as go-redis does when a reply is lost: the second run
// answers what the first did, so the caller updates the post and tells the
// requester, instead of taking it for a second press.
func TestScriptsKnowAResentCall(t *testing.T) {
	t.Parallel()
	rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := New(rdb, "TRESEND", clock.Real{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	tk, _, err := s.CreateTicket(ctx, &ticket.Ticket{Status: ticket.StatusOpen, Requester: "U1", Channel: "D1", ThreadTS: "1.1",
		CreatedAt: now, UpdatedAt: now}, ticket.Event{Kind: ticket.EventCreated})
	if err != nil {
		t.Fatal(err)
	}
	run := func(script *redis.Script, keys []string, args ...any) int64 {
		t.Helper()
		res, err := script.Run(ctx, rdb, keys, args...).Slice()
		if err != nil {
			t.Fatal(err)
		}
		return res[0].(int64)
	}
	claimKeys := []string{s.keys.tickets(), s.keys.events(), s.keys.claimDue(), s.keys.openIndex(), s.keys.claimedIndex(), s.keys.closed()}
	at := now.Format(time.RFC3339Nano)
	if got := run(s.claim, claimKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-1"); got != 1 {
		t.Fatalf("claim = %d, want 1", got)
	}
	if got := run(s.claim, claimKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-1"); got != 1 {
		t.Errorf("the claim resent = %d, want 1 (the claim it made)", got)
	}
	if got := run(s.claim, claimKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-2"); got != 2 {
		t.Errorf("a second press = %d, want 2 (already yours)", got)
	}
	resolveKeys := []string{s.keys.tickets(), s.keys.events(), s.keys.claimDue(), s.keys.openIndex(), s.keys.claimedIndex(), s.keys.resolveDue(), s.keys.closed()}
	if got := run(s.resolve, resolveKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-3"); got != 1 {
		t.Fatalf("resolve = %d, want 1", got)
	}
	if got := run(s.resolve, resolveKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-3"); got != 1 {
		t.Errorf("the resolve resent = %d, want 1 (the resolve it made)", got)
	}
	if got := run(s.resolve, resolveKeys, tk.Number, "U0SPEC1", at, "", now.UnixMilli(), "call-4"); got != 2 {
		t.Errorf("a second resolve = %d, want 2 (already resolved)", got)
	}
}
