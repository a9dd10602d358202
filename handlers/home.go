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
