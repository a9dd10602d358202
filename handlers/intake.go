package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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

// slackMarkup matches Slack's markup for mentions (<@U…>), special mentions
// (<!channel>), channels (<#C…|name>) and links (<https://…|label>).
var slackMarkup = regexp.MustCompile(`<([@#!]?)([^>|]*)(?:\|([^>]*))?>`)

// plainWords turns Slack markup into plain words, so a report never carries,
// and carebot never echoes, a live mention: mentions go, a channel becomes
// "#name", a link its label or bare address. Slack sends "&" as "&amp;"
// ("L&amp;D"); that is undone, while "&lt;" and "&gt;" stay escaped so
// that typed markup can never turn live when it is shown again.
func plainWords(text string) string {
	text = slackMarkup.ReplaceAllStringFunc(text, func(m string) string {
		p := slackMarkup.FindStringSubmatch(m)
		switch {
		case p[1] == "@" || p[1] == "!":
			return " "
		case p[1] == "#" && p[3] != "":
			return "#" + p[3]
		case p[1] == "#":
			return " "
		case p[3] != "":
			return p[3]
		}
		return p[2]
	})
	return formatting.Replace(text)
}

// formatting undoes Slack's "&amp;" and drops bold, strike and code marks,
// which would otherwise split an identifier from its label ("*MRN:* 1234").
var formatting = strings.NewReplacer("&amp;", "&", "*", " ", "~", " ", "`", " ")

// ReportText is how carebot reads the text of a message, wherever it does:
// Slack markup turned into plain words, cleaned, and patient identifiers
// redacted. Scrub, the intake handler and `carebot triage explain` all use
// it, so what is stored is what is parsed.
func ReportText(raw string, phiPatterns map[string]*regexp.Regexp) string {
	text, _ := triage.Redact(triage.Clean(plainWords(raw)), phiPatterns)
	return text
}

func (h *Handlers) report(ctx context.Context, r report) error {
	log := h.log.WithFields(logrus.Fields{"user": r.user, "channel": r.channel})
	// The bot's Scrub redacted the text before it was stored; redacting again
	// is a no-op then, and counting the markers tells what was removed.
	text := ReportText(r.text, h.cfg.PHI.Patterns)
	phi := triage.Found(text, h.cfg.PHI.Patterns)
	if r.source == ticket.SourceDM && (r.threadTS == "" || r.threadTS == r.ts) {
		// Nurses on phones seldom reply inside the thread: a top-level DM
		// that answers the open question, or says cancel, belongs to it.
		if t, ok := h.openQuestionFor(ctx, r, text); ok {
			r.threadTS = t.ThreadTS
		}
	}
	if r.threadTS != "" && r.threadTS != r.ts {
		handled, err := h.inThread(ctx, log, r, text, phi)
		if handled || err != nil || r.source == ticket.SourceIntake {
			return err // a conversation in an intake channel's thread is not a report
		}
	}
	return h.newReport(ctx, log, r, text, phi)
}

