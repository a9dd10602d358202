package main

import (
	"strings"
	"testing"
	"time"

	"carebot/bot"
	"carebot/ticket"
)

func TestResolveNoteAndReopen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	spec := apps.OnCall(h.clock.Now()).Member
	cmd := func(user, text string) string { return h.slash("/ticket", user, apps.Channel, text) }

	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.teamPost(apps.Channel, "IT-1")
	if got := cmd(spec, "claim IT-1"); !strings.Contains(got, "You have") {
		t.Fatalf("claim: %s", got)
	}
	if got := cmd(spec, "note IT-1 vendor on the phone, MRN 00123456 mentioned"); !strings.Contains(got, "Noted") {
		t.Fatalf("note: %s", got)
	}
	for text, want := range map[string]string{
		"resolve IT-1":       "Usage",
		"resolve IT-9 fixed": "no ticket",
	} {
		if got := cmd(spec, text); !strings.Contains(got, want) {
			t.Errorf("/ticket %s answered %s", text, got)
		}
	}
	if got := cmd(nurse(1), "resolve IT-1 fixed it myself"); !strings.Contains(got, "Only IT staff") {
		t.Errorf("a nurse's resolve answered %s", got)
	}
	if got := cmd(spec, "resolve IT-1 restarted the interface engine"); !strings.Contains(got, "Resolved") {
		t.Fatalf("resolve: %s", got)
	}
	tk := h.ticket(nurse(1))
	if tk.Status != ticket.StatusResolved || tk.ResolvedBy != spec {
		t.Fatalf("after resolve: %s by %q", tk.Status, tk.ResolvedBy)
	}
	var resolution = h.nextPost(m, 2) // 0: receipt, 1: who is on it, 2: the resolution
	if !strings.Contains(resolution.Text, "restarted the interface engine") || !strings.Contains(string(resolution.Blocks), "ticket_reopen") {
		t.Fatalf("requester got %q; want the note and a Reopen button", resolution.Text)
	}
	for _, p := range h.fake.Posts() {
		if strings.Contains(p.Text, "00123456") {
			t.Errorf("a post carries the MRN from a note: %q", p.Text)
		}
	}
	if got := cmd(spec, "resolve IT-1 again"); !strings.Contains(got, "already resolved") {
		t.Errorf("second resolve: %s", got)
	}

	// The requester reopens it: back in the queue, unclaimed, on call paged again.
	pagesBefore := len(h.pagesAbout(spec, "IT-1"))
	env := h.press(resolution, "ticket_reopen", nurse(1))
	h.eventually("the reopening is confirmed", func() bool { return responseTo(h, env.ResponseURL, "reopened") })
	tk = h.ticket(nurse(1))
	if tk.Status != ticket.StatusOpen || tk.Owner != "" {
		t.Fatalf("after reopen: %s owned by %q", tk.Status, tk.Owner)
	}
	h.eventually("the on-call member is paged again", func() bool { return len(h.pagesAbout(spec, "IT-1")) > pagesBefore })

	// Past 72 hours a resolved ticket stays closed.
	if got := cmd(spec, "resolve IT-1 done for real"); !strings.Contains(got, "Resolved") {
		t.Fatalf("second resolve: %s", got)
	}
	h.clock.Advance(ticket.ReopenWindow + time.Hour)
	if got := cmd(nurse(1), "reopen IT-1"); !strings.Contains(got, "more than 72 hours") {
		t.Errorf("late reopen answered %s", got)
	}
	if got := cmd(nurse(2), "reopen IT-1"); !strings.Contains(got, "can't find") {
		t.Errorf("another nurse's reopen answered %s", got)
	}
}

// pagesAbout lists the DMs to user about ticket id.
func (h *harness) pagesAbout(user, id string) []string {
	var out []string
	for _, p := range h.fake.Posts() {
		if p.Channel == "D"+user && strings.Contains(p.Text, id) {
			out = append(out, p.Text)
		}
	}
	return out
}

func TestReassignToTeamAndToSpecialist(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	apps, desk := h.cfg.Team("apps"), h.cfg.Team("desk")
	spec := apps.Rotation.Members[0]
	cmd := func(text string) string { return h.slash("/ticket", spec, apps.Channel, text) }
	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.teamPost(apps.Channel, "IT-1")
	if got := cmd("reassign IT-1 <@" + nurse(3) + "|nurse>"); !strings.Contains(got, "not IT staff") {
		t.Errorf("reassign to a nurse answered %s", got)
	}
	if got := cmd("reassign IT-1 nowhere"); !strings.Contains(got, "Name a person") {
		t.Errorf("reassign to an unknown team answered %s", got)
	}
	if got := cmd("reassign IT-1 desk"); !strings.Contains(got, "Reassigned") {
		t.Fatalf("reassign to desk: %s", got)
	}
	h.teamPost(desk.Channel, "IT-1")
	h.pageTo(desk.OnCall(h.clock.Now()).Member, "IT-1")
	if tk := h.ticket(nurse(1)); tk.Team != "desk" || tk.Status != ticket.StatusOpen || tk.TeamChannel != desk.Channel {
		t.Fatalf("after reassign to desk: team %s status %s channel %s", tk.Team, tk.Status, tk.TeamChannel)
	}
	to := desk.Rotation.Members[1]
	if got := cmd("reassign IT-1 <@" + to + "|someone>"); !strings.Contains(got, "Reassigned") {
		t.Fatalf("reassign to a specialist: %s", got)
	}
	if tk := h.ticket(nurse(1)); tk.Owner != to || tk.Status != ticket.StatusClaimed {
		t.Fatalf("after reassign to %s: owner %q status %s", to, tk.Owner, tk.Status)
	}
	h.eventually("the new owner is told", func() bool {
		for _, p := range h.pagesAbout(to, "IT-1") {
			if strings.Contains(p, "Reassigned to you") {
				return true
			}
		}
		return false
	})
}
