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
	"carebot/store"
	"carebot/ticket"
)

// ActionReopen is the Reopen button a requester gets with a resolution; its
// value is the ticket number.
const ActionReopen = "ticket_reopen"

// staffTicket parses the ID of a command that only IT staff may use.
func (h *Handlers) staffTicket(user, arg string) (int64, *bot.Reply) {
	if !h.isSpecialist(user) {
		return 0, &bot.Reply{Text: "Only IT staff can do that. To report a problem, just write to me."}
	}
	n, err := ticket.ParseID(h.cfg.TicketPrefix, arg)
	if err != nil {
		return 0, &bot.Reply{Text: userError(err)}
	}
	return n, nil
}

// resolveTicket is `/ticket resolve ID NOTE`.
func (h *Handlers) resolveTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	usage := &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket resolve ID NOTE`, for example `/ticket resolve %s replaced the scanner battery`. The note goes to the requester.", h.id(42))}
	if len(args) < 2 {
		return usage, nil
	}
	if strings.HasPrefix(strings.ToUpper(args[0]), ticket.IncidentPrefix+"-") && h.isSpecialist(cmd.UserID) {
		return h.resolveIncident(ctx, cmd.UserID, args[0], strings.Join(args[1:], " "))
	}
	n, refusal := h.staffTicket(cmd.UserID, args[0])
	if refusal != nil {
		return refusal, nil
	}
	note := ReportText(strings.Join(args[1:], " "), h.cfg.PHI.Patterns)
	if note == "" {
		return usage, nil
	}
	now := h.clock.Now()
	res, t, err := h.store.Resolve(ctx, n, cmd.UserID, note, now)
	switch {
	case ticket.IsNotFound(err):
		return &bot.Reply{Text: fmt.Sprintf("There is no ticket %s.", h.id(n))}, nil
	case err != nil:
		return nil, err
	case res == store.AlreadyResolved:
		h.syncTeamPost(ctx, h.log.WithField("ticket", h.id(n)), n)
		return &bot.Reply{Text: fmt.Sprintf("%s is already resolved.", h.id(n))}, nil
	case res == store.NotResolvable:
		return &bot.Reply{Text: fmt.Sprintf("%s is %s, so it can't be resolved.", h.id(n), t.Status)}, nil
	}
	log := h.log.WithFields(logrus.Fields{"ticket": h.id(n), "user": cmd.UserID})
	log.Info("ticket resolved")
	h.syncTeamPost(ctx, log, t.Number)
	msg, blocks := h.resolution(t, fmt.Sprintf("*%s* is resolved", h.id(n)), cmd.UserID, note)
	if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(msg, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		log.WithError(err).Warn("requester not told of the resolution")
	}
	return &bot.Reply{Text: fmt.Sprintf("Resolved *%s*; the requester has your note and a Reopen button.", h.id(n))}, nil
}

// resolution is what a requester is told when their ticket t is resolved:
// head ("IT-42 is resolved"), the specialist's note, and a Reopen button.
func (h *Handlers) resolution(t *ticket.Ticket, head, user, note string) (string, []slack.Block) {
	msg := fmt.Sprintf("%s. <@%s> wrote: _%s_", head, user, clip(oneLine(note), 1000))
	return msg, []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, msg, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Not fixed? Press Reopen within 72 hours.", false, false)),
		slack.NewActionBlock("resolved", slack.NewButtonBlockElement(ActionReopen, ticketRef(t),
			slack.NewTextBlockObject(slack.PlainTextType, "Reopen", false, false))),
	}
}

// updateTeamPost rewrites a ticket's team post with its current state.
// syncTeamPost renders ticket n's team post from the stored ticket, and
// again for as long as the ticket changed while the update was on its way:
// updates that Slack answers late, or that overlap, can land in any order,
// but whoever sees a newer revision after its update renders it, so the
// post always ends up showing the last state.
func (h *Handlers) syncTeamPost(ctx context.Context, log logrus.FieldLogger, n int64) {
	t, err := h.store.Ticket(ctx, n)
	for range 5 {
		if err != nil || t.TeamTS == "" {
			return
		}
		text, blocks := h.teamPost(t, h.statusLines(t))
		if err := h.slack.UpdateMessage(ctx, t.TeamChannel, t.TeamTS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
			log.WithError(err).Warn("team post not updated")
			return
		}
		var after *ticket.Ticket
		if after, err = h.store.Ticket(ctx, n); err == nil && after.Rev == t.Rev {
			return
		}
		t = after
	}
}

// statusLines say what happened to a ticket, from its stored state, as its
// team post shows them.
func (h *Handlers) statusLines(t *ticket.Ticket) []string {
	var lines []string
	if t.Incident != 0 && t.Status != ticket.StatusResolved {
		lines = append(lines, fmt.Sprintf(":rotating_light: Linked to *%s*.", incidentID(t.Incident)))
	}
	switch t.Status {
	case ticket.StatusClaimed:
		after := t.ClaimedAt.Sub(t.CreatedAt).Round(time.Minute)
		lines = append(lines, fmt.Sprintf(":white_check_mark: Claimed by <@%s> at %s, %s after the report.", t.Owner, h.local(t.ClaimedAt), humanDuration(after)))
	case ticket.StatusResolved:
		with := ""
		if t.Incident != 0 {
			with = fmt.Sprintf(" with *%s*", incidentID(t.Incident))
		}
		lines = append(lines, fmt.Sprintf(":white_check_mark: Resolved%s by <@%s> at %s.", with, t.ResolvedBy, h.local(t.ResolvedAt)))
	case ticket.StatusCancelled:
		lines = append(lines, "Withdrawn by the requester.")
	}
	return lines
}

// updateTeamPost shows status on a copy of a team post that is no longer
// the ticket's own (a reassigned ticket's post in its old team).
func (h *Handlers) updateTeamPost(ctx context.Context, log logrus.FieldLogger, t *ticket.Ticket, status string) {
	if t.TeamTS == "" {
		return
	}
	text, blocks := h.teamPost(t, []string{status})
	if err := h.slack.UpdateMessage(ctx, t.TeamChannel, t.TeamTS, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		log.WithError(err).Warn("team post not updated")
	}
}

// noteTicket is `/ticket note ID TEXT`: an internal note for IT.
func (h *Handlers) noteTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) < 2 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket note ID TEXT`, for example `/ticket note %s vendor called, part on order`.", h.id(42))}, nil
	}
	n, refusal := h.staffTicket(cmd.UserID, args[0])
	if refusal != nil {
		return refusal, nil
	}
	note := ReportText(strings.Join(args[1:], " "), h.cfg.PHI.Patterns)
	for range 3 {
		t, _, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return &bot.Reply{Text: fmt.Sprintf("There is no ticket %s.", h.id(n))}, nil
		}
		if err != nil {
			return nil, err
		}
		now := h.clock.Now()
		t.UpdatedAt = now
		change := store.Change{Ticket: t, Events: []ticket.Event{{At: now, Actor: cmd.UserID, Kind: ticket.EventNote, Text: note}}}
		if t.Status == ticket.StatusOpen {
			change.NextPage = h.nextPageOf(ctx, t)
		}
		if err := h.store.Update(ctx, change); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return nil, err
		}
		if t.TeamTS != "" {
			if _, err := h.slack.PostMessage(ctx, t.TeamChannel, slack.MsgOptionTS(t.TeamTS), slack.MsgOptionText(
				fmt.Sprintf("Note from <@%s>: %s", cmd.UserID, clip(oneLine(note), 2000)), false)); err != nil {
				h.log.WithField("ticket", h.id(n)).WithError(err).Warn("note not posted on the team post")
			}
		}
		return &bot.Reply{Text: fmt.Sprintf("Noted on *%s* (IT only; the requester does not see it).", h.id(n))}, nil
	}
	return nil, fmt.Errorf("note on ticket %d: %w", n, store.ErrConflict)
}

