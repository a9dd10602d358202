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

// schedule is a team's on-call schedule: its rotation with the overrides
// stored for it. If the overrides cannot be read, the rotation alone
// answers: a page to the rotation's member beats no page.
func (h *Handlers) schedule(ctx context.Context, team *config.Team) oncall.Schedule {
	s := oncall.Schedule{Rotation: team.Rotation.Rotation()}
	overrides, err := h.store.Overrides(ctx, team.ID, h.clock.Now())
	if err != nil {
		h.log.WithField("team", team.ID).WithError(err).Warn("on-call overrides not read; using the rotation alone")
		return s
	}
	for _, o := range overrides {
		s.Overrides = append(s.Overrides, oncall.Override{User: o.User, Start: o.Start, End: o.End})
	}
	return s
}

// SweepEscalations pages the next step of the team's chain for every open
// ticket nobody claimed in time. Every replica runs it; each due ticket is
// handed to one replica, and its cost grows with the pages due, not with the
// open tickets.
func (h *Handlers) SweepEscalations(ctx context.Context) error {
	return h.sweep(ctx, h.store.DueEscalations, escalationLease, func(ctx context.Context, n int64) error {
		_, err := h.escalate(ctx, n, false, "carebot", "")
		return err
	})
}

// dueFunc hands out up to limit tickets due at now, each leased for lease.
type dueFunc func(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error)