// newReport turns a message into a ticket: triage reads it, and the reply
// offers self-help, asks the first open question, or says where it went.
func (h *Handlers) newReport(ctx context.Context, log logrus.FieldLogger, r report, text string, phi []triage.PHIFinding) error {
	now := h.clock.Now()
	draft := triage.Parse(text, h.triage)
	if draft.Text == "" {
		_, err := h.slack.PostMessage(ctx, r.channel, slack.MsgOptionTS(r.thread()), slack.MsgOptionText(
			"I didn't catch a problem in that message. Tell me in a sentence what isn't working and where, "+
				"for example: _label printer in 4 West is jammed_.", false))
		return err
	}
	t := &ticket.Ticket{Status: ticket.StatusTriage, Summary: draft.Text, Requester: r.user, Source: r.source,
		Channel: r.channel, ThreadTS: r.thread(), CreatedAt: now, UpdatedAt: now}
	h.setDraft(t, draft)
	first := ticket.Event{At: now, Actor: r.user, Kind: ticket.EventCreated, Text: t.Priority.String(), Source: r.ts}
	t.ReplyTS = replyPending(now) // whoever creates the ticket answers it
	var conv *store.Conversation
	questions := stringsOf(triage.Questions(draft, h.triage))
	known, err := h.store.OpenIncident(ctx, outageKeys(t))
	if err != nil {
		log.WithError(err).Warn("open incidents not read; the report is triaged")
	}
	switch _, selfHelp := triage.MatchSelfHelp(draft, h.triage); {
	case known != nil:
		// Part of a declared incident: no questions, no page. The ticket is
		// linked to it as it is counted below.
		t.Status = ticket.StatusOpen
	case selfHelp && !triage.Outage(draft, h.triage): // never hold up an outage
		conv = &store.Conversation{Asked: askedSelfHelp, Pending: questions}
	case len(questions) > 0:
		conv = &store.Conversation{Asked: questions[0], Pending: questions[1:]}
	default:
		t.Status = ticket.StatusOpen
	}
	if conv != nil && slices.Contains(questions, string(triage.AskCategory)) {
		conv.Choices = stringsOf(draft.Choices())
	}
	var created bool
	switch {
	case conv != nil:
		t, created, err = h.store.CreateInTriage(ctx, t, first, conv, now.Add(h.cfg.TriageTimeout))
	case known != nil:
		t, created, err = h.store.CreateTicket(ctx, t, first) // the incident has it: nothing to route
	default:
		t, created, err = h.store.CreateOpen(ctx, t, first, now.Add(routeGrace))
	}
	if err != nil {
		return err
	}
	log = log.WithField("ticket", h.id(t.Number))
	if created {
		h.metrics.TicketsCreated.WithLabelValues(string(r.source)).Inc()
		log.WithFields(logrus.Fields{"category": t.Category, "priority": t.Priority.String(), "status": t.Status}).Info("ticket created")
		if err := h.remindPHI(ctx, r, phi); err != nil {
			log.WithError(err).Warn("patient-data reminder not sent")
		}
		if inc := h.observeOutage(ctx, log, t); inc != nil {
			t.Incident = inc.Number
		}
	}
	if !created {
		// Handled before: a retried delivery, the same message seen twice, or
		// this replica taking over from one that stopped. Reply only if no
		// reply went out: never post twice.
		posted, err := h.replied(ctx, t, now)
		if posted || err != nil {
			return err
		}
		if t, conv, err = h.store.TicketInThread(ctx, t.Channel, t.ThreadTS); err != nil {
			return err
		}
	}
	text, blocks := h.firstReply(ctx, t, conv, draft)
	ts, err := h.slack.PostMessage(ctx, r.channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		return err
	}
	if err := h.store.SetReplyTS(ctx, t.Number, ts); err != nil {
		return err
	}
	if t.Status == ticket.StatusOpen {
		h.routeSoon(t)
	}
	return nil
}

// replyPending marks a ticket whose first reply is being posted.
func replyPending(at time.Time) string { return "pending:" + strconv.FormatInt(at.UnixMilli(), 10) }

// replyGrace is how long the handler that created a ticket has to post its
// first reply before another may look whether it did.
const replyGrace = 30 * time.Second

// replied reports whether ticket t's first reply went out (or is surely
// going out), so that a second handling of its report does not post again.
// A reply pending for longer than replyGrace is looked for in the thread:
// its poster may have died, or Slack may have failed with an unknown
// outcome.
func (h *Handlers) replied(ctx context.Context, t *ticket.Ticket, now time.Time) (bool, error) {
	since, pending := strings.CutPrefix(t.ReplyTS, "pending:")
	if !pending {
		return t.ReplyTS != "", nil // answered; or a ticket from before pending marks
	}
	if ms, err := strconv.ParseInt(since, 10, 64); err == nil && now.Sub(time.UnixMilli(ms)) < replyGrace {
		return true, nil // its creator is posting it now
	}
	msgs, err := h.slack.ThreadReplies(ctx, t.Channel, t.ThreadTS)
	if err != nil {
		return false, err
	}
	for _, m := range msgs {
		if m.Timestamp != t.ThreadTS && (m.User == h.botUser || m.BotID != "") {
			return true, h.store.SetReplyTS(ctx, t.Number, m.Timestamp)
		}
	}
	return false, nil
}

