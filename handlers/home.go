package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"carebot/bot"
)

// homeTickets is how many of a user's tickets App Home lists.
const homeTickets = 20

// onHomeOpened publishes the user's App Home: their latest tickets.
func (h *Handlers) onHomeOpened(ctx context.Context, ev bot.Event) error {
	e, ok := ev.Inner.(*slackevents.AppHomeOpenedEvent)
	if !ok || e.Tab != "home" {
		return nil
	}
	tickets, err := h.store.TicketsOf(ctx, e.User, homeTickets)
	if err != nil {
		return err
	}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "IT help", false, false)),
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType,
			"To report a problem, write to me in the *Messages* tab: what isn't working and where.", false, false), nil, nil),
		slack.NewDividerBlock(),
	}
	if len(tickets) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "You have no tickets.", false, false), nil, nil))
	}
	var b strings.Builder
	for _, t := range tickets {
		fmt.Fprintf(&b, "*%s* · %s · %s · reported %s\n", h.id(t.Number), t.Status, t.Category.Label(), h.local(t.CreatedAt))
	}
	if b.Len() > 0 {
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Your tickets*\n"+b.String(), false, false), nil, nil))
	}
	if h.isSpecialist(e.User) {
		staff, err := h.staffHome(ctx, e.User)
		if err != nil {
			return err
		}
		blocks = append(blocks, staff...)
	}
	return h.slack.PublishHome(ctx, e.User, slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}})
}

func channelOf(inner any) string {
	switch in := inner.(type) {
	case *slackevents.MessageEvent:
		return in.Channel
	case *slackevents.AppMentionEvent:
		return in.Channel
	}
	return ""
}

// homeQueue is how many unclaimed tickets App Home lists, each with a Claim
// button (App Home allows 100 blocks).
const homeQueue = 20

// staffHome is the IT part of App Home: the tickets the user has claimed,
// the unclaimed queue with Claim buttons, and who is on call.
func (h *Handlers) staffHome(ctx context.Context, user string) ([]slack.Block, error) {
	open, claimed, err := h.store.Active(ctx)
	if err != nil {
		return nil, err
	}
	md := func(s string) *slack.TextBlockObject {
		return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
	}
	blocks := []slack.Block{slack.NewDividerBlock(), slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, "IT queue", false, false))}
	var mine strings.Builder
	for _, t := range claimed {
		if t.Owner == user {
			fmt.Fprintf(&mine, "• *%s* · %s · %s\n", h.id(t.Number), h.headline(t), h.ageOf(t))
		}
	}
	if mine.Len() == 0 {
		mine.WriteString("none\n")
	}
	blocks = append(blocks, slack.NewSectionBlock(md("*Claimed by you*\n"+mine.String()), nil, nil))
	if len(open) == 0 {
		blocks = append(blocks, slack.NewSectionBlock(md("*Unclaimed*\nnone"), nil, nil))
	} else {
		blocks = append(blocks, slack.NewSectionBlock(md(fmt.Sprintf("*Unclaimed* (%d)", len(open))), nil, nil))
	}
	for i, t := range open {
		if i == homeQueue {
			blocks = append(blocks, slack.NewContextBlock("", md(fmt.Sprintf("… and %d more: `/ticket list unclaimed`", len(open)-i))))
			break
		}
		team := ""
		if tm := h.teamOf(t); tm != nil {
			team = " · " + tm.Name
		}
		blocks = append(blocks, slack.NewSectionBlock(md(fmt.Sprintf("*%s* · %s%s · %s", h.id(t.Number), h.headline(t), team, h.ageOf(t))),
			nil, slack.NewAccessory(claimButton(t))))
	}
	var oc strings.Builder
	for i := range h.cfg.Teams {
		tm := &h.cfg.Teams[i]
		fmt.Fprintf(&oc, "• %s: <@%s>\n", tm.Name, h.onCallNow(ctx, tm))
	}
	return append(blocks, slack.NewSectionBlock(md("*On call now*\n"+oc.String()), nil, nil)), nil
}
