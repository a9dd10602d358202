package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"carebot/bot"
	"carebot/clock"
	"carebot/slackfake"
	"carebot/ticket"
)

// teamPost waits for the post of ticket id in channel.
func (h *harness) teamPost(channel, id string) slackfake.Post {
	h.t.Helper()
	var got slackfake.Post
	h.eventually("the team post of "+id+" in "+channel, func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel == channel && p.ThreadTS == "" && strings.Contains(p.Text, id+" ") {
				got = p
				return true
			}
		}
		return false
	})
	return got
}

// pageTo waits for a DM page about ticket id to user.
func (h *harness) pageTo(user, id string) slackfake.Post {
	h.t.Helper()
	var got slackfake.Post
	h.eventually("a page about "+id+" to "+user, func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel == "D"+user && strings.Contains(p.Text, id) {
				got = p
				return true
			}
		}
		return false
	})
	return got
}

func TestP1IsPostedToTeamPagedAndClaimed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member

	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	told := h.nextPost(m, 0)
	if !strings.Contains(told.Text, "Clinical Applications") || !strings.Contains(told.Text, "<@"+onCall+">") || !strings.Contains(told.Text, "5 min") {
		t.Errorf("requester told %q; want the team, who is on call and the P1 claim target", told.Text)
	}
	post := h.teamPost(apps.Channel, "IT-1")
	if !strings.Contains(post.Text, "P1") || !strings.Contains(string(post.Blocks), "ticket_claim") {
		t.Fatalf("team post %q has no priority or Claim button", post.Text)
	}
	page := h.pageTo(onCall, "IT-1")
	if !strings.Contains(string(page.Blocks), "ticket_claim") {
		t.Errorf("page %q has no Claim button", page.Text)
	}

	stranger := h.press(post, "ticket_claim", nurse(2))
	h.eventually("a non-specialist is refused", func() bool { return responseTo(h, stranger.ResponseURL, "Only IT staff") })
	if tk := h.ticket(nurse(1)); tk.Status != ticket.StatusOpen {
		t.Fatalf("a non-specialist's press changed the ticket to %s", tk.Status)
	}

	mine := h.press(page, "ticket_claim", onCall)
	h.eventually("the claimer is told", func() bool { return responseTo(h, mine.ResponseURL, "You have") })
	tk := h.ticket(nurse(1))
	if tk.Status != ticket.StatusClaimed || tk.Owner != onCall {
		t.Fatalf("after the claim: %s owned by %q", tk.Status, tk.Owner)
	}
	h.eventually("the team post is updated in place", func() bool {
		for _, p := range h.fake.Posts() {
			if p.TS == post.TS && len(p.Updated) > 0 {
				text, blocks := p.Current()
				return strings.Contains(text, "Claimed by <@"+onCall+">") && !strings.Contains(string(blocks), "ticket_claim")
			}
		}
		return false
	})
	onIt := h.nextPost(m, 1)
	if !strings.Contains(onIt.Text, "<@"+onCall+">") || !strings.Contains(onIt.Text, "is on *IT-1*") {
		t.Errorf("requester told %q; want who is on it", onIt.Text)
	}
	other := apps.Rotation.Members[0]
	if other == onCall {
		other = apps.Rotation.Members[1]
	}
	late := h.press(post, "ticket_claim", other)
	h.eventually("a late claimer learns who has it", func() bool {
		return responseTo(h, late.ResponseURL, "already claimed by <@"+onCall+">")
	})
}

func TestSimultaneousClaimsHaveOneOwner(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	post := h.teamPost(apps.Channel, "IT-1")
	var envs []slackfake.Envelope
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range apps.Rotation.Members {
		wg.Go(func() {
			env := h.press(post, "ticket_claim", u)
			mu.Lock()
			envs = append(envs, env)
			mu.Unlock()
		})
	}
	wg.Wait()
	h.eventually("both presses answered", func() bool {
		n := 0
		for _, e := range envs {
			if responseTo(h, e.ResponseURL, "You have") || responseTo(h, e.ResponseURL, "already claimed") {
				n++
			}
		}
		return n == len(envs)
	})
	won := 0
	for _, e := range envs {
		if responseTo(h, e.ResponseURL, "You have") {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d specialists were told they have the ticket, want 1", won)
	}
}

func TestTicketClaimCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.teamPost(apps.Channel, "IT-1")

	ack := func(user, text string) string { return h.slash("/ticket", user, apps.Channel, text) }
	if got := ack(nurse(1), "claim IT-1"); !strings.Contains(got, "Only IT staff") {
		t.Errorf("a nurse's claim answered %s", got)
	}
	if got := ack(apps.Rotation.Members[1], "claim 1"); !strings.Contains(got, "You have") {
		t.Errorf("claim answered %s", got)
	}
	if got := ack(apps.Rotation.Members[1], "claim IT-1"); !strings.Contains(got, "already yours") {
		t.Errorf("second claim answered %s", got)
	}
	for _, bad := range []string{"claim", "claim IT-999", "claim INC-3", "claim 1 2"} {
		if got := ack(apps.Rotation.Members[0], bad); !strings.Contains(got, "Usage") && !strings.Contains(got, "no ticket") && !strings.Contains(got, "not a ticket ID") {
			t.Errorf("/ticket %s answered %s", bad, got)
		}
	}
}