// nextPageOf is when an open ticket's next escalation page is due, so an
// update that is not about escalation leaves it in place.
func (h *Handlers) nextPageOf(ctx context.Context, t *ticket.Ticket) time.Time {
	team := h.teamOf(t)
	if team == nil || t.ClaimDeadline.IsZero() || t.Incident != 0 {
		return time.Time{}
	}
	if p, ok := chainOf(team).PageAt(t.EscStep, t.ClaimDeadline, h.schedule(ctx, team)); ok {
		return p.At
	}
	return time.Time{}
}

// reopenTicket is `/ticket reopen ID`.
func (h *Handlers) reopenTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) != 1 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket reopen ID`, for example `/ticket reopen %s`.", h.id(42))}, nil
	}
	n, err := ticket.ParseID(h.cfg.TicketPrefix, args[0])
	if err != nil {
		return &bot.Reply{Text: userError(err)}, nil
	}
	return h.reopen(ctx, n, cmd.UserID)
}

// onReopenButton handles Reopen under a resolution.
func (h *Handlers) onReopenButton(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	t, refusal, err := h.pressedTicket(ctx, action.Value)
	if t == nil {
		return refusal, err
	}
	return h.reopen(ctx, t.Number, cb.User.ID)
}

// reopen puts a resolved ticket back in its team's queue: open, unclaimed,
// with a fresh claim clock and a page to whoever is on call.
func (h *Handlers) reopen(ctx context.Context, n int64, user string) (*bot.Reply, error) {
	for range 3 {
		t, _, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) || (err == nil && t.Requester != user && !h.isSpecialist(user)) {
			return &bot.Reply{Text: fmt.Sprintf("I can't find %s among the tickets you may reopen.", h.id(n))}, nil
		}
		if err != nil {
			return nil, err
		}
		now := h.clock.Now()
		switch {
		case t.Status != ticket.StatusResolved || t.Resolution == ticket.ResolutionSelfServed:
			return &bot.Reply{Text: fmt.Sprintf("%s is %s; only a ticket IT resolved can be reopened.", h.id(n), t.Status)}, nil
		case now.Sub(t.ResolvedAt) > ticket.ReopenWindow:
			return &bot.Reply{Text: fmt.Sprintf("%s was resolved more than 72 hours ago. Please write to me with what's wrong, and I'll open a new ticket.", h.id(n))}, nil
		}
		team := h.teamOf(t)
		// Still broken after its incident: it is worked on its own now.
		t.Incident = 0
		t.Status, t.Owner, t.ClaimedAt, t.UpdatedAt = ticket.StatusOpen, "", time.Time{}, now
		t.ClaimDeadline, t.EscStep = now.Add(h.claimTarget(t)), 0
		change := store.Change{Ticket: t, Events: []ticket.Event{{At: now, Actor: user, Kind: ticket.EventReopened}}}
		change.NextPage = h.nextPageOf(ctx, t)
		if err := h.store.Update(ctx, change); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return nil, err
		}
		log := h.log.WithFields(logrus.Fields{"ticket": h.id(n), "user": user})
		log.Info("ticket reopened")
		if d := h.cfg.SLA[t.Priority.String()].Resolve; d > 0 {
			if err := h.store.WatchResolve(ctx, n, now.Add(d), false); err != nil {
				log.WithError(err).Warn("resolve target not watched")
			}
		}
		onCall := ""
		if t.TeamTS == "" && team != nil {
			// Linked to an incident when reported, so never posted to the
			// team: it goes there now, and whoever is on call is paged.
			onCall = h.onCallNow(ctx, team)
			if err := h.route(ctx, t); err != nil {
				log.WithError(err).Warn("reopened ticket not routed")
			}
		} else if team != nil {
			h.syncTeamPost(ctx, log, t.Number)
			onCall = h.onCallNow(ctx, team)
			if err := h.page(ctx, t, team, onCall, "Reopened ticket"); err != nil {
				log.WithError(err).Warn("on-call page not sent")
			}
		}
		msg := fmt.Sprintf("I've reopened *%s*", h.id(n))
		if onCall != "" {
			msg += fmt.Sprintf(" and paged <@%s>", onCall)
		}
		if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(msg+".", false)); err != nil {
			log.WithError(err).Warn("requester not told of the reopening")
		}
		return &bot.Reply{Text: msg + "."}, nil
	}
	return nil, fmt.Errorf("reopen ticket %d: %w", n, store.ErrConflict)
}
