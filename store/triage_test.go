package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"carebot/clock"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

func triageTicket(user, channel, ts string) *ticket.Ticket {
	t := newTicket(user, channel, ts)
	t.Status = ticket.StatusTriage
	return t
}

func TestCreateInTriageStoresConversationAndDeadline(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	created := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	conv := &store.Conversation{Asked: "care", Pending: []string{"scope", "device"}}
	tk, ok, err := s.CreateInTriage(ctx, triageTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated}, conv, created.Add(10*time.Minute))
	if err != nil || !ok {
		t.Fatalf("CreateInTriage = %v, %v", ok, err)
	}
	got, gotConv, err := s.TicketInThread(ctx, "D1", "1.1")
	if err != nil || got.Number != tk.Number || gotConv == nil {
		t.Fatalf("TicketInThread = %+v, %+v, %v", got, gotConv, err)
	}
	if gotConv.Ticket != tk.Number || gotConv.Asked != "care" || len(gotConv.Pending) != 2 {
		t.Errorf("conversation = %+v", gotConv)
	}
	if due, err := s.DueTriage(ctx, created.Add(9*time.Minute), time.Minute, 10); err != nil || len(due) != 0 {
		t.Fatalf("DueTriage before the deadline = %v, %v", due, err)
	}
	due, err := s.DueTriage(ctx, created.Add(10*time.Minute), time.Minute, 10)
	if err != nil || len(due) != 1 || due[0] != tk.Number {
		t.Fatalf("DueTriage at the deadline = %v, %v", due, err)
	}
	// Leased, not removed: another replica does not get it at once...
	if again, _ := s.DueTriage(ctx, created.Add(10*time.Minute), time.Minute, 10); len(again) != 0 {
		t.Fatalf("a leased ticket was handed out twice: %v", again)
	}
	// ...but does when the lease runs out without the ticket leaving triage.
	if again, _ := s.DueTriage(ctx, created.Add(11*time.Minute), time.Minute, 10); len(again) != 1 {
		t.Fatalf("a ticket whose lease ran out was not handed out again: %v", again)
	}
}

func TestUpdateIsCheckAndSet(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	if _, _, err := s.CreateInTriage(ctx, triageTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated},
		&store.Conversation{Asked: "care"}, at.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	a, _, err := s.TicketInThread(ctx, "D1", "1.1")
	if err != nil {
		t.Fatal(err)
	}
	b := *a // a second reader of the same revision

	a.Care = "blocked"
	err = s.Update(ctx, store.Change{Ticket: a, Events: []ticket.Event{{Kind: ticket.EventAnswered, Text: "care: blocked"}},
		Conversation: &store.Conversation{Asked: "scope"}, Deadline: at.Add(10 * time.Minute), Once: "D1:1.2"})
	if err != nil {
		t.Fatal(err)
	}
	b.Status = ticket.StatusCancelled
	if err := s.Update(ctx, store.Change{Ticket: &b}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale update = %v, want ErrConflict", err)
	}
	again := *a
	if err := s.Update(ctx, store.Change{Ticket: &again, Once: "D1:1.2"}); !errors.Is(err, store.ErrAlreadyApplied) {
		t.Fatalf("repeated Once = %v, want ErrAlreadyApplied", err)
	}

	// Leaving triage ends the conversation and the deadline.
	a.Status = ticket.StatusOpen
	if err := s.Update(ctx, store.Change{Ticket: a, Events: []ticket.Event{{Kind: ticket.EventRouted}}}); err != nil {
		t.Fatal(err)
	}
	got, conv, err := s.TicketAndConversation(ctx, a.Number)
	if err != nil || conv != nil || got.Status != ticket.StatusOpen || got.Care != "blocked" || got.Rev != a.Rev {
		t.Fatalf("after routing: %+v, conversation %+v, %v", got, conv, err)
	}
	if due, _ := s.DueTriage(ctx, at.Add(time.Hour), time.Minute, 10); len(due) != 0 {
		t.Fatalf("a routed ticket is still due for triage: %v", due)
	}
	evs, err := s.Events(ctx, a.Number)
	if err != nil || len(evs) != 3 || evs[1].Kind != ticket.EventAnswered || evs[2].Kind != ticket.EventRouted {
		t.Fatalf("events = %+v, %v", evs, err)
	}
}

func TestUpdateOfMissingTicket(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	tk := triageTicket("U1", "D1", "1.1")
	tk.Number = 99
	if err := s.Update(context.Background(), store.Change{Ticket: tk}); !ticket.IsNotFound(err) {
		t.Fatalf("Update of a missing ticket = %v", err)
	}
}