// sweep is the shape of every periodic job: take the tickets that are due
// (each handed to this replica alone, under a lease) and handle each one.
// One ticket's failure does not stop the others; it is tried again when its
// lease runs out.
func (h *Handlers) sweep(ctx context.Context, due dueFunc, lease time.Duration, handle func(context.Context, int64) error) error {
	ns, err := due(ctx, h.clock.Now(), lease, 50)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range ns {
		if err := handle(ctx, n); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// escalationLease is how long a replica has to send a due page before
// another replica may.
const escalationLease = time.Minute

// escalation outcomes.
const (
	escalationPaged = iota
	escalationNotDue
	escalationNotOpen
	escalationExhausted
)

// escalate sends ticket n's next escalation page if it is due (or now, when
// forced by a specialist) and the ticket is still unclaimed, and schedules
// the page after it.
func (h *Handlers) escalate(ctx context.Context, n int64, force bool, actor, reason string) (int, error) {
	for range 3 {
		t, _, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return escalationNotOpen, h.store.DropEscalation(ctx, n)
		}
		if err != nil {
			return 0, err
		}
		team := h.teamOf(t)
		if t.Status != ticket.StatusOpen || team == nil || t.Incident != 0 {
			// Claimed, resolved or withdrawn meanwhile, or part of a declared
			// incident, which is worked as one.
			return escalationNotOpen, h.store.DropEscalation(ctx, n)
		}
		now := h.clock.Now()
		chain, sched := chainOf(team), h.schedule(ctx, team)
		page, ok := chain.PageAt(t.EscStep, t.ClaimDeadline, sched)
		if !ok {
			return escalationExhausted, h.store.DropEscalation(ctx, n) // the whole chain has been paged
		}
		change := store.Change{Ticket: t}
		if page.At.After(now) && !force {
			change.NextPage = page.At // leased early; put it back
			if err := h.store.Update(ctx, change); !errors.Is(err, store.ErrConflict) {
				return escalationNotDue, err
			}
			continue
		}
		// Page 0 of the chain is the second page: routing sent the first.
		what := oncall.Page{Index: page.Index + 1}.Describe()
		t.EscStep++
		if next, ok := chain.PageAt(t.EscStep, t.ClaimDeadline, sched); ok {
			change.NextPage = next.At
		}
		text := what + " to " + strings.Join(page.Users, ", ")
		if reason != "" {
			text += ": " + reason
		}
		change.Events = []ticket.Event{{At: now, Actor: actor, Kind: ticket.EventEscalated, Text: text}}
		switch err := h.store.Update(ctx, change); {
		case errors.Is(err, store.ErrConflict):
			continue
		case err != nil:
			return 0, err
		}
		why := fmt.Sprintf("%s: nobody claimed %s in %s", capitalize(what), h.id(t.Number), humanDuration(now.Sub(t.CreatedAt)))
		if force {
			why = fmt.Sprintf("%s: <@%s> escalated %s", capitalize(what), actor, h.id(t.Number))
			if reason != "" {
				why += " (" + reason + ")"
			}
		}
		h.sendEscalation(ctx, t, team, page, why)
		return escalationPaged, nil
	}
	return 0, fmt.Errorf("escalate ticket %d: %w", n, store.ErrConflict)
}

// ActionEscalate is the Escalate button on a team post; its value is the
// ticket number.
const ActionEscalate = "ticket_escalate"

// escalateTicket is `/ticket escalate ID [reason]`: page the next step now.
func (h *Handlers) escalateTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) < 1 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket escalate ID [reason]`, for example `/ticket escalate %s whole unit down`.", h.id(42))}, nil
	}
	n, refusal := h.staffTicket(cmd.UserID, args[0])
	if refusal != nil {
		return refusal, nil
	}
	return h.escalateNow(ctx, n, cmd.UserID, ReportText(strings.Join(args[1:], " "), h.cfg.PHI.Patterns))
}

// onEscalateButton handles Escalate on a team post.
func (h *Handlers) onEscalateButton(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	if !h.isSpecialist(cb.User.ID) {
		return &bot.Reply{Text: "Only IT staff can escalate tickets."}, nil
	}
	t, refusal, err := h.pressedTicket(ctx, action.Value)
	if t == nil {
		return refusal, err
	}
	return h.escalateNow(ctx, t.Number, cb.User.ID, "")
}

func (h *Handlers) escalateNow(ctx context.Context, n int64, user, reason string) (*bot.Reply, error) {
	outcome, err := h.escalate(ctx, n, true, user, reason)
	if err != nil {
		return nil, err
	}
	switch outcome {
	case escalationNotOpen:
		return &bot.Reply{Text: fmt.Sprintf("%s is not open and unclaimed, so there is no one to escalate to.", h.id(n))}, nil
	case escalationExhausted:
		return &bot.Reply{Text: fmt.Sprintf("Everyone in the escalation chain of %s has been paged already.", h.id(n))}, nil
	}
	return &bot.Reply{Text: fmt.Sprintf("Paged the next step for *%s*.", h.id(n))}, nil
}

// sendEscalation pages page.Users and tells the team post's thread and the
// requester.
func (h *Handlers) sendEscalation(ctx context.Context, t *ticket.Ticket, team *config.Team, page oncall.Page, why string) {
	log := h.log.WithFields(logrus.Fields{"ticket": h.id(t.Number), "team": team.ID, "page": page.Index})
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

// SweepResolveBreaches posts, once, in the team channel each active ticket
// that passed its priority's resolve target. Every replica runs it; each
// due ticket is handed to one.
func (h *Handlers) SweepResolveBreaches(ctx context.Context) error {
	return h.sweep(ctx, h.store.DueResolveBreaches, escalationLease, h.resolveBreach)
}

func (h *Handlers) resolveBreach(ctx context.Context, n int64) error {
	t, err := h.store.Ticket(ctx, n)
	if ticket.IsNotFound(err) {
		return h.store.DropResolveWatch(ctx, n)
	}
	if err != nil {
		return err
	}
	team := h.teamOf(t)
	if (t.Status != ticket.StatusOpen && t.Status != ticket.StatusClaimed) || team == nil || t.Incident != 0 {
		return h.store.DropResolveWatch(ctx, n)
	}
	who := "still unclaimed"
	if t.Owner != "" {
		who = fmt.Sprintf("with <@%s>", t.Owner)
	}
	msg := fmt.Sprintf(":alarm_clock: *%s* (%s) has passed its %s resolve target: %s, reported %s.",
		h.id(n), h.headline(t), humanDuration(h.cfg.SLA[t.Priority.String()].Resolve), who, h.local(t.CreatedAt))
	if _, err := h.slack.PostMessage(ctx, team.Channel, slack.MsgOptionText(msg, false)); err != nil {
		return err // still on the set: the lease runs out and it is tried again
	}
	h.log.WithField("ticket", h.id(n)).Info("resolve target passed")
	return h.store.DropResolveWatch(ctx, n)
}
