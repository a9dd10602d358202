package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/bot"
	"carebot/clock"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

// openStore opens the harness's store the way a replica does.
func (h *harness) openStore() *store.Store {
	h.t.Helper()
	opts, err := redis.ParseURL(h.redisURL)
	if err != nil {
		h.t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	h.t.Cleanup(func() { _ = rdb.Close() })
	st, err := store.New(rdb, h.fake.TeamID(), clock.Real{}, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	return st
}

// leftByStoppedReplica stores what a replica that stopped between the
// requester's reply and the team post leaves behind: nurse 1's open P1
// ticket IT-1, answered, due for routing in 30 s, with no team post.
func (h *harness) leftByStoppedReplica() {
	h.t.Helper()
	now := h.clock.Now()
	tk := &ticket.Ticket{Status: ticket.StatusOpen, Summary: "Epic is down for the whole ED", Requester: nurse(1),
		Channel: "D" + nurse(1), ThreadTS: "1700000000.000100", Category: ticket.CategoryEHR, Priority: ticket.P1,
		Reasons: "EHR is high impact · unit-wide · patient care blocked", ReplyTS: "1700000000.000200",
		CreatedAt: now, UpdatedAt: now}
	if _, _, err := h.openStore().CreateOpen(context.Background(), tk,
		ticket.Event{At: now, Actor: nurse(1), Kind: ticket.EventCreated, Text: "P1"}, now.Add(30*time.Second)); err != nil {
		h.t.Fatal(err)
	}
}

// A replica that stops after telling the requester the ticket's ID, but
// before the team post is recorded, loses nothing: past the routing grace
// another replica posts it to the team and pages the on-call.
func TestTicketOpenedByAStoppedReplicaIsRouted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member

	h.leftByStoppedReplica()
	h.waitSweeps(3)
	if n := h.fake.Calls("chat.postMessage"); n != 0 {
		t.Fatalf("routed within the grace the first replica had: %d posts", n)
	}
	h.clock.Advance(31 * time.Second)
	post := h.teamPost(apps.Channel, "IT-1")
	if !strings.Contains(string(post.Blocks), "ticket_claim") {
		t.Errorf("team post %q has no Claim button", post.Text)
	}
	h.pageTo(onCall, "IT-1")
	got := h.ticket(nurse(1))
	if got.TeamTS != post.TS || got.ClaimDeadline.IsZero() {
		t.Errorf("after routing: team post %q (want %q), claim deadline %v", got.TeamTS, post.TS, got.ClaimDeadline)
	}

	// Routed once: later sweeps post nothing more.
	posts := h.fake.Calls("chat.postMessage")
	h.clock.Advance(2 * time.Minute)
	h.waitSweeps(3)
	if n := h.fake.Calls("chat.postMessage"); n != posts {
		t.Errorf("%d more posts after routing", n-posts)
	}
}

// A ticket routed normally leaves the routing set with its team post, so
// the sweep never posts it a second time.
func TestRoutedTicketIsNotRoutedAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.nextPost(m, 0)
	h.teamPost(apps.Channel, "IT-1")
	h.pageTo(apps.OnCall(h.clock.Now()).Member, "IT-1") // routing's last post
	posts := h.fake.Calls("chat.postMessage")
	h.clock.Advance(2 * time.Minute)
	h.waitSweeps(3)
	if n := h.fake.Calls("chat.postMessage"); n != posts {
		t.Errorf("%d more posts after the grace", n-posts)
	}
}

// A Claim button under a post of a ticket the store has since lost cannot
// claim a new ticket that was given the same number.
func TestOldButtonCannotActOnAReusedNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member
	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.nextPost(m, 0)
	old := h.teamPost(apps.Channel, "IT-1")

	// Redis loses everything; a store that never saw IT-1 numbers a new
	// report 1 again.
	st := h.openStore()
	opts, err := redis.ParseURL(h.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	storetest.Cleanup(t, rdb, h.fake.TeamID())
	later := h.clock.Now().Add(time.Hour)
	fresh := &ticket.Ticket{Status: ticket.StatusOpen, Summary: "printer jammed", Requester: nurse(2),
		Channel: "D" + nurse(2), ThreadTS: "1700000001.000100", Category: ticket.CategoryPrinter, Priority: ticket.P3,
		TeamTS: "1700000001.000300", CreatedAt: later, UpdatedAt: later}
	got, _, err := st.CreateTicket(context.Background(), fresh, ticket.Event{At: later, Actor: nurse(2), Kind: ticket.EventCreated})
	if err != nil || got.Number != 1 {
		t.Fatalf("new ticket = %v, %v; want number 1 again for this test", got, err)
	}

	press := h.press(old, "ticket_claim", onCall)
	h.eventually("the press is refused", func() bool { return responseTo(h, press.ResponseURL, "earlier IT-1") })
	if tk := h.ticket(nurse(2)); tk.Status != ticket.StatusOpen || tk.Owner != "" {
		t.Fatalf("the new IT-1 was changed by an old button: %s, owner %q", tk.Status, tk.Owner)
	}
}

