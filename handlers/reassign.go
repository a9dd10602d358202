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

// reassignTicket is `/ticket reassign ID @user|TEAM`: hand a ticket to
// another specialist, who then owns it, or to another team, whose queue it
// joins unclaimed.
func (h *Handlers) reassignTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) != 2 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket reassign ID @user` or `/ticket reassign ID TEAM` (teams: %s).", h.teamIDs())}, nil
	}
	n, refusal := h.staffTicket(cmd.UserID, args[0])
	if refusal != nil {
		return refusal, nil
	}
	var toUser string
	var toTeam *config.Team
	if m := mention.FindStringSubmatch(args[1]); m != nil {
		toUser = m[1]
		if !h.isSpecialist(toUser) {
			return &bot.Reply{Text: fmt.Sprintf("<@%s> is not IT staff, so can't take tickets.", toUser)}, nil
		}
	} else if toTeam = h.cfg.Team(strings.ToLower(args[1])); toTeam == nil {
		return &bot.Reply{Text: fmt.Sprintf("Name a person with an @mention or a team (%s).", h.teamIDs())}, nil
	}
	for range 3 {
		t, _, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return &bot.Reply{Text: fmt.Sprintf("There is no ticket %s.", h.id(n))}, nil
		}
		if err != nil {
			return nil, err
		}
		if t.Status != ticket.StatusOpen && t.Status != ticket.StatusClaimed {
			return &bot.Reply{Text: fmt.Sprintf("%s is %s, so it can't be reassigned.", h.id(n), t.Status)}, nil
		}
		now := h.clock.Now()
		oldChannel, oldTS := t.TeamChannel, t.TeamTS
		change := store.Change{Ticket: t}
		var what string
		if toUser != "" {
			t.Status, t.Owner, t.ClaimedAt = ticket.StatusClaimed, toUser, now
			what = fmt.Sprintf("<@%s>", toUser)
		} else {
			t.Status, t.Owner, t.ClaimedAt = ticket.StatusOpen, "", time.Time{}
			t.Team, t.TeamChannel, t.TeamTS = toTeam.ID, "", "" // route posts it to the new team
			what = toTeam.Name
		}
		t.UpdatedAt = now
		change.Events = []ticket.Event{{At: now, Actor: cmd.UserID, Kind: ticket.EventReassigned, Text: "to " + what}}
		if err := h.store.Update(ctx, change); errors.Is(err, store.ErrConflict) {
			continue
		} else if err != nil {
			return nil, err
		}
		log := h.log.WithFields(logrus.Fields{"ticket": h.id(n), "user": cmd.UserID})
		log.Info("ticket reassigned")
		note := fmt.Sprintf(":arrow_right: Reassigned to %s by <@%s> at %s.", what, cmd.UserID, h.local(now))
		switch {
		case oldTS != "" && oldTS == t.TeamTS:
			h.syncTeamPost(ctx, log, n) // the same post: it shows the new owner
		case oldTS != "":
			old := *t
			old.TeamChannel, old.TeamTS, old.Status = oldChannel, oldTS, ticket.StatusClaimed // no buttons on the old post
			h.updateTeamPost(ctx, log, &old, note)
		}
		if toUser != "" {
			if team := h.teamOf(t); team != nil {
				if err := h.page(ctx, t, team, toUser, fmt.Sprintf("Reassigned to you by <@%s>", cmd.UserID)); err != nil {
					log.WithError(err).Warn("new owner not told")
				}
			}
		} else if err := h.route(ctx, t); err != nil {
			return nil, err
		}
		if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(
			fmt.Sprintf("*%s* has moved to %s; I'll keep you posted here.", h.id(n), what), false)); err != nil {
			log.WithError(err).Warn("requester not told of the reassignment")
		}
		return &bot.Reply{Text: fmt.Sprintf("Reassigned *%s* to %s.", h.id(n), what)}, nil
	}
	return nil, fmt.Errorf("reassign ticket %d: %w", n, store.ErrConflict)
}
