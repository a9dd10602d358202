package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/config"
	"carebot/store"
	"carebot/ticket"
)

// ActionClaim is the Claim button on team posts and pages; its value is the
// ticket number.
const ActionClaim = "ticket_claim"

// teamOf returns the team a ticket goes to.
func (h *Handlers) teamOf(t *ticket.Ticket) *config.Team {
	if t.Team != "" {
		if tm := h.cfg.Team(t.Team); tm != nil {
			return tm
		}
	}
	return h.cfg.TeamFor(t.Category)
}

// onCallNow is who is on call in team now, overrides included.
func (h *Handlers) onCallNow(ctx context.Context, team *config.Team) string {
	return h.schedule(ctx, team).At(h.clock.Now()).User
}

// claimTarget is how long a ticket of t's priority may wait for a claim.
func (h *Handlers) claimTarget(t *ticket.Ticket) time.Duration {
	return h.cfg.SLA[t.Priority.String()].Claim
}

// route sends an open ticket to its team: a post in the team channel (and
// in the triage channel, if one is set) with a Claim button, and a direct
// page to whoever is on call. The team post is recorded on the ticket, so
// routing the same ticket again posts nothing.
func (h *Handlers) route(ctx context.Context, t *ticket.Ticket) error {
	team := h.teamOf(t)
	if team == nil || t.TeamTS != "" || t.Incident != 0 {
		return nil // no team, posted already, or part of a declared incident
	}
	log := h.log.WithFields(logrus.Fields{"ticket": h.id(t.Number), "team": team.ID})
	text, blocks := h.teamPost(t, nil)
	ts, err := h.slack.PostMessage(ctx, team.Channel, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return fmt.Errorf("post ticket %d to team %s: %w", t.Number, team.ID, err)
	}
	sched := h.schedule(ctx, team) // read once: the chain's first page and who is on call now
	for range 3 {
		if t.TeamTS != "" && t.TeamTS != ts {
			// Another replica routed it meanwhile: this post is the second.
			log.Warn("ticket routed twice; the second team post is marked")
			return h.slack.UpdateMessage(ctx, team.Channel, ts, slack.MsgOptionText(
				fmt.Sprintf("%s was posted here twice; follow the other post.", h.id(t.Number)), false),
				slack.MsgOptionBlocks())
		}
		t.Team, t.TeamChannel, t.TeamTS = team.ID, team.Channel, ts
		change := store.Change{Ticket: t}
		if t.Status == ticket.StatusOpen {
			// The claim clock starts now: past it, the team's chain is paged.
			t.ClaimDeadline, t.EscStep = h.clock.Now().Add(h.claimTarget(t)), 0
			if p, ok := chainOf(team).PageAt(0, t.ClaimDeadline, sched); ok {
				change.NextPage = p.At
			}
		}
		err = h.store.Update(ctx, change)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
		if t, _, err = h.store.TicketAndConversation(ctx, t.Number); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	log.WithField("priority", t.Priority.String()).Info("ticket routed")
	if t.Status != ticket.StatusOpen {
		// Claimed (or closed) while it was being posted: the post shows it,
		// and nobody is paged for a ticket no longer waiting.
		h.syncTeamPost(ctx, log, t.Number)
		return nil
	}
	if d := h.cfg.SLA[t.Priority.String()].Resolve; d > 0 {
		if err := h.store.WatchResolve(ctx, t.Number, t.CreatedAt.Add(d), true); err != nil {
			log.WithError(err).Warn("resolve target not watched")
		}
	}
	if ch := h.cfg.Channels.Triage; ch != "" && ch != team.Channel {
		if _, err := h.slack.PostMessage(ctx, ch, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
			log.WithError(err).Warn("copy to the triage channel not posted")
		}
	}
	if err := h.page(ctx, t, team, sched.At(h.clock.Now()).User, "New ticket"); err != nil {
		log.WithError(err).Warn("on-call page not sent")
	}
	return nil
}

// page sends user a direct message about ticket t with a link to its team
// post and a Claim button.
func (h *Handlers) page(ctx context.Context, t *ticket.Ticket, team *config.Team, user, why string) error {
	dm, err := h.slack.OpenDM(ctx, user)
	if err != nil {
		return err
	}
	link, err := h.slack.Permalink(ctx, t.TeamChannel, t.TeamTS)
	if err != nil {
		link = "" // the page matters more than the link
	}
	msg := fmt.Sprintf("%s for %s: *%s* · %s", why, team.Name, h.id(t.Number), h.headline(t))
	if link != "" {
		msg += fmt.Sprintf(" (<%s|team post>)", link)
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, msg, false, false), nil, nil),
		slack.NewActionBlock("page", claimButton(t)),
	}
	_, err = h.slack.PostMessage(ctx, dm, slack.MsgOptionText(msg, false), slack.MsgOptionBlocks(blocks...))
	return err
}