// A claim that lands while the ticket is being posted to its team is shown
// on the post once it is made, and nobody is paged "New ticket" for a
// ticket already owned.
func TestClaimDuringRoutingIsShownAndNotPaged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member
	h.leftByStoppedReplica()
	// The team post is held up by a rate limit; meanwhile the on-call
	// claims the ticket by command.
	h.fake.Fail("chat.postMessage", http.StatusTooManyRequests, 5*time.Second, 1)
	h.clock.Advance(31 * time.Second)
	h.eventually("the team post is tried", func() bool { return h.fake.Calls("chat.postMessage") >= 1 })
	h.fake.SlashCommand("/ticket", "claim IT-1", onCall, "D"+onCall)
	h.eventually("the claim is stored", func() bool { return h.ticket(nurse(1)).Status == ticket.StatusClaimed })

	h.clock.Advance(6 * time.Second)
	h.eventually("the team post shows the claim", func() bool {
		for _, p := range h.fake.Posts() {
			if text, _ := p.Current(); p.Channel == apps.Channel && strings.Contains(text, "Claimed by <@"+onCall+">") {
				return true
			}
		}
		return false
	})
	h.waitSweeps(3)
	for _, p := range h.fake.Posts() {
		if p.Channel == "D"+onCall && strings.Contains(p.Text, "New ticket") {
			t.Errorf("the on-call was paged for a ticket they own: %q", p.Text)
		}
	}
	if got := h.ticket(nurse(1)); got.Status != ticket.StatusClaimed || got.Owner != onCall || got.TeamTS == "" {
		t.Errorf("after routing: %s, owner %q, team post %q", got.Status, got.Owner, got.TeamTS)
	}
}

// Team post updates that overlap, and land in any order, end with the post
// showing the ticket's last state: here a claim's update, held up by a rate
// limit, competes with the resolve that follows it.
func TestTeamPostEndsOnTheLastState(t *testing.T) {
	t.Parallel()
	for i := range 3 {
		h := newHarness(t, harnessOptions{})
		h.start(bot.Options{})
		apps := h.cfg.Team("apps")
		onCall := apps.OnCall(h.clock.Now()).Member
		m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
		h.nextPost(m, 0)
		h.teamPost(apps.Channel, "IT-1")
		h.pageTo(onCall, "IT-1")

		h.fake.Fail("chat.update", http.StatusTooManyRequests, 3*time.Second, 1)
		h.fake.SlashCommand("/ticket", "claim IT-1", onCall, "D"+onCall)
		h.eventually("the claim's update is tried", func() bool { return h.fake.Calls("chat.update") >= 1 })
		h.fake.SlashCommand("/ticket", "resolve IT-1 restarted the interface engine", onCall, "D"+onCall)
		h.eventually("the resolve is stored", func() bool { return h.ticket(nurse(1)).Status == ticket.StatusResolved })
		h.clock.Advance(4 * time.Second)
		h.eventually(fmt.Sprintf("round %d: the team post shows the resolve", i), func() bool {
			for _, p := range h.fake.Posts() {
				if text, _ := p.Current(); p.Channel == apps.Channel && p.ThreadTS == "" {
					return strings.Contains(text, "Resolved by") && !strings.Contains(text, "Claimed by")
				}
			}
			return false
		})
	}
}

// A storm for one team fills its channel's pacing (about a post a second);
// another requester's first reply does not wait behind it, and every team
// post still goes out as the channel allows.
func TestBusyTeamChannelDoesNotHoldUpOthers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	stormPosts := func() int {
		n := 0
		for _, p := range h.fake.Posts() {
			if p.Channel == apps.Channel && p.ThreadTS == "" && strings.Contains(p.Text, "Epic is down") {
				n++
			}
		}
		return n
	}
	for i := 1; i <= 12; i++ {
		h.fake.DM(nurse(i), fmt.Sprintf("Epic is down for the whole ED %d, can't chart, patients waiting", i))
	}
	h.eventually("the channel's burst is used", func() bool { return stormPosts() >= 3 })
	m := h.fake.DM(nurse(20), "label printer on 4 West keeps jamming")
	if got := h.nextPost(m, 0); !strings.Contains(got.Text, "Got it") {
		t.Fatalf("first reply = %q; want the receipt", got.Text)
	}
	// Posts beyond the burst go out about one a second; a reply that waited
	// behind them would come after most of them (10 of 12 when routing ran
	// on the workers).
	if n := stormPosts(); n > 6 {
		t.Errorf("the reply came after %d of 12 storm posts: it waited behind the busy channel", n)
	}
	deadline := time.Now().Add(40 * time.Second)
	for stormPosts() < 12 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if n := stormPosts(); n != 12 {
		t.Errorf("%d of 12 team posts went out", n)
	}
}