// firstReply is the answer to a new report: its ID and what was understood,
// then the self-help offer, the first question, or where the ticket went.
func (h *Handlers) firstReply(ctx context.Context, t *ticket.Ticket, conv *store.Conversation, d triage.Draft) (string, []slack.Block) {
	understood := t.Category.Label()
	if t.Location != "" {
		understood += ", " + t.Location
	}
	if t.Device != "" {
		understood += ", " + t.Device
	}
	receipt := fmt.Sprintf("Got it: this is *%s* (%s).", h.id(t.Number), understood)
	if len(d.Categories) > 1 {
		receipt += " You mention more than one problem; I've filed it as " + t.Category.Label() + ", and IT will see the rest in your words."
	}
	section := func(s string) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, s, false, false), nil, nil)
	}
	switch {
	case t.Incident != 0:
		msg := receipt + " " + h.knownIssue(t.Incident)
		return msg, []slack.Block{section(msg)}
	case conv == nil || t.Status != ticket.StatusTriage:
		msg := receipt + " It is " + h.whereNow(ctx, t)
		return msg, []slack.Block{section(msg)}
	case conv.Asked == askedSelfHelp:
		help, _ := triage.MatchSelfHelp(d, h.triage)
		n := ticketRef(t)
		return receipt + " " + help, []slack.Block{
			section(receipt + " This may fix it right away:\n>" + help),
			slack.NewActionBlock("selfhelp",
				slack.NewButtonBlockElement(ActionSelfHelpFixed, n, slack.NewTextBlockObject(slack.PlainTextType, "That fixed it", false, false)).WithStyle(slack.StylePrimary),
				slack.NewButtonBlockElement(ActionSelfHelpMore, n, slack.NewTextBlockObject(slack.PlainTextType, "I still need help", false, false))),
		}
	}
	a := askingOf(t, conv, triage.Question(conv.Asked))
	intro := receipt + " A quick question so the right person comes fast:"
	return intro + " " + plain(a.prompt()), append([]slack.Block{section(intro)}, a.blocks(ticketRef(t))...)
}

// inThread handles the requester's message in their ticket's thread: an
// answer to the open question, "cancel", or more detail for the ticket.
// handled is false when the thread has no ticket.
func (h *Handlers) inThread(ctx context.Context, log logrus.FieldLogger, r report, text string, phi []triage.PHIFinding) (handled bool, err error) {
	t, conv, err := h.store.TicketInThread(ctx, r.channel, r.threadTS)
	if ticket.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return true, err
	}
	if t.Requester != r.user {
		return true, nil // someone else talking in the thread
	}
	log = log.WithField("ticket", h.id(t.Number))
	once := "msg:" + r.channel + ":" + r.ts
	if t.Status == ticket.StatusTriage && conv != nil {
		if isCancel(text) {
			return true, h.cancel(ctx, t, once)
		}
		if q := triage.Question(conv.Asked); conv.Asked != askedSelfHelp {
			if v, ok := h.readAnswer(conv, text); ok {
				t, next, err := h.answer(ctx, t.Number, q, v, once)
				switch {
				case errors.Is(err, store.ErrAlreadyApplied):
					return true, nil
				case errors.Is(err, errStale): // answered meanwhile: keep the words as detail
				case err != nil:
					return true, err
				default:
					log.WithField("question", q).Info("triage answered in thread")
					if err := h.remindPHI(ctx, r, phi); err != nil {
						log.WithError(err).Warn("patient-data reminder not sent")
					}
					if err := h.slack.AddReaction(ctx, "white_check_mark", r.channel, r.ts); err != nil {
						log.WithError(err).Warn("reaction not added")
					}
					return true, h.continueTriage(ctx, t, next)
				}
			}
		}
	}
	res, _, err := h.store.AddFollowUp(ctx, r.channel, r.threadTS, r.ts,
		ticket.Event{At: h.clock.Now(), Actor: r.user, Kind: ticket.EventFollowUp, Text: text, Source: r.ts})
	switch {
	case err != nil:
		return true, err
	case res == store.FollowUpDuplicate:
		// Added before; the reaction may not have been, so add it (again).
		return true, h.slack.AddReaction(ctx, "white_check_mark", r.channel, r.ts)
	case res != store.FollowUpAdded:
		return true, nil
	}
	log.Info("follow-up added")
	if err := h.remindPHI(ctx, r, phi); err != nil {
		log.WithError(err).Warn("patient-data reminder not sent")
	}
	return true, h.slack.AddReaction(ctx, "white_check_mark", r.channel, r.ts)
}

