package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/config"
	"carebot/oncall"
	"carebot/store"
	"carebot/ticket"
)

// chainOf is a team's escalation chain.
func chainOf(team *config.Team) oncall.Chain {
	c := oncall.Chain{Repeat: team.Repeat}
	for _, s := range team.Escalation {
		c.Steps = append(c.Steps, oncall.Step{After: s.After, Next: s.Next, Users: s.Users})
	}
	return c
}

// scheduleOf is a team's on-call schedule.
func scheduleOf(team *config.Team) oncall.Schedule {
	return oncall.Schedule{Rotation: team.Rotation.Rotation()}
}

// SweepEscalations pages the next step of the team's chain for every open
// ticket nobody claimed in time. Every replica runs it; each due ticket is
// handed to one replica, and its cost grows with the pages due, not with the
// open tickets.
func (h *Handlers) SweepEscalations(ctx context.Context) error {
	due, err := h.store.DueEscalations(ctx, h.clock.Now(), escalationLease, 50)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range due {
		if err := h.escalate(ctx, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// escalationLease is how long a replica has to send a due page before
// another replica may.
const escalationLease = time.Minute

// escalate sends ticket n's next escalation page if it is due and the
// ticket is still unclaimed, and schedules the page after it.
func (h *Handlers) escalate(ctx context.Context, n int64) error {
	for range 3 {
		t, _, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return h.store.DropEscalation(ctx, n)
		}
		if err != nil {
			return err
		}
		team := h.teamOf(t)
		if t.Status != ticket.StatusOpen || team == nil {
			return h.store.DropEscalation(ctx, n) // claimed, resolved or withdrawn meanwhile
		}
		now := h.clock.Now()
		chain, sched := chainOf(team), scheduleOf(team)
		page, ok := chain.PageAt(t.EscStep, t.ClaimDeadline, sched)
		if !ok {
			return h.store.DropEscalation(ctx, n) // the whole chain has been paged
		}
		change := store.Change{Ticket: t}
		if page.At.After(now) {
			change.NextPage = page.At // leased early; put it back
			if err := h.store.Update(ctx, change); !errors.Is(err, store.ErrConflict) {
				return err
			}
			continue
		}
		// Page 0 of the chain is the second page: routing sent the first.
		what := oncall.Page{Index: page.Index + 1}.Describe()
		t.EscStep++
		if next, ok := chain.PageAt(t.EscStep, t.ClaimDeadline, sched); ok {
			change.NextPage = next.At
		}
		change.Events = []ticket.Event{{At: now, Actor: "carebot", Kind: ticket.EventEscalated,
			Text: what + " to " + strings.Join(page.Users, ", ")}}
		switch err := h.store.Update(ctx, change); {
		case errors.Is(err, store.ErrConflict):
			continue
		case err != nil:
			return err
		}
		h.sendEscalation(ctx, t, team, page, what, now.Sub(t.CreatedAt))
		return nil
	}
	return fmt.Errorf("escalate ticket %d: %w", n, store.ErrConflict)
}

// sendEscalation pages page.Users and tells the team post's thread and the
// requester.
func (h *Handlers) sendEscalation(ctx context.Context, t *ticket.Ticket, team *config.Team, page oncall.Page, what string, age time.Duration) {
	log := h.log.WithFields(logrus.Fields{"ticket": h.id(t.Number), "team": team.ID, "page": page.Index})
	why := fmt.Sprintf("%s: nobody claimed %s in %s", capitalize(what), h.id(t.Number), humanDuration(age))
	for _, u := range page.Users {
		if err := h.page(ctx, t, team, u, why); err != nil {
			log.WithError(err).Warn("escalation page not sent")
		}
	}
	mentions := make([]string, len(page.Users))
	for i, u := range page.Users {
		mentions[i] = "<@" + u + ">"
	}
	log.Info("ticket escalated")
	if t.TeamTS != "" {
		if _, err := h.slack.PostMessage(ctx, t.TeamChannel, slack.MsgOptionTS(t.TeamTS), slack.MsgOptionText(
			fmt.Sprintf("%s; paged %s.", why, strings.Join(mentions, " ")), false)); err != nil {
			log.WithError(err).Warn("escalation not noted on the team post")
		}
	}
	if page.Index == 0 {
		if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(
			fmt.Sprintf("Nobody has picked up *%s* yet, so I've paged %s. I'll tell you as soon as someone has it.",
				h.id(t.Number), strings.Join(mentions, " ")), false)); err != nil {
			log.WithError(err).Warn("requester not told of the escalation")
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
