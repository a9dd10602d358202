package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"carebot/bot"
	"carebot/slackfake"
	"carebot/ticket"
)

// postIn waits for the bot's top-level post in channel containing want.
func (h *harness) postIn(channel, want string) slackfake.Post {
	h.t.Helper()
	var got slackfake.Post
	h.eventually(fmt.Sprintf("a post in %s with %q", channel, want), func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel == channel && p.ThreadTS == "" && strings.Contains(p.Text, want) {
				got = p
				return true
			}
		}
		return false
	})
	return got
}

// countPosts counts the bot's posts in channel containing want.
func (h *harness) countPosts(channel, want string) int {
	n := 0
	for _, p := range h.fake.Posts() {
		if p.Channel == channel && strings.Contains(p.Text, want) {
			n++
		}
	}
	return n
}

func TestOutageFromFirstReportToResolution(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.Channels.Incidents = "C0INCIDENT"
	h.start(bot.Options{})
	spec := h.cfg.Team("apps").Rotation.Members[0]

	// Five EHR reports from four units in four minutes.
	var reports []slackfake.Message
	for i, unit := range []string{"ED", "ICU", "4 West", "5 North", "ED"} {
		text := "Epic won't let me log in on " + unit + ", we can't chart"
		if unit == "4 West" {
			text = "Epic keeps logging me out on 4 West" // asks whether care is affected
		}
		m := h.fake.DM(nurse(i+1), text)
		h.replyTo(m)
		reports = append(reports, m)
		if i < 4 {
			h.clock.Advance(time.Minute)
		}
	}
	suggestion := h.postIn("C0INCIDENT", "Possible outage: 5 reports of EHR / clinical applications from 4 units in 4 min")
	if !strings.Contains(string(suggestion.Blocks), "Declare incident") || !strings.Contains(string(suggestion.Blocks), "Not related") {
		t.Fatalf("suggestion has no Declare incident / Not related buttons: %s", suggestion.Blocks)
	}

	inTriage := 0
	for i := range reports {
		if h.ticket(nurse(i+1)).Status == ticket.StatusTriage {
			inTriage++
		}
	}
	if inTriage == 0 {
		t.Fatal("no report is in triage, so ending triage at the declaration is not tested")
	}

	stranger := h.press(suggestion, "outage_declare", nurse(9))
	h.eventually("a requester cannot declare", func() bool { return responseTo(h, stranger.ResponseURL, "Only IT staff") })
	declare := h.press(suggestion, "outage_declare", spec)
	h.eventually("the suggestion shows the incident", func() bool { return responseTo(h, declare.ResponseURL, "declared *INC-1*") })
	h.postIn("C0INCIDENT", "*INC-1* declared by <@"+spec+">")
	for i, m := range reports {
		h.eventually(fmt.Sprintf("requester %d told it is known", i+1), func() bool {
			return h.countPosts(m.Channel, "known issue, tracked as *INC-1*") == 1
		})
	}
	h.eventually("no linked ticket is left in triage", func() bool {
		for i := range reports {
			if tk := h.ticket(nurse(i + 1)); tk.Status != ticket.StatusOpen || tk.Incident != 1 {
				return false
			}
		}
		return true
	})
	again := h.press(suggestion, "outage_declare", spec)
	h.eventually("a second press names the incident", func() bool { return responseTo(h, again.ResponseURL, "declared already, as *INC-1*") })

	// A new matching report is linked at once: told, not triaged or paged.
	late := h.fake.DM(nurse(6), "Epic login is down in the OR too")
	reply := h.replyTo(late)
	if !strings.Contains(reply.Text, "known issue, tracked as *INC-1*") || !strings.Contains(reply.Text, h.cfg.Outage.DowntimeText) {
		t.Errorf("new report answered %q; want the incident and the downtime text", reply.Text)
	}
	tk := h.ticket(nurse(6))
	if tk.Incident != 1 || tk.Status != ticket.StatusOpen {
		t.Errorf("new report: incident %d, status %s; want linked to 1 and open", tk.Incident, tk.Status)
	}
	h.waitSweeps(2)
	if n := h.countPosts("C0APPS", ticket.FormatID("IT", tk.Number)+" "); n != 0 {
		t.Errorf("the linked report was posted to the team %d times", n)
	}
	if n := h.countPosts("C0INCIDENT", "Possible outage"); n != 1 {
		t.Errorf("%d possible-outage posts, want 1", n)
	}

	if got := h.slash("/ticket", nurse(1), "D0NURSE1", "resolve INC-1 fixed"); !strings.Contains(got, "Only IT staff") {
		t.Errorf("a requester resolving the incident: %q", got)
	}
	if got := h.slash("/ticket", spec, "C0APPS", "resolve INC-1 interface engine restarted"); !strings.Contains(got, "Resolved *INC-1* and its 6 open tickets") {
		t.Fatalf("resolve INC-1: %q", got)
	}
	for i, m := range append(reports, late) {
		h.eventually(fmt.Sprintf("requester %d told it is fixed", i+1), func() bool {
			return h.countPosts(m.Channel, "INC-1 is fixed. <@"+spec+"> wrote: _interface engine restarted_") == 1
		})
		if tk := h.ticket(nurse(i + 1)); tk.Status != ticket.StatusResolved {
			t.Errorf("ticket of requester %d is %s after the incident", i+1, tk.Status)
		}
	}
	h.postIn("C0INCIDENT", "*INC-1* (EHR / clinical applications) resolved by <@"+spec+">")

	// Still broken for the OR: its ticket, linked when reported and so never
	// posted to the team, is reopened and goes to the team on its own.
	var fixed slackfake.Post
	for _, p := range h.fake.Posts() {
		if p.Channel == late.Channel && p.ThreadTS == late.TS && strings.Contains(p.Text, "INC-1 is fixed") {
			fixed = p
		}
	}
	reopen := h.press(fixed, "ticket_reopen", nurse(6))
	h.eventually("the reopening is confirmed", func() bool { return responseTo(h, reopen.ResponseURL, "reopened") })
	h.teamPost("C0APPS", ticket.FormatID("IT", tk.Number))
	if tk := h.ticket(nurse(6)); tk.Status != ticket.StatusOpen || tk.Incident != 0 {
		t.Errorf("reopened ticket: %s, incident %d; want open and on its own", tk.Status, tk.Incident)
	}
	if got := h.slash("/ticket", spec, "C0APPS", "resolve INC-1 again"); !strings.Contains(got, "INC-1 is already resolved") {
		t.Errorf("resolving twice: %q", got)
	}
	if got := h.slash("/ticket", spec, "C0APPS", "resolve INC-7 nothing"); !strings.Contains(got, "There is no incident INC-7") {
		t.Errorf("resolving a missing incident: %q", got)
	}

	// After the incident, a new report is triaged as usual.
	after := h.fake.DM(nurse(7), "Epic login is down again in the ED")
	if r := h.replyTo(after); strings.Contains(r.Text, "INC-1") {
		t.Errorf("report after the incident was linked to it: %q", r.Text)
	}
}

func TestOutageMarkedNotRelated(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.cfg.Outage.Reports = 2
	h.start(bot.Options{})
	spec := h.cfg.Team("desk").Rotation.Members[0]
	for i, unit := range []string{"ED", "ICU"} {
		h.replyTo(h.fake.DM(nurse(i+1), "the label printer in "+unit+" is jammed"))
	}
	// No incidents or triage channel: the suggestion goes to the team.
	suggestion := h.postIn("C0DESK", "Possible outage: 2 reports of printer from 2 units")
	press := h.press(suggestion, "outage_not_related", spec)
	h.eventually("the post says who decided", func() bool { return responseTo(h, press.ResponseURL, "marked not related by <@"+spec+">") })
	declare := h.press(suggestion, "outage_declare", spec)
	h.eventually("it cannot be declared after", func() bool { return responseTo(h, declare.ResponseURL, "marked this not related already") })
	for i := range 2 {
		if tk := h.ticket(nurse(i + 1)); tk.Incident != 0 {
			t.Errorf("ticket %d linked to incident %d", tk.Number, tk.Incident)
		}
	}
}
