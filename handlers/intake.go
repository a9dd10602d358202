package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"carebot/bot"
	"carebot/store"
	"carebot/ticket"
	"carebot/triage"
)

// report is one message that may be a new problem or a follow-up.
type report struct {
	user, channel, ts, threadTS, text string
	source                            ticket.Source
}

// thread is where replies to the report go: the thread it is in, or a new
// thread on the message itself.
func (r report) thread() string {
	if r.threadTS != "" {
		return r.threadTS
	}
	return r.ts
}

// onMessage handles direct messages and messages in intake channels.
func (h *Handlers) onMessage(ctx context.Context, ev bot.Event) error {
	m, ok := ev.Inner.(*slackevents.MessageEvent)
	if !ok {
		return nil
	}
	src := ticket.SourceDM
	if ev.Type == EventChannelMessage {
		src = ticket.SourceIntake
	}
	return h.report(ctx, report{user: m.User, channel: m.Channel, ts: m.TimeStamp, threadTS: m.ThreadTimeStamp, text: m.Text, source: src})
}

// onMention handles "@carebot …" in any channel the bot is in.
func (h *Handlers) onMention(ctx context.Context, ev bot.Event) error {
	m, ok := ev.Inner.(*slackevents.AppMentionEvent)
	if !ok {
		return nil
	}
	text := strings.ReplaceAll(m.Text, "<@"+h.botUser+">", "")
	return h.report(ctx, report{user: m.User, channel: m.Channel, ts: m.TimeStamp, threadTS: m.ThreadTimeStamp, text: text, source: ticket.SourceMention})
}

// slackMarkup matches Slack's mention, channel and link markup, which a
// report's words do not need.
var slackMarkup = regexp.MustCompile(`<[@#!][^>]*>`)

func (h *Handlers) report(ctx context.Context, r report) error {
	log := h.log.WithFields(logrus.Fields{"user": r.user, "channel": r.channel})
	now := h.clock.Now()
	text := strings.TrimSpace(slackMarkup.ReplaceAllString(r.text, " "))

	if r.threadTS != "" && r.threadTS != r.ts {
		res, t, err := h.store.AddFollowUp(ctx, r.channel, r.threadTS, r.ts,
			ticket.Event{At: now, Actor: r.user, Kind: ticket.EventFollowUp, Text: triage.Clean(text)})
		if err != nil {
			return err
		}
		switch res {
		case store.FollowUpAdded:
			log.WithField("ticket", h.id(t.Number)).Info("follow-up added")
			return h.slack.AddReaction(ctx, "white_check_mark", r.channel, r.ts)
		case store.FollowUpDuplicate, store.FollowUpNotOwnTicket:
			return nil // handled before, or someone else talking in the thread
		}
		if r.source == ticket.SourceIntake {
			return nil // a conversation in an intake channel's thread, not a report
		}
	}

	draft := triage.Parse(text, h.triage)
	if draft.Text == "" {
		_, err := h.slack.PostMessage(ctx, r.channel, slack.MsgOptionTS(r.thread()), slack.MsgOptionText(
			"I didn't catch a problem in that message. Tell me in a sentence what isn't working and where, "+
				"for example: _label printer in 4 West is jammed_.", false))
		return err
	}
	t, created, err := h.store.CreateTicket(ctx, &ticket.Ticket{
		Status: ticket.StatusOpen, Category: draft.Category, Location: draft.Location, Summary: draft.Text,
		Requester: r.user, Source: r.source, Channel: r.channel, ThreadTS: r.thread(),
		CreatedAt: now, UpdatedAt: now,
	}, ticket.Event{At: now, Actor: r.user, Kind: ticket.EventCreated})
	if err != nil {
		return err
	}
	log = log.WithField("ticket", h.id(t.Number))
	if created {
		h.metrics.TicketsCreated.WithLabelValues(string(r.source)).Inc()
		log.WithField("category", t.Category).Info("ticket created")
	}
	if t.ReplyTS != "" {
		return nil // this report was answered before (a retried delivery)
	}
	ts, err := h.slack.PostMessage(ctx, r.channel, slack.MsgOptionTS(t.ThreadTS),
		slack.MsgOptionText(h.receipt(t), false), slack.MsgOptionBlocks(h.receiptBlocks(t)...))
	if err != nil {
		return err
	}
	return h.store.SetReplyTS(ctx, t.Number, ts)
}

// receipt tells the requester their ticket ID and what carebot understood.
func (h *Handlers) receipt(t *ticket.Ticket) string {
	understood := t.Category.Label()
	if t.Location != "" {
		understood += ", " + t.Location
	}
	msg := fmt.Sprintf("Got it: this is *%s* (%s). IT has it from here, and I'll post every update in this thread.", h.id(t.Number), understood)
	if t.Location == "" {
		msg += " If you haven't said where you are, reply here with the unit and room."
	} else {
		msg += " Reply here to add anything."
	}
	return msg
}

func (h *Handlers) receiptBlocks(t *ticket.Ticket) []slack.Block {
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, h.receipt(t), false, false), nil, nil),
	}
}
