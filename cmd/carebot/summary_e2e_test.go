package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"carebot/bot"
	"carebot/clock"
	"carebot/slackfake"
)

// summaries returns the bot's posts in the summary channel, oldest first.
func (h *harness) summaries() []slackfake.Post {
	var out []slackfake.Post
	for _, p := range h.fake.Posts() {
		if p.Channel == h.cfg.Channels.Summary && !p.Ephemeral {
			out = append(out, p)
		}
	}
	return out
}

// waitAllSweeps waits until every running replica has completed n more
// rounds of its sweeps.
func (h *harness) waitAllSweeps(n int) {
	h.t.Helper()
	running := h.running
	for i := range running {
		h.running = running[:i+1]
		h.waitSweeps(n)
	}
	h.running = running
}

// blocksText is every text object in a message's blocks, joined.
func blocksText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var blocks []struct {
		Text *struct{ Text string } `json:"text"`
	}
	if err := json.Unmarshal(raw, &blocks); err != nil {
		t.Fatalf("blocks %s: %v", raw, err)
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Text != nil {
			b.WriteString(bl.Text.Text + "\n")
		}
	}
	return b.String()
}

func TestShiftSummaryIsPostedOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	h.start(bot.Options{})

	// Three reports in the Night shift (the fake clock reads 01:42 Chicago):
	// one P1 routed at once and resolved, two that start triage.
	p1 := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.nextPost(p1, 0)
	for i, text := range []string{"the printer in 4 West is jammed", "badge tap login not working at the ICU nurse station"} {
		h.replyTo(h.fake.DM(nurse(i+2), text))
	}
	onCall := h.cfg.Team("apps").OnCall(h.clock.Now()).Member
	if got := h.slash("/ticket", onCall, "C0APPS", "resolve IT-1 restarted the interface engine"); !strings.Contains(got, "Resolved") {
		t.Fatalf("resolve: %q", got)
	}
	if n := len(h.summaries()); n != 0 {
		t.Fatalf("%d summaries before the boundary", n)
	}

	boundary := time.Date(2026, 11, 27, 7, 0, 0, 0, h.cfg.Location)
	h.clock.Advance(boundary.Sub(h.clock.Now()) + time.Second)
	h.eventually("the Night summary is posted", func() bool { return len(h.summaries()) > 0 })
	h.waitAllSweeps(2)

	posts := h.summaries()
	if len(posts) != 1 {
		t.Fatalf("%d summary posts from two replicas, want exactly 1: %+v", len(posts), posts)
	}
	if want := "Night shift summary, Thu 19:00–Fri 07:00: 3 opened, 1 resolved, 2 still open."; posts[0].Text != want {
		t.Errorf("summary text = %q, want %q", posts[0].Text, want)
	}
	body := blocksText(t, posts[0].Blocks)
	for _, want := range []string{"*3* opened", "P1 1", "IT-1", "Volume by hour", "Next on call", "<@" + h.cfg.Team("desk").OnCall(boundary).Member + ">"} {
		if !strings.Contains(body, want) {
			t.Errorf("summary blocks lack %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "posted late") {
		t.Errorf("a summary posted at its boundary is marked late:\n%s", body)
	}
}

func TestMissedSummariesAreCaughtUpLateOldestFirst(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	first := h.start(bot.Options{})
	m := h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting")
	h.nextPost(m, 0)
	h.waitSweeps(1)
	first.stop()

	// Down across three boundaries: Fri 07:00, Fri 19:00 and Sat 07:00.
	h.clock.Advance(30 * time.Hour)
	h.start(bot.Options{})
	h.eventually("three late summaries", func() bool { return len(h.summaries()) >= 3 })
	h.waitSweeps(2)

	posts := h.summaries()
	want := []string{
		"Night shift summary, Thu 19:00–Fri 07:00: 1 opened, 0 resolved, 1 still open (1 P1).",
		"Day shift summary, Fri 07:00–19:00: 0 opened, 0 resolved, 1 still open (1 P1).",
		"Night shift summary, Fri 19:00–Sat 07:00: 0 opened, 0 resolved, 1 still open (1 P1).",
	}
	if len(posts) != len(want) {
		t.Fatalf("%d summaries after the downtime, want %d", len(posts), len(want))
	}
	for i, p := range posts {
		if w := want[i] + " Posted late: no carebot was running at the boundary."; p.Text != w {
			t.Errorf("summary %d = %q, want %q", i, p.Text, w)
		}
	}
}

func TestSummaryOnDaylightSavingDays(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start time.Time // the fake clock, during a Night shift that spans a change
		hours int       // real hours in that Night
		text  string
	}{
		{"spring forward", time.Date(2026, 3, 8, 1, 0, 0, 0, time.UTC), 11, "Night shift summary, Sat 19:00–Sun 07:00"},
		{"fall back", time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC), 13, "Night shift summary, Sat 19:00–Sun 07:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, harnessOptions{})
			h.clock = clock.NewFake(tc.start)
			h.start(bot.Options{})
			h.replyTo(h.fake.DM(nurse(1), "the printer in 4 West is jammed"))

			boundary := time.Date(tc.start.Year(), tc.start.Month(), tc.start.Day(), 7, 0, 0, 0, h.cfg.Location)
			h.clock.Advance(boundary.Sub(h.clock.Now()) - time.Second)
			h.waitSweeps(1)
			if n := len(h.summaries()); n != 0 {
				t.Fatalf("summary posted a second before 07:00 local (%d posts)", n)
			}
			h.clock.Advance(2 * time.Second)
			h.eventually("the Night summary", func() bool { return len(h.summaries()) == 1 })
			p := h.summaries()[0]
			if !strings.HasPrefix(p.Text, tc.text+": 1 opened") {
				t.Errorf("summary = %q, want it to start %q", p.Text, tc.text)
			}
			body := blocksText(t, p.Blocks)
			i := strings.Index(body, "`")
			j := strings.Index(body[i+1:], "`")
			if i < 0 || j < 0 {
				t.Fatalf("no hourly bar in:\n%s", body)
			}
			if bar := []rune(body[i+1 : i+1+j]); len(bar) != tc.hours {
				t.Errorf("hourly bar %q has %d hours, want %d", string(bar), len(bar), tc.hours)
			}
		})
	}
}

func TestSummaryCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	h.nextPost(h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting"), 0)
	spec := h.cfg.Team("desk").Rotation.Members[0]
	h.clock.Advance(time.Minute)

	if got := h.slash("/ticket", spec, "C0DESK", "summary"); !strings.HasPrefix(got, "Night shift so far, Thu 19:00–Fri 01:43: 1 opened") {
		t.Errorf("/ticket summary = %q", got)
	}
	if got := h.slash("/ticket", spec, "C0DESK", "summary today"); !strings.HasPrefix(got, "Today so far") || !strings.Contains(got, "1 opened") {
		t.Errorf("/ticket summary today = %q", got)
	}
	if got := h.slash("/ticket", spec, "C0DESK", "summary yesterday"); !strings.HasPrefix(got, "Yesterday summary") || !strings.Contains(got, "0 opened") {
		t.Errorf("/ticket summary yesterday = %q", got)
	}
	if got := h.slash("/ticket", spec, "C0DESK", "summary week"); !strings.Contains(got, "Usage: `/ticket summary [shift|today|yesterday]`") {
		t.Errorf("/ticket summary week = %q, want usage", got)
	}
	if got := h.slash("/ticket", nurse(1), "D0NURSE1", "summary"); !strings.Contains(got, "for IT staff") {
		t.Errorf("a requester's /ticket summary = %q, want a refusal", got)
	}
	if n := len(h.summaries()); n != 0 {
		t.Errorf("/ticket summary posted %d messages to the summary channel", n)
	}
}

func TestRetentionDeletesOnlyOldClosedTickets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r := h.start(bot.Options{})
	h.nextPost(h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting"), 0)
	h.replyTo(h.fake.DM(nurse(2), "the printer in 4 West is jammed"))
	spec := h.cfg.Team("apps").Rotation.Members[0]
	if got := h.slash("/ticket", spec, "C0APPS", "resolve IT-1 restarted the interface engine"); !strings.Contains(got, "Resolved") {
		t.Fatalf("resolve: %q", got)
	}

	h.clock.Advance(h.cfg.Retention - time.Hour)
	if err := r.app.handlers.RetireTickets(h.ctx()); err != nil {
		t.Fatal(err)
	}
	if n := len(h.tickets(nurse(1))); n != 1 {
		t.Fatalf("a ticket resolved less than the retention ago was deleted")
	}
	h.clock.Advance(2 * time.Hour)
	for range 2 { // a second run, or another replica's, finds nothing more to do
		if err := r.app.handlers.RetireTickets(h.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(h.tickets(nurse(1))); n != 0 {
		t.Errorf("the resolved ticket outlived the retention")
	}
	if n := len(h.tickets(nurse(2))); n != 1 {
		t.Errorf("an unresolved ticket was deleted by retention")
	}
	if got := h.slash("/ticket", spec, "C0APPS", "show IT-1"); !strings.Contains(got, "can't find IT-1") {
		t.Errorf("/ticket show of a deleted ticket = %q", got)
	}
}
