package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/oncall"
	"carebot/store"
	"carebot/ticket"
)

// subcommand is one verb of a slash command: its usage is data, so help text
// is generated from the same table that dispatches.
type subcommand struct {
	name, args, help string
	run              func(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error)
}

func (h *Handlers) ticketCommands() []subcommand {
	return []subcommand{
		{"show", "ID", "details and timeline of a ticket (yours, or any if you are IT staff)", h.showTicket},
		{"claim", "ID", "take a ticket as yours (IT staff)", h.claimTicket},
		{"resolve", "ID NOTE", "resolve a ticket; the note goes to the requester (IT staff)", h.resolveTicket},
		{"note", "ID TEXT", "add an internal note for IT (IT staff)", h.noteTicket},
		{"escalate", "ID [reason]", "page the next step of the team's chain now (IT staff)", h.escalateTicket},
		{"reassign", "ID @user|TEAM", "hand a ticket to another specialist or team (IT staff)", h.reassignTicket},
		{"reopen", "ID", "reopen a ticket resolved in the last 72 hours", h.reopenTicket},
		{"new", "TEXT", "report a problem (the same as writing to me)", h.newTicket},
		{"list", "[mine|open|unclaimed|TEAM]", "your latest tickets; IT staff: claimed by you, all active, unclaimed, or a team's", h.listTickets},
		{"summary", "[shift|today|yesterday]", "the handoff summary of this shift so far, today so far, or yesterday (IT staff)", h.summaryCommand},
		{"help", "", "this help", nil},
	}
}

// usage renders the help of a command table.
func usage(command string, subs []subcommand, intro string) *bot.Reply {
	var b strings.Builder
	b.WriteString(intro + "\n")
	for _, s := range subs {
		line := strings.TrimSpace(command + " " + s.name + " " + s.args)
		fmt.Fprintf(&b, "• `%s`: %s\n", line, s.help)
	}
	return &bot.Reply{Text: b.String()}
}

// dispatch runs the subcommand named by the first word of text, or replies
// with usage when there is none or it is unknown.
func dispatch(ctx context.Context, cmd slack.SlashCommand, subs []subcommand, intro string) (*bot.Reply, error) {
	args := strings.Fields(cmd.Text)
	if len(args) > 0 {
		for _, s := range subs {
			if strings.EqualFold(args[0], s.name) && s.run != nil {
				return s.run(ctx, cmd, args[1:])
			}
		}
	}
	if len(args) > 0 && !strings.EqualFold(args[0], "help") {
		intro = fmt.Sprintf("I don't know `%s %s`. %s", cmd.Command, clip(args[0], 30), intro)
	}
	return usage(cmd.Command, subs, intro), nil
}

func (h *Handlers) onTicketCommand(ctx context.Context, cmd slack.SlashCommand) (*bot.Reply, error) {
	return dispatch(ctx, cmd, h.ticketCommands(), "To report a problem, just write to me. `/ticket` can:")
}

