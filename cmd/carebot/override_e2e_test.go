package main

import (
	"strings"
	"testing"
	"time"

	"carebot/bot"
)

func TestOnCallOverride(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	h.start(bot.Options{})
	desk := h.cfg.Team("desk")
	spec := desk.Rotation.Members[0]
	cmd := func(user, text string) string { return h.slash("/oncall", user, desk.Channel, text) }
	for text, want := range map[string]string{
		"override desk <@U0TEMP|temp> forever": "forever",
		"override desk sam 2h":                 "@mention",
		"override nope <@U0TEMP> 2h":           "no team",
		"override desk":                        "Usage",
	} {
		if got := cmd(spec, text); !strings.Contains(got, want) {
			t.Errorf("/oncall %s answered %s; want it to mention %q", text, got, want)
		}
	}
	if got := cmd(nurse(1), "override desk <@U0TEMP|temp> 2h"); !strings.Contains(got, "Only IT staff") {
		t.Errorf("a nurse's override answered %s", got)
	}
	if got := cmd(spec, "override desk <@U0TEMP|temp> 2h"); !strings.Contains(got, "<@U0TEMP> is on call for Service Desk") {
		t.Fatalf("override answered %s", got)
	}
	h.eventually("the override is announced in the team channel", func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel == desk.Channel && strings.Contains(p.Text, "<@U0TEMP> is on call") {
				return true
			}
		}
		return false
	})
	if got := cmd(spec, "desk"); !strings.Contains(got, "<@U0TEMP> (override)") {
		t.Errorf("/oncall desk = %s", got)
	}
	h.fake.DM(nurse(1), "wifi down across the whole hospital, can't scan meds, patients waiting")
	h.pageTo("U0TEMP", "IT-1")

	h.clock.Advance(2*time.Hour + time.Minute)
	if got := cmd(spec, "desk"); strings.Contains(got, "U0TEMP") || !strings.Contains(got, desk.OnCall(h.clock.Now()).Member) {
		t.Errorf("/oncall desk after the override ended = %s", got)
	}
}
