package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/clock"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

// roundTrips counts commands and pipelines sent: each is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { r.n.Add(1); return next(ctx, cmd) }
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { r.n.Add(1); return next(ctx, cmds) }
}

func countedStore(t testing.TB) (*store.Store, *roundTrips) {
	rdb, team := storetest.Redis(t)
	rt := &roundTrips{}
	rdb.AddHook(rt)
	s, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.EnsureInboxGroup(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Preload(ctx); err != nil {
		t.Fatal(err)
	}
	rt.n.Store(0)
	return s, rt
}

// DESIGN.md §9: one round trip to accept an event, one per state change.
func TestEachWriteIsOneRoundTrip(t *testing.T) {
	t.Parallel()
	s, rt := countedStore(t)
	ctx := context.Background()
	step := func(name string, f func() error) {
		t.Helper()
		before := rt.n.Load()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := rt.n.Load() - before; got != 1 {
			t.Errorf("%s took %d round trips, want 1", name, got)
		}
	}
	step("accept event", func() error { _, err := s.AcceptEvent(ctx, "Ev1", []byte("{}")); return err })
	step("accept duplicate", func() error { _, err := s.AcceptEvent(ctx, "Ev1", []byte("{}")); return err })
	step("create ticket", func() error {
		_, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
		return err
	})
	step("add follow-up", func() error {
		_, _, err := s.AddFollowUp(ctx, "D1", "1.1", "1.2", ticket.Event{Actor: "U1", Kind: ticket.EventFollowUp})
		return err
	})
	step("record reply", func() error { return s.SetReplyTS(ctx, 1, "1.3") })
	step("claim", func() error { _, _, err := s.Claim(ctx, 1, "U0SPEC1", time.Now()); return err })
	step("resolve", func() error { _, _, err := s.Resolve(ctx, 1, "U0SPEC1", "fixed", time.Now()); return err })
	var entries []store.InboxEntry
	step("read inbox", func() error {
		var err error
		entries, err = s.ReadInbox(ctx, "c", 10, 10*time.Millisecond)
		return err
	})
	step("finish entry", func() error { return s.Done(ctx, entries[0].ID) })
}

// BenchmarkAcceptEvent measures storing one event (dedupe + inbox) and
// reports its Redis round trips:
//
//	CAREBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench AcceptEvent ./store/
func BenchmarkAcceptEvent(b *testing.B) {
	s, rt := countedStore(b)
	ctx := context.Background()
	payload := []byte(`{"type":"event_callback","event":{"type":"message","text":"printer on 4 West is jammed"}}`)
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = fmt.Sprintf("Ev%d-%d", time.Now().UnixNano(), i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.AcceptEvent(ctx, ids[i], payload); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "round-trips/event")
}

// BenchmarkDueEscalations measures the escalation sweep's read with a
// number of open tickets whose pages are not yet due: its cost must grow
// with the pages due (10 here), not with the open tickets.
//
//	CAREBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench DueEscalations ./store/
func BenchmarkDueEscalations(b *testing.B) {
	for _, open := range []int{0, 100000} {
		b.Run(fmt.Sprintf("open=%d", open), func(b *testing.B) {
			rdb, team := storetest.Redis(b)
			s, err := store.New(rdb, team, clock.Real{}, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			key := "carebot:{" + team + "}:due:claim"
			now := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
			future := float64(now.Add(time.Hour).UnixMilli())
			for start := 0; start < open; start += 10000 {
				members := make([]redis.Z, 0, 10000)
				for i := start; i < min(open, start+10000); i++ {
					members = append(members, redis.Z{Score: future, Member: 1000000 + i})
				}
				if err := rdb.ZAdd(ctx, key, members...).Err(); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				due := make([]redis.Z, 10)
				for i := range due {
					due[i] = redis.Z{Score: float64(now.Add(-time.Minute).UnixMilli()), Member: i + 1}
				}
				if err := rdb.ZAdd(ctx, key, due...).Err(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				got, err := s.DueEscalations(ctx, now, time.Minute, 50)
				if err != nil || len(got) != 10 {
					b.Fatalf("DueEscalations = %d, %v", len(got), err)
				}
			}
		})
	}
}