func (h *Handlers) showTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if len(args) != 1 {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket show ID`, for example `/ticket show %s`.", h.id(42))}, nil
	}
	n, err := ticket.ParseID(h.cfg.TicketPrefix, args[0])
	if err != nil {
		return &bot.Reply{Text: userError(err)}, nil
	}
	t, err := h.store.Ticket(ctx, n)
	if ticket.IsNotFound(err) || (err == nil && t.Requester != cmd.UserID && !h.isSpecialist(cmd.UserID)) {
		// The same answer for a ticket that is someone else's, so IDs reveal nothing.
		return &bot.Reply{Text: fmt.Sprintf("I can't find %s among the tickets you may see.", h.id(n))}, nil
	}
	if err != nil {
		return nil, err
	}
	events, err := h.store.Events(ctx, n)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "*%s* · %s · %s", h.id(t.Number), t.Status, t.Category.Label())
	if t.Location != "" {
		fmt.Fprintf(&b, " · %s", t.Location)
	}
	fmt.Fprintf(&b, "\nReported by <@%s> %s\n> %s\n", t.Requester, h.local(t.CreatedAt), clip(oneLine(t.Summary), 300))
	for _, e := range events {
		fmt.Fprintf(&b, "• %s <@%s> %s", h.local(e.At), e.Actor, e.Kind)
		if e.Text != "" {
			fmt.Fprintf(&b, ": %s", clip(oneLine(e.Text), 200))
		}
		b.WriteByte('\n')
	}
	return &bot.Reply{Text: clip(b.String(), 3000)}, nil
}

func (h *Handlers) listTickets(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	staff := h.isSpecialist(cmd.UserID)
	which := "mine"
	if len(args) == 1 {
		which = strings.ToLower(args[0])
	}
	if len(args) > 1 || (which != "mine" && !staff) {
		return &bot.Reply{Text: "Usage: `/ticket list` shows your latest tickets; IT staff can also list `mine`, `open`, `unclaimed` or a team (" + h.teamIDs() + ")."}, nil
	}
	if which == "mine" && !staff {
		return h.listReported(ctx, cmd.UserID)
	}
	open, claimed, err := h.store.Active(ctx)
	if err != nil {
		return nil, err
	}
	var title string
	var list []*ticket.Ticket
	switch {
	case which == "mine":
		title = "Tickets you have claimed"
		for _, t := range claimed {
			if t.Owner == cmd.UserID {
				list = append(list, t)
			}
		}
	case which == "open":
		title, list = "Open and claimed tickets", append(open, claimed...)
	case which == "unclaimed":
		title, list = "Unclaimed tickets", open
	case h.cfg.Team(which) != nil:
		title = "Active tickets of " + h.cfg.Team(which).Name
		for _, t := range append(open, claimed...) {
			if t.Team == which {
				list = append(list, t)
			}
		}
	default:
		return &bot.Reply{Text: fmt.Sprintf("`%s` is not `mine`, `open`, `unclaimed` or a team (%s).", clip(which, 30), h.teamIDs())}, nil
	}
	if len(list) == 0 {
		return &bot.Reply{Text: title + ": none."}, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d):\n", title, len(list))
	for i, t := range list {
		if i == 30 {
			fmt.Fprintf(&b, "… and %d more\n", len(list)-i)
			break
		}
		fmt.Fprintf(&b, "• *%s* · %s · %s", h.id(t.Number), h.headline(t), h.ageOf(t))
		if t.Owner != "" {
			fmt.Fprintf(&b, " · <@%s>", t.Owner)
		} else {
			b.WriteString(" · unclaimed")
		}
		b.WriteByte('\n')
	}
	return &bot.Reply{Text: clip(b.String(), 3000)}, nil
}

// ageOf says how long ago a ticket was reported.
func (h *Handlers) ageOf(t *ticket.Ticket) string {
	return humanDuration(h.clock.Now().Sub(t.CreatedAt)) + " old"
}

// listReported lists the tickets a requester reported.
func (h *Handlers) listReported(ctx context.Context, user string) (*bot.Reply, error) {
	tickets, err := h.store.TicketsOf(ctx, user, 10)
	if err != nil {
		return nil, err
	}
	if len(tickets) == 0 {
		return &bot.Reply{Text: "You have no tickets. To report a problem, just write to me."}, nil
	}
	var b strings.Builder
	b.WriteString("Your latest tickets:\n")
	for _, t := range tickets {
		fmt.Fprintf(&b, "• *%s* · %s · %s · %s\n", h.id(t.Number), t.Status, t.Category.Label(), h.local(t.CreatedAt))
	}
	return &bot.Reply{Text: b.String()}, nil
}

// onCallUsage is /oncall's help.
const onCallUsage = "Usage: `/oncall` shows who is on call now in every team, `/oncall TEAM` in one, and " +
	"`/oncall override TEAM @user DURATION|until HH:MM` (IT staff) puts someone on call for a while, " +
	"for example `/oncall override desk @sam 4h` or `/oncall override desk @sam until 19:00`."

func (h *Handlers) onOnCallCommand(ctx context.Context, cmd slack.SlashCommand) (*bot.Reply, error) {
	args := strings.Fields(cmd.Text)
	if len(args) > 0 && strings.EqualFold(args[0], "override") {
		return h.override(ctx, cmd, args[1:])
	}
	if len(args) > 1 || (len(args) == 1 && strings.EqualFold(args[0], "help")) {
		return &bot.Reply{Text: onCallUsage + " Teams: " + h.teamIDs() + "."}, nil
	}
	now := h.clock.Now()
	var b strings.Builder
	for i := range h.cfg.Teams {
		t := &h.cfg.Teams[i]
		if len(args) == 1 && !strings.EqualFold(args[0], t.ID) {
			continue
		}
		next := h.schedule(ctx, t).Next(now, 1)
		fmt.Fprintf(&b, "*%s* (`%s`): <@%s>", t.Name, t.ID, next[0].User)
		if next[0].Override {
			b.WriteString(" (override)")
		}
		if !next[0].Until.IsZero() {
			fmt.Fprintf(&b, " until %s", h.local(next[0].Until))
		}
		if len(next) > 1 && next[1].User != next[0].User {
			fmt.Fprintf(&b, ", then <@%s>", next[1].User)
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return &bot.Reply{Text: fmt.Sprintf("There is no team `%s`. Teams: %s.", clip(args[0], 30), h.teamIDs())}, nil
	}
	return &bot.Reply{Text: b.String()}, nil
}

// mention reads a user mention as Slack sends it with should_escape:
// "<@U0123|sam>" or "<@U0123>".
var mention = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$`)

