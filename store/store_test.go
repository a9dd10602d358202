package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"carebot/clock"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	rdb, team := storetest.Redis(t)
	s, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureInboxGroup(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAcceptEventDeduplicatesByEventID(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	isNew, err := s.AcceptEvent(ctx, "Ev1", []byte(`{"event_id":"Ev1"}`))
	if err != nil || !isNew {
		t.Fatalf("first AcceptEvent = %v, %v; want new", isNew, err)
	}
	isNew, err = s.AcceptEvent(ctx, "Ev1", []byte(`{"event_id":"Ev1"}`))
	if err != nil || isNew {
		t.Fatalf("second AcceptEvent = %v, %v; want duplicate", isNew, err)
	}
	got, err := s.ReadInbox(ctx, "c1", 10, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].EventID != "Ev1" || string(got[0].Payload) != `{"event_id":"Ev1"}` {
		t.Fatalf("inbox = %+v, want the one event", got)
	}
	if _, err := s.AcceptEvent(ctx, "", nil); err == nil {
		t.Fatal("AcceptEvent with empty event_id succeeded")
	}
}

func TestInboxDoneRemovesEntryAndStaleEntriesAreClaimed(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	for i := range 2 {
		if _, err := s.AcceptEvent(ctx, fmt.Sprintf("Ev%d", i), []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	// Consumer "dead" reads both and finishes only the first.
	got, err := s.ReadInbox(ctx, "dead", 10, 10*time.Millisecond)
	if err != nil || len(got) != 2 {
		t.Fatalf("ReadInbox = %d entries, %v", len(got), err)
	}
	if err := s.Done(ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	// Nothing new for another consumer...
	if more, err := s.ReadInbox(ctx, "alive", 10, 10*time.Millisecond); err != nil || len(more) != 0 {
		t.Fatalf("second ReadInbox = %+v, %v; want none", more, err)
	}
	// ...until the unfinished entry has been idle long enough.
	if claimed, err := s.ClaimStale(ctx, "alive", time.Hour, 10); err != nil || len(claimed) != 0 {
		t.Fatalf("ClaimStale(1h) = %+v, %v; want none", claimed, err)
	}
	time.Sleep(5 * time.Millisecond) // idle time is Redis's own clock
	claimed, err := s.ClaimStale(ctx, "alive", time.Millisecond, 10)
	if err != nil || len(claimed) != 1 || claimed[0].EventID != "Ev1" {
		t.Fatalf("ClaimStale = %+v, %v; want Ev1", claimed, err)
	}
	n, _, err := s.InboxBacklog(ctx)
	if err != nil || n != 1 {
		t.Fatalf("InboxBacklog = %d, %v; want 1 (Done deletes entries)", n, err)
	}
}

func newTicket(user, channel, ts string) *ticket.Ticket {
	now := time.Date(2026, 11, 27, 7, 42, 0, 0, time.UTC)
	return &ticket.Ticket{
		Status: ticket.StatusOpen, Category: ticket.CategoryPrinter, Location: "4 West",
		Summary: "printer on 4 West is jammed", Requester: user, Source: ticket.SourceDM,
		Channel: channel, ThreadTS: ts, CreatedAt: now, UpdatedAt: now,
	}
}

func TestCreateTicketNumbersAndIsIdempotentPerThread(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	first := ticket.Event{At: time.Now(), Actor: "U1", Kind: ticket.EventCreated}
	a, created, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), first)
	if err != nil || !created || a.Number != 1 {
		t.Fatalf("CreateTicket = %+v, %v, %v; want number 1 created", a, created, err)
	}
	again, created, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), first)
	if err != nil || created || again.Number != 1 {
		t.Fatalf("CreateTicket for the same thread = %+v, %v, %v; want the existing ticket", again, created, err)
	}
	b, created, err := s.CreateTicket(ctx, newTicket("U1", "D1", "2.1"), first)
	if err != nil || !created || b.Number != 2 {
		t.Fatalf("CreateTicket for a new thread = %+v, %v, %v; want number 2", b, created, err)
	}
	got, err := s.Ticket(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := newTicket("U1", "D1", "1.1")
	want.Number = 1
	if *got != *want {
		t.Fatalf("Ticket(1) = %+v\nwant %+v", got, want)
	}
	evs, err := s.Events(ctx, 1)
	if err != nil || len(evs) != 1 || evs[0].Kind != ticket.EventCreated || evs[0].Actor != "U1" {
		t.Fatalf("Events(1) = %+v, %v", evs, err)
	}
	mine, err := s.TicketsOf(ctx, "U1", 10)
	if err != nil || len(mine) != 2 || mine[0].Number != 2 || mine[1].Number != 1 {
		t.Fatalf("TicketsOf = %+v, %v; want 2 then 1", mine, err)
	}
}

func TestCreateTicketConcurrentSameThreadMakesOne(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	var wg sync.WaitGroup
	numbers := make(chan int64, 10)
	for range 10 {
		wg.Go(func() {
			tk, _, err := s.CreateTicket(ctx, newTicket("U1", "C1", "5.5"), ticket.Event{Kind: ticket.EventCreated})
			if err != nil {
				t.Error(err)
				return
			}
			numbers <- tk.Number
		})
	}
	wg.Wait()
	close(numbers)
	for n := range numbers {
		if n != 1 {
			t.Fatalf("a concurrent create got ticket %d; want all 1", n)
		}
	}
}

func TestAddFollowUp(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	if _, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated}); err != nil {
		t.Fatal(err)
	}
	ev := ticket.Event{At: time.Now(), Actor: "U1", Kind: ticket.EventFollowUp, Text: "it is cart 3"}
	tests := []struct {
		name             string
		thread, ts, user string
		want             store.FollowUpResult
	}{
		{"requester adds", "1.1", "1.2", "U1", store.FollowUpAdded},
		{"same message again", "1.1", "1.2", "U1", store.FollowUpDuplicate},
		{"someone else", "1.1", "1.3", "U2", store.FollowUpNotOwnTicket},
		{"not a ticket thread", "9.9", "9.10", "U1", store.FollowUpNoTicket},
	}
	for _, tt := range tests {
		e := ev
		e.Actor = tt.user
		got, _, err := s.AddFollowUp(ctx, "D1", tt.thread, tt.ts, e)
		if err != nil || got != tt.want {
			t.Errorf("%s: AddFollowUp = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	evs, err := s.Events(ctx, 1)
	if err != nil || len(evs) != 2 || evs[1].Text != "it is cart 3" {
		t.Fatalf("Events = %+v, %v; want created + one follow-up", evs, err)
	}
}

func TestTicketNotFoundIsDomainError(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	_, err := s.Ticket(context.Background(), 404)
	var e *ticket.Error
	if !errors.As(err, &e) || e.Code != ticket.NotFound {
		t.Fatalf("Ticket(404) error = %v; want ticket.NotFound", err)
	}
}

func TestSetReplyTS(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	tk, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetReplyTS(ctx, tk.Number, "1.5"); err != nil {
		t.Fatal(err)
	}
	again, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	if err != nil || again.ReplyTS != "1.5" {
		t.Fatalf("ticket after SetReplyTS = %+v, %v; want reply_ts 1.5", again, err)
	}
}

func TestOpenEmbedded(t *testing.T) {
	t.Parallel()
	rdb, closeFn, err := store.Open(store.Connection{})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("embedded redis does not answer: %v", err)
	}
}

func TestOpenRejectsBadConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    store.Connection
		want string
	}{
		{"bad url", store.Connection{URL: "http://user:secret@host"}, "REDIS_URL"},
		{"sentinel without master", store.Connection{SentinelAddrs: []string{"a:26379"}}, "REDIS_MASTER_NAME"},
		{"both", store.Connection{SentinelAddrs: []string{"a:1"}, MasterName: "m", ClusterAddrs: []string{"b:1"}}, "set one"},
	}
	for _, tt := range tests {
		_, _, err := store.Open(tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: Open error = %v; want one naming %q without the password", tt.name, err, tt.want)
		}
	}
}