// openQuestionFor returns the requester's latest ticket when it is still in
// triage in this DM and text answers its open question or cancels it.
func (h *Handlers) openQuestionFor(ctx context.Context, r report, text string) (*ticket.Ticket, bool) {
	latest, err := h.store.TicketsOf(ctx, r.user, 1)
	if err != nil || len(latest) == 0 || latest[0].Status != ticket.StatusTriage || latest[0].Channel != r.channel {
		return nil, false
	}
	_, conv, err := h.store.TicketAndConversation(ctx, latest[0].Number)
	if err != nil || conv == nil {
		return nil, false
	}
	if isCancel(text) {
		return latest[0], true
	}
	// Only a short answer to a button question: a longer message, or one
	// naming a place or a device, may well be a new report.
	q := triage.Question(conv.Asked)
	if (q != triage.AskCategory && q != triage.AskCare && q != triage.AskScope) || len(strings.Fields(text)) > 6 {
		return nil, false
	}
	_, ok := h.readAnswer(conv, text)
	return latest[0], ok
}

// remindPHI tells the requester, privately, that patient identifiers were
// removed from their message, and counts them. It is called once per
// message that changed a ticket, so a redelivered message is not counted
// twice.
func (h *Handlers) remindPHI(ctx context.Context, r report, phi []triage.PHIFinding) error {
	if len(phi) == 0 {
		return nil
	}
	for _, f := range phi {
		h.metrics.PHIDetections.WithLabelValues(f.Type).Add(float64(f.Count))
	}
	kinds := make([]string, len(phi))
	for i, f := range phi {
		kinds[i] = phiLabel(f.Type)
	}
	return h.slack.PostEphemeral(ctx, r.channel, r.user, slack.MsgOptionTS(r.thread()), slack.MsgOptionText(fmt.Sprintf(
		"I removed what looked like patient information (%s) from your message before saving it. "+
			"IT tickets must not carry patient details: describe the problem, the unit and the device.",
		strings.Join(kinds, ", ")), false))
}

func phiLabel(kind string) string {
	switch kind {
	case "SSN":
		return "a Social Security number"
	case "MRN":
		return "a medical record number"
	case "DOB":
		return "a date of birth"
	case "NAME":
		return "a patient name"
	case "PHONE":
		return "a phone number"
	case "MBI":
		return "a Medicare ID"
	}
	return "an identifier (" + kind + ")"
}

func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// newTicket is `/ticket new TEXT`: a report made by command. The report is
// written into the requester's DM with carebot, whose thread then carries
// the triage questions and every update, as for a report sent there.
func (h *Handlers) newTicket(ctx context.Context, cmd slack.SlashCommand, args []string) (*bot.Reply, error) {
	text := ReportText(strings.Join(args, " "), h.cfg.PHI.Patterns)
	if text == "" {
		return &bot.Reply{Text: "Usage: `/ticket new TEXT`, for example `/ticket new label printer on 4 West is jammed`. You can also just write to me."}, nil
	}
	dm, err := h.slack.OpenDM(ctx, cmd.UserID)
	if err != nil {
		return nil, err
	}
	ts, err := h.slack.PostMessage(ctx, dm, slack.MsgOptionText("Your report: "+text, false))
	if err != nil {
		return nil, err
	}
	log := h.log.WithFields(logrus.Fields{"user": cmd.UserID, "channel": dm})
	r := report{user: cmd.UserID, channel: dm, ts: ts, text: text, source: ticket.SourceCommand}
	if err := h.newReport(ctx, log, r, text, triage.Found(text, h.cfg.PHI.Patterns)); err != nil {
		return nil, err
	}
	return &bot.Reply{Text: "Got it. I've written to you in our direct messages; the ticket and its questions are there."}, nil
}
