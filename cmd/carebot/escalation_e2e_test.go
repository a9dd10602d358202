package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"carebot/bot"
)

// escalationPages counts the escalation pages about id, by user, in order.
func (h *harness) escalationPages(id string) []string {
	var got []string
	for _, p := range h.fake.Posts() {
		if strings.HasPrefix(p.Channel, "D") && strings.Contains(p.Text, "nobody claimed "+id) {
			got = append(got, strings.TrimPrefix(p.Channel, "D")+": "+strings.SplitN(p.Text, ":", 2)[0])
		}
	}
	return got
}

func TestUnclaimedTicketRunsTheWholeChainWithRepeat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	desk := h.cfg.Team("desk")
	onCall := desk.OnCall(h.clock.Now()).Member
	next := desk.Rotation.Members[0]
	if next == onCall {
		next = desk.Rotation.Members[1]
	}

	m := h.fake.DM(nurse(1), "wifi down across the whole hospital, can't scan meds, patients waiting")
	h.nextPost(m, 0)
	h.pageTo(onCall, "IT-1")
	if tk := h.ticket(nurse(1)); tk.Priority.String() != "P1" || tk.Team != "desk" {
		t.Fatalf("the test needs a desk P1: got %s %s", tk.Team, tk.Priority)
	}
	claim := h.cfg.SLA["P1"].Claim
	// The desk chain: next member at the deadline, the lead 10 min later;
	// run three times, 20 min apart.
	want := []string{
		next + ": Second page", "U0LEAD: Third page",
		next + ": Fourth page", "U0LEAD: Fifth page",
		next + ": Sixth page", "U0LEAD: Seventh page",
	}
	h.clock.Advance(claim - time.Second)
	h.waitSweeps(3)
	if got := h.escalationPages("IT-1"); len(got) != 0 {
		t.Fatalf("paged before the claim deadline: %v", got)
	}
	h.clock.Advance(time.Second)
	for i := range want {
		h.eventually(fmt.Sprintf("page %d", i+1), func() bool { return len(h.escalationPages("IT-1")) == i+1 })
		h.clock.Advance(10 * time.Minute)
	}
	h.clock.Advance(time.Hour)
	h.waitSweeps(3)
	got := h.escalationPages("IT-1")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("pages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The requester hears of the first escalation, not of every page.
	told := 0
	for _, p := range h.fake.Posts() {
		if p.Channel == m.Channel && p.ThreadTS == m.TS && strings.Contains(p.Text, "Nobody has picked up") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("requester told of escalation %d times, want once", told)
	}
}

func TestClaimStopsEscalation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	desk := h.cfg.Team("desk")
	onCall := desk.OnCall(h.clock.Now()).Member

	h.fake.DM(nurse(1), "wifi down across the whole hospital, can't scan meds, patients waiting")
	page := h.pageTo(onCall, "IT-1")
	h.clock.Advance(h.cfg.SLA["P1"].Claim)
	h.eventually("the second page", func() bool { return len(h.escalationPages("IT-1")) == 1 })
	env := h.press(page, "ticket_claim", onCall)
	h.eventually("the claim", func() bool { return responseTo(h, env.ResponseURL, "You have") })
	h.clock.Advance(2 * time.Hour)
	h.waitSweeps(3)
	if got := h.escalationPages("IT-1"); len(got) != 1 {
		t.Fatalf("pages after the claim: %v", got)
	}
}

func TestEscalateNowByButtonAndCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member
	next := apps.Rotation.Members[0]
	if next == onCall {
		next = apps.Rotation.Members[1]
	}

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	post := h.teamPost(apps.Channel, "IT-1")
	stranger := h.press(post, "ticket_escalate", nurse(2))
	h.eventually("a non-specialist is refused", func() bool { return responseTo(h, stranger.ResponseURL, "Only IT staff") })

	env := h.press(post, "ticket_escalate", onCall)
	h.eventually("the escalation is confirmed", func() bool { return responseTo(h, env.ResponseURL, "Paged the next step") })
	h.eventually("the next member is paged at once", func() bool {
		for _, p := range h.pagesAbout(next, "IT-1") {
			if strings.Contains(p, "escalated IT-1") {
				return true
			}
		}
		return false
	})
	cmd := func(text string) string { return h.slash("/ticket", onCall, apps.Channel, text) }
	if got := cmd("escalate IT-1 still down after restart"); !strings.Contains(got, "Paged the next step") {
		t.Fatalf("escalate: %s", got)
	}
	h.eventually("the lead is paged with the reason", func() bool {
		for _, p := range h.pagesAbout("U0LEAD", "IT-1") {
			if strings.Contains(p, "still down after restart") {
				return true
			}
		}
		return false
	})
	if got := cmd("escalate IT-1"); !strings.Contains(got, "has been paged already") {
		t.Errorf("escalating past the chain: %s", got)
	}
	// The sweep does not page the steps again once they were forced.
	h.clock.Advance(time.Hour)
	h.waitSweeps(3)
	if got := h.escalationPages("IT-1"); len(got) != 0 {
		t.Errorf("the sweep paged again after forced escalations: %v", got)
	}
}

func TestResolveTargetBreachIsPostedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	spec := apps.OnCall(h.clock.Now()).Member

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.teamPost(apps.Channel, "IT-1")
	h.fake.DM(nurse(2), "Pyxis in ICU won't open any drawer, patients waiting on meds")
	h.teamPost(apps.Channel, "IT-2")
	if got := h.slash("/ticket", spec, apps.Channel, "claim IT-1"); !strings.Contains(got, "You have") {
		t.Fatalf("claim: %s", got)
	}
	if got := h.slash("/ticket", spec, apps.Channel, "resolve IT-2 restocked and reset the drawer"); !strings.Contains(got, "Resolved") {
		t.Fatalf("resolve: %s", got)
	}
	breaches := func() []string {
		var out []string
		for _, p := range h.fake.Posts() {
			if p.Channel == apps.Channel && strings.Contains(p.Text, "resolve target") {
				out = append(out, p.Text)
			}
		}
		return out
	}
	h.clock.Advance(h.cfg.SLA["P1"].Resolve - time.Minute)
	h.waitSweeps(3)
	if got := breaches(); len(got) != 0 {
		t.Fatalf("breach posted before the target: %v", got)
	}
	h.clock.Advance(time.Minute)
	h.eventually("the breach is posted", func() bool { return len(breaches()) == 1 })
	h.clock.Advance(3 * time.Hour)
	h.waitSweeps(3)
	got := breaches()
	if len(got) != 1 || !strings.Contains(got[0], "IT-1") || !strings.Contains(got[0], "<@"+spec+">") {
		t.Fatalf("breach posts = %v; want one, for the claimed IT-1 (the resolved IT-2 has none)", got)
	}
}