// override is `/oncall override TEAM @user DURATION|until HH:MM`.
func (h *Handlers) override(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	if !h.isSpecialist(cmd.UserID) {
		return &bot.Reply{Text: "Only IT staff can change who is on call."}, nil
	}
	if len(args) < 3 {
		return &bot.Reply{Text: onCallUsage}, nil
	}
	team := h.cfg.Team(strings.ToLower(args[0]))
	if team == nil {
		return &bot.Reply{Text: fmt.Sprintf("There is no team `%s`. Teams: %s.", clip(args[0], 30), h.teamIDs())}, nil
	}
	m := mention.FindStringSubmatch(args[1])
	if m == nil {
		return &bot.Reply{Text: "Name the person with an @mention, for example `/oncall override " + team.ID + " @sam 4h`."}, nil
	}
	now := h.clock.Now()
	end, err := oncall.ParseOverrideEnd(strings.Join(args[2:], " "), now, h.cfg.Location)
	if err != nil {
		return &bot.Reply{Text: userError(err)}, nil
	}
	user := m[1]
	if err := h.store.AddOverride(ctx, team.ID, store.Override{User: user, Start: now, End: end, By: cmd.UserID}, now); err != nil {
		return nil, err
	}
	h.log.WithFields(logrus.Fields{"team": team.ID, "user": user, "by": cmd.UserID}).Info("on-call override set")
	msg := fmt.Sprintf("<@%s> is on call for %s until %s (override by <@%s>).", user, team.Name, h.local(end), cmd.UserID)
	if _, err := h.slack.PostMessage(ctx, team.Channel, slack.MsgOptionText(msg, false)); err != nil {
		h.log.WithField("team", team.ID).WithError(err).Warn("override not announced")
	}
	return &bot.Reply{Text: msg}, nil
}

func (h *Handlers) teamIDs() string {
	ids := make([]string, len(h.cfg.Teams))
	for i, t := range h.cfg.Teams {
		ids[i] = "`" + t.ID + "`"
	}
	return strings.Join(ids, ", ")
}

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