func TestPageGoesToWhoeverIsOnCallWhenTheTicketIsRouted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	// 06:55 in Chicago: the desk rotation hands off at 07:00.
	h.clock = clock.NewFake(time.Date(2026, 11, 27, 12, 55, 0, 0, time.UTC))
	h.start(bot.Options{})
	desk := h.cfg.Team("desk")
	before, after := desk.OnCall(h.clock.Now()).Member, desk.OnCall(h.clock.Now().Add(10*time.Minute)).Member
	if before == after {
		t.Fatalf("the test needs a handoff: %s both sides", before)
	}

	m := h.fake.DM(nurse(1), "scanner on 4 West not reading wristbands")
	h.nextPost(m, 0) // a question: the ticket waits in triage across the handoff
	h.clock.Advance(h.cfg.TriageTimeout)
	h.pageTo(after, "IT-1")
	for _, p := range h.fake.Posts() {
		if p.Channel == "D"+before && strings.Contains(p.Text, "IT-1") {
			t.Errorf("the member whose turn ended was paged: %q", p.Text)
		}
	}
}

func TestSpecialistsGroupMembersMayClaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.SpecialistsGroup = "S0ITSTAFF"
	h.fake.SetUsergroup("S0ITSTAFF", "U0DESKTOP")
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	post := h.teamPost(apps.Channel, "IT-1")
	env := h.press(post, "ticket_claim", "U0DESKTOP")
	h.eventually("a member of specialists_group may claim", func() bool { return responseTo(h, env.ResponseURL, "You have") })
	if tk := h.ticket(nurse(1)); tk.Owner != "U0DESKTOP" {
		t.Fatalf("owner = %q", tk.Owner)
	}
}

func TestQueuesInListAndAppHome(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	spec := apps.Rotation.Members[0]

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.teamPost(apps.Channel, "IT-1")
	h.fake.DM(nurse(2), "Pyxis in ICU won't open any drawer, patients waiting on meds")
	h.teamPost(apps.Channel, "IT-2")
	if got := h.slash("/ticket", spec, apps.Channel, "claim IT-1"); !strings.Contains(got, "You have") {
		t.Fatalf("claim: %s", got)
	}
	list := func(user, which string) string { return h.slash("/ticket", user, apps.Channel, "list "+which) }
	if got := list(spec, "unclaimed"); !strings.Contains(got, "IT-2") || strings.Contains(got, "IT-1 ") {
		t.Errorf("list unclaimed = %s", got)
	}
	if got := list(spec, "mine"); !strings.Contains(got, "IT-1") || strings.Contains(got, "IT-2") {
		t.Errorf("list mine = %s", got)
	}
	if got := list(spec, "apps"); !strings.Contains(got, "IT-1") || !strings.Contains(got, "IT-2") {
		t.Errorf("list apps = %s", got)
	}
	if got := list(nurse(1), "open"); !strings.Contains(got, "Usage") {
		t.Errorf("a nurse listing all open tickets got %s", got)
	}
	if got := list(nurse(1), ""); !strings.Contains(got, "IT-1") || strings.Contains(got, "IT-2") {
		t.Errorf("a nurse's own list = %s", got)
	}

	home := func(user string) string {
		before := len(h.fake.Views())
		h.fake.SendEvent(map[string]any{"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home", "event_ts": "1.1"})
		var view string
		h.eventually("App Home is published for "+user, func() bool {
			vs := h.fake.Views()
			for _, v := range vs[before:] {
				if v.UserID == user {
					view = string(v.View)
					return true
				}
			}
			return false
		})
		return view
	}
	staff := home(spec)
	for _, want := range []string{"IT queue", "Claimed by you", "IT-1", "Unclaimed", "IT-2", "ticket_claim", "On call now"} {
		if !strings.Contains(staff, want) {
			t.Errorf("a specialist's App Home lacks %q", want)
		}
	}
	if nurseHome := home(nurse(1)); strings.Contains(nurseHome, "IT queue") || !strings.Contains(nurseHome, "IT-1") {
		t.Errorf("a nurse's App Home shows the IT queue or lacks her ticket")
	}
}