func TestFollowUpAndReplyBumpRevision(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	tk, _, err := s.CreateTicket(ctx, newTicket("U1", "D1", "1.1"), ticket.Event{Kind: ticket.EventCreated})
	if err != nil {
		t.Fatal(err)
	}
	stale := *tk
	if err := s.SetReplyTS(ctx, tk.Number, "1.2"); err != nil {
		t.Fatal(err)
	}
	stale.Status = ticket.StatusCancelled
	if err := s.Update(ctx, store.Change{Ticket: &stale}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("an update from before SetReplyTS = %v, want ErrConflict (it would erase reply_ts)", err)
	}
}

// A ticket opened for routing is due at its routing deadline, with no
// conversation, until the change that records its team post.
func TestCreateOpenIsDueUntilRouted(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	open := newTicket("U1", "D1", "3.1")
	open.Status = ticket.StatusOpen
	tk, ok, err := s.CreateOpen(ctx, open, ticket.Event{Kind: ticket.EventCreated}, at.Add(30*time.Second))
	if err != nil || !ok {
		t.Fatalf("CreateOpen = %v, %v", ok, err)
	}
	if _, conv, err := s.TicketAndConversation(ctx, tk.Number); err != nil || conv != nil {
		t.Fatalf("conversation of a ticket opened for routing = %+v, %v", conv, err)
	}
	if due, _ := s.DueTriage(ctx, at.Add(29*time.Second), time.Minute, 10); len(due) != 0 {
		t.Fatalf("due before its routing deadline: %v", due)
	}
	due, err := s.DueTriage(ctx, at.Add(31*time.Second), time.Minute, 10)
	if err != nil || len(due) != 1 || due[0] != tk.Number {
		t.Fatalf("DueTriage past the routing deadline = %v, %v", due, err)
	}
	tk.TeamTS = "9.9"
	if err := s.Update(ctx, store.Change{Ticket: tk}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueTriage(ctx, at.Add(10*time.Minute), time.Minute, 10); len(due) != 0 {
		t.Fatalf("still due after the team post was recorded: %v", due)
	}
}

// Ticket numbers never go backwards: when the counter is lost but tickets
// remain, or everything is lost but a replica has seen higher numbers, the
// next ticket is numbered after them, and the loss is reported.
func TestTicketNumbersSurviveDataLoss(t *testing.T) {
	t.Parallel()
	rdb, team := storetest.Redis(t)
	var lost []string
	s, err := store.New(rdb, team, clock.Real{}, store.Options{OnDataLoss: func(msg string) { lost = append(lost, msg) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	create := func(ts string) int64 {
		t.Helper()
		tk, ok, err := s.CreateTicket(ctx, newTicket("U1", "D1", ts), ticket.Event{Kind: ticket.EventCreated})
		if err != nil || !ok {
			t.Fatalf("CreateTicket = %v, %v", ok, err)
		}
		return tk.Number
	}
	create("1.1")
	create("1.2")
	if len(lost) != 0 {
		t.Fatalf("data loss reported with nothing lost: %q", lost)
	}
	// The counter alone is lost: the tickets say where numbering stands.
	if rdb.Del(ctx, "carebot:{"+team+"}:seq:ticket").Val() != 1 {
		t.Fatal("no ticket counter key found to delete")
	}
	if n := create("1.3"); n != 3 {
		t.Errorf("after the counter was lost, the next ticket is %d, want 3", n)
	}
	// Everything is lost: this store has seen ticket 3.
	storetest.Cleanup(t, rdb, team)
	if n := create("1.4"); n != 4 {
		t.Errorf("after all data was lost, the next ticket is %d, want 4", n)
	}
	if len(lost) != 2 {
		t.Errorf("data loss reported %d times, want 2: %q", len(lost), lost)
	}
}

// A held command is handed to another replica only once it is due, to one
// replica at a time, and never once released.
func TestHeldInteractions(t *testing.T) {
	t.Parallel()
	s, ctx := newStore(t), context.Background()
	at := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	if err := s.Hold(ctx, "env-1", "slash_commands", []byte(`{"command":"/ticket","text":"claim 1"}`), at.Add(40*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Hold(ctx, "env-2", "interactive", []byte(`{"type":"block_actions"}`), at.Add(40*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, "env-2"); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueHeld(ctx, at.Add(39*time.Second), time.Minute, 10); len(due) != 0 {
		t.Fatalf("handed out before due: %+v", due)
	}
	due, err := s.DueHeld(ctx, at.Add(41*time.Second), time.Minute, 10)
	if err != nil || len(due) != 1 || due[0].ID != "env-1" || due[0].Kind != "slash_commands" || string(due[0].Payload) != `{"command":"/ticket","text":"claim 1"}` {
		t.Fatalf("DueHeld = %+v, %v", due, err)
	}
	if again, _ := s.DueHeld(ctx, at.Add(42*time.Second), time.Minute, 10); len(again) != 0 {
		t.Fatalf("handed out twice within its lease: %+v", again)
	}
	if err := s.Release(ctx, "env-1"); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DueHeld(ctx, at.Add(5*time.Minute), time.Minute, 10); len(after) != 0 {
		t.Fatalf("handed out after release: %+v", after)
	}
}
