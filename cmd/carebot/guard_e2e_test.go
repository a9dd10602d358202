package main

import (
	"regexp"
	"strings"
	"testing"

	"carebot/bot"
)

// TestOutboundGuardRedactsStoredTextOnEverySurface: a ticket stored before
// the hospital configured a pattern still holds the number; once the
// pattern is configured, nothing carebot sends shows it again, whether the
// message is a command's reply (the ack) or an update of the team post (the
// Web API).
func TestOutboundGuardRedactsStoredTextOnEverySurface(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	r1 := h.start(bot.Options{})
	apps := h.cfg.Team("apps")
	onCall := apps.OnCall(h.clock.Now()).Member
	const badge = "99887766"

	h.fake.DM(nurse(1), "Epic is down for the whole ED, can't chart, patients waiting, badge "+badge)
	post := h.teamPost(apps.Channel, "IT-1")
	if !strings.Contains(post.Text+string(post.Blocks), badge) {
		t.Fatalf("precondition: with no pattern the team post shows the number: %q %s", post.Text, post.Blocks)
	}
	r1.stop()

	h.cfg.PHI.Patterns = map[string]*regexp.Regexp{"BADGE": regexp.MustCompile(`\b\d{8}\b`)}
	h.start(bot.Options{})

	shown := h.slash("/ticket", onCall, apps.Channel, "show 1")
	if strings.Contains(shown, badge) || !strings.Contains(shown, "[BADGE removed]") {
		t.Errorf("/ticket show reply %q: want the text with the number redacted", shown)
	}
	h.slash("/ticket", onCall, apps.Channel, "claim 1")
	h.eventually("the team post is updated without the number", func() bool {
		for _, p := range h.fake.Posts() {
			if p.Channel != post.Channel || p.TS != post.TS || len(p.Updated) == 0 {
				continue
			}
			last := p.Updated[len(p.Updated)-1] + string(p.UpdatedBlocks[len(p.UpdatedBlocks)-1])
			if strings.Contains(last, badge) {
				t.Fatalf("team post updated with the number: %s", last)
			}
			return strings.Contains(last, "[BADGE removed]")
		}
		return false
	})
}