func TestPruneConsumersRemovesOnlyIdleEmptyOnes(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.EnvURL) == "" {
		t.Skip("the in-memory Redis does not report consumer idle times; runs against a real Redis")
	}
	s, ctx := newStore(t), context.Background()
	for _, id := range []string{"Ev1", "Ev2"} {
		if _, err := s.AcceptEvent(ctx, id, []byte("{}")); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.ReadInbox(ctx, "crashed-busy", 1, 10*time.Millisecond); err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	got, err := s.ReadInbox(ctx, "crashed-idle", 1, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	if err := s.Done(ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if n, err := s.PruneConsumers(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("PruneConsumers(1h) = %d, %v; want none yet", n, err)
	}
	if n, err := s.PruneConsumers(ctx, 10*time.Millisecond); err != nil || n != 1 {
		t.Fatalf("PruneConsumers = %d, %v; want only the idle consumer with nothing pending", n, err)
	}
}

func TestLeaveInboxOnlyWithoutPendingEntries(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	if _, err := s.AcceptEvent(ctx, "Ev1", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadInbox(ctx, "busy", 10, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadInbox = %v, %v", got, err)
	}
	if _, err := s.ReadInbox(ctx, "idle", 10, time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if left, err := s.LeaveInbox(ctx, "busy"); err != nil || left {
		t.Fatalf("LeaveInbox(busy) = %v, %v; want kept: its entry is unfinished", left, err)
	}
	if left, err := s.LeaveInbox(ctx, "idle"); err != nil || !left {
		t.Fatalf("LeaveInbox(idle) = %v, %v; want removed", left, err)
	}
	time.Sleep(5 * time.Millisecond)
	if claimed, err := s.ClaimStale(ctx, "other", time.Millisecond, 10); err != nil || len(claimed) != 1 {
		t.Fatalf("the busy consumer's entry was not left to take over: %v, %v", claimed, err)
	}
}

func TestInboxSurvivesLosingItsConsumerGroup(t *testing.T) {
	t.Parallel()
	rdb, team := storetest.Redis(t)
	s, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.EnsureInboxGroup(ctx); err != nil {
		t.Fatal(err)
	}
	// Redis loses everything (a restart without persistence, a failover).
	if err := rdb.Del(ctx, "carebot:{"+team+"}:inbox").Err(); err != nil {
		t.Fatal(err)
	}
	if isNew, err := s.AcceptEvent(ctx, "Ev1", []byte("{}")); err != nil || !isNew {
		t.Fatalf("AcceptEvent after the inbox vanished = %v, %v", isNew, err)
	}
	got, err := s.ReadInbox(ctx, "c", 10, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatalf("ReadInbox = %v, %v; want the event, readable through a recreated group", got, err)
	}
	// A group removed behind a reader's back is recreated on its next read.
	if err := rdb.XGroupDestroy(ctx, "carebot:{"+team+"}:inbox", store.InboxGroup).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadInbox(ctx, "c", 10, time.Millisecond); err != nil {
		t.Fatalf("ReadInbox without a group = %v; want it recreated", err)
	}
	if _, err := s.AcceptEvent(ctx, "Ev2", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadInbox(ctx, "c", 10, 10*time.Millisecond); err != nil || len(got) == 0 {
		t.Fatalf("ReadInbox after recreation = %v, %v", got, err)
	}
}

func TestTouchKeepsEntryFromBeingTakenOver(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	if _, err := s.AcceptEvent(ctx, "Ev1", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadInbox(ctx, "slow", 1, 10*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
	time.Sleep(30 * time.Millisecond)
	if err := s.Touch(ctx, "slow", got[0].ID); err != nil {
		t.Fatal(err)
	}
	if claimed, err := s.ClaimStale(ctx, "other", 20*time.Millisecond, 10); err != nil || len(claimed) != 0 {
		t.Fatalf("a touched entry was taken over: %v, %v", claimed, err)
	}
}

func TestCreateKeepsWordsOfAnotherMessageInTheSameThread(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	// A reply in a DM thread is handled first and becomes the ticket...
	reply := newTicket("U1", "D1", "1.1")
	reply.Summary = "it's cart 3"
	if _, _, err := s.CreateTicket(ctx, reply, ticket.Event{Kind: ticket.EventCreated, Source: "1.2"}); err != nil {
		t.Fatal(err)
	}
	// ...then its parent arrives: its words must not be lost.
	parent := newTicket("U1", "D1", "1.1")
	parent.Summary = "scanner on 4 West won't read"
	for range 2 { // a second delivery of the parent adds nothing more
		if _, created, err := s.CreateTicket(ctx, parent, ticket.Event{Kind: ticket.EventCreated, Source: "1.1"}); err != nil || created {
			t.Fatalf("CreateTicket for the parent = %v, %v; want the existing ticket", created, err)
		}
	}
	evs, err := s.Events(ctx, 1)
	if err != nil || len(evs) != 2 || evs[1].Kind != ticket.EventFollowUp || evs[1].Text != "scanner on 4 West won't read" {
		t.Fatalf("events = %+v, %v; want created + the parent's words once", evs, err)
	}
}