func claimButton(t *ticket.Ticket) *slack.ButtonBlockElement {
	return slack.NewButtonBlockElement(ActionClaim, ticketRef(t),
		slack.NewTextBlockObject(slack.PlainTextType, "Claim", false, false)).WithStyle(slack.StylePrimary)
}

// headline is a ticket's one-line description for IT: priority, category,
// location, device.
func (h *Handlers) headline(t *ticket.Ticket) string {
	parts := []string{t.Priority.String(), t.Category.Label()}
	for _, s := range []string{t.Location, t.Device} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// teamPost renders a ticket's post in its team channel: with a Claim
// button while it is open, and who claimed it once it is claimed.
func (h *Handlers) teamPost(t *ticket.Ticket, status []string) (string, []slack.Block) {
	head := fmt.Sprintf("*%s* · %s", h.id(t.Number), h.headline(t))
	summary := clip(oneLine(t.Summary), 300)
	text := fmt.Sprintf("%s: %s", strings.ReplaceAll(head, "*", ""), summary)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, head+"\n>"+summary, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, fmt.Sprintf(
			"Why %s: %s · reported by <@%s> %s", t.Priority, t.Reasons, t.Requester, h.local(t.CreatedAt)), false, false)),
	}
	if t.Callback != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Callback: "+t.Callback, false, false)))
	}
	for _, s := range status {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, false), nil, nil))
		text += "\n" + s
	}
	if t.Status == ticket.StatusOpen {
		escalate := slack.NewButtonBlockElement(ActionEscalate, ticketRef(t),
			slack.NewTextBlockObject(slack.PlainTextType, "Escalate", false, false))
		blocks = append(blocks, slack.NewActionBlock("ticket", claimButton(t), escalate))
	}
	return text, blocks
}

// onClaimButton handles Claim on a team post or a page.
func (h *Handlers) onClaimButton(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	t, refusal, err := h.pressedTicket(ctx, action.Value)
	if t == nil {
		return refusal, err
	}
	return h.claim(ctx, t.Number, cb.User.ID)
}

// claimTicket is `/ticket claim ID`.
func (h *Handlers) claimTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) != 1 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket claim ID`, for example `/ticket claim %s`.", h.id(42))}, nil
	}
	n, err := ticket.ParseID(h.cfg.TicketPrefix, args[0])
	if err != nil {
		return &bot.Reply{Text: userError(err)}, nil
	}
	return h.claim(ctx, n, cmd.UserID)
}

// claim makes user the owner of ticket n, updates its team post in place
// and tells the requester who is on it.
func (h *Handlers) claim(ctx context.Context, n int64, user string) (*bot.Reply, error) {
	if !h.isSpecialist(user) {
		return &bot.Reply{Text: "Only IT staff can claim tickets. To report a problem, just write to me."}, nil
	}
	now := h.clock.Now()
	res, t, err := h.store.Claim(ctx, n, user, now)
	switch {
	case ticket.IsNotFound(err):
		return &bot.Reply{Text: fmt.Sprintf("There is no ticket %s.", h.id(n))}, nil
	case err != nil:
		return nil, err
	}
	switch res {
	case store.ClaimedByOther:
		return &bot.Reply{Text: fmt.Sprintf("%s is already claimed by <@%s>.", h.id(n), t.Owner)}, nil
	case store.NotClaimable:
		return &bot.Reply{Text: fmt.Sprintf("%s is %s, so it can't be claimed.", h.id(n), t.Status)}, nil
	case store.AlreadyYours:
		// A second press, or this press handled again after a stop: the post
		// shows it either way.
		h.syncTeamPost(ctx, h.log.WithField("ticket", h.id(n)), n)
		return &bot.Reply{Text: fmt.Sprintf("%s is already yours.", h.id(n))}, nil
	}
	log := h.log.WithFields(logrus.Fields{"ticket": h.id(n), "user": user})
	log.Info("ticket claimed")
	h.syncTeamPost(ctx, log, n)
	team := "IT"
	if tm := h.teamOf(t); tm != nil {
		team = tm.Name
	}
	if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(
		fmt.Sprintf("<@%s> from %s is on *%s* now.", user, team, h.id(n)), false)); err != nil {
		log.WithError(err).Warn("requester not told of the claim")
	}
	return &bot.Reply{Text: fmt.Sprintf("You have *%s* (%s). The requester has been told.", h.id(n), h.headline(t))}, nil
}

// humanDuration renders a short duration as people say it: "3 min", "1 h 5 min".
func humanDuration(d time.Duration) string {
	if d < time.Minute {
		return "under a minute"
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}
