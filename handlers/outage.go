package handlers

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/store"
	"carebot/summary"
	"carebot/ticket"
)

// The buttons of a possible-outage post; their value is the suggestion's
// number.
const (
	ActionDeclareIncident = "outage_declare"
	ActionNotRelated      = "outage_not_related"
)

// notifyTimeout bounds telling every requester of an incident: with many
// reports from one intake channel, Slack's pace of about a message a second
// per channel makes that take a while, longer than a handler may.
const notifyTimeout = 10 * time.Minute

// outageKeys are the ways a report can match others of the same outage: its
// category, and the system it names. Access requests and uncategorised
// reports are not outages.
func outageKeys(t *ticket.Ticket) []store.OutageKey {
	var ks []store.OutageKey
	if t.Category != "" && t.Category != ticket.CategoryOther && t.Category != ticket.CategoryAccess {
		ks = append(ks, store.OutageKey{Key: "category:" + string(t.Category), Label: t.Category.Label()})
	}
	if t.System != "" {
		ks = append(ks, store.OutageKey{Key: "system:" + strings.ToLower(t.System), Label: t.System})
	}
	return ks
}

func (h *Handlers) outageRule() store.OutageRule {
	return store.OutageRule{Window: h.cfg.Outage.Window, Reports: h.cfg.Outage.Reports}
}

func incidentID(n int64) string { return ticket.FormatID(ticket.IncidentPrefix, n) }

// knownIssue is what a requester whose report is part of a declared
// incident is told.
func (h *Handlers) knownIssue(inc int64) string {
	msg := fmt.Sprintf("This is a known issue, tracked as *%s*: IT is working on it, and I'll tell you here when it's fixed.", incidentID(inc))
	if d := h.cfg.Outage.DowntimeText; d != "" {
		msg += " " + d
	}
	return msg
}

// observeOutage counts new ticket t towards a possible outage. It returns
// the incident t was linked to, if one is open for it; a report that makes
// an outage likely gets the suggestion posted. Grouping is a help, not a
// gate: if it fails, the report is handled on its own.
func (h *Handlers) observeOutage(ctx context.Context, log logrus.FieldLogger, t *ticket.Ticket) *store.Incident {
	inc, sg, err := h.store.ObserveReport(ctx, t.Number, summary.Unit(t.Location), outageKeys(t), t.CreatedAt, h.outageRule())
	if err != nil {
		log.WithError(err).Warn("report not counted for outage grouping")
		return nil
	}
	if inc != nil {
		log.WithField("incident", incidentID(inc.Number)).Info("ticket linked to an open incident")
		return inc
	}
	if sg != nil {
		if err := h.suggestOutage(ctx, t, sg); err != nil {
			log.WithError(err).Warn("possible outage not posted")
		}
	}
	return nil
}

// outageChannel is where possible outages are posted: the triage channel,
// else the incidents channel, else the team channel of the report.
func (h *Handlers) outageChannel(t *ticket.Ticket) string {
	switch {
	case h.cfg.Channels.Triage != "":
		return h.cfg.Channels.Triage
	case h.cfg.Channels.Incidents != "":
		return h.cfg.Channels.Incidents
	}
	if team := h.teamOf(t); team != nil {
		return team.Channel
	}
	return ""
}

// suggestionHeadline reads "Possible outage: 6 reports of EHR from 4 units
// in 8 min".
func suggestionHeadline(sg *store.Suggestion) string {
	mins := max(1, int(math.Ceil(sg.Last.Sub(sg.First).Minutes())))
	return fmt.Sprintf("Possible outage: %d reports of %s from %d units in %d min", len(sg.Tickets), sg.Label, sg.Units, mins)
}

func (h *Handlers) suggestionIDs(sg *store.Suggestion) string {
	ids := make([]string, len(sg.Tickets))
	for i, n := range sg.Tickets {
		ids[i] = h.id(n)
	}
	return clip(strings.Join(ids, ", "), 2000)
}

// suggestOutage posts a possible outage with Declare incident and Not
// related buttons.
func (h *Handlers) suggestOutage(ctx context.Context, t *ticket.Ticket, sg *store.Suggestion) error {
	channel := h.outageChannel(t)
	if channel == "" {
		return nil
	}
	head := suggestionHeadline(sg)
	id := strconv.FormatInt(sg.ID, 10)
	blocks := []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, ":rotating_light: *"+head+"*", false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Tickets: "+h.suggestionIDs(sg), false, false)),
		slack.NewActionBlock("outage",
			slack.NewButtonBlockElement(ActionDeclareIncident, id, slack.NewTextBlockObject(slack.PlainTextType, "Declare incident", false, false)).WithStyle(slack.StyleDanger),
			slack.NewButtonBlockElement(ActionNotRelated, id, slack.NewTextBlockObject(slack.PlainTextType, "Not related", false, false))),
	}
	_, err := h.slack.PostMessage(ctx, channel, slack.MsgOptionText(head, false), slack.MsgOptionBlocks(blocks...))
	if err == nil {
		h.log.WithFields(logrus.Fields{"suggestion": sg.ID, "key": sg.Key, "reports": len(sg.Tickets)}).Info("possible outage posted")
	}
	return err
}

// onDeclareIncident handles Declare incident: the reports become INC-n,
// their requesters are told it is a known issue, and the incidents channel
// gets the news.
func (h *Handlers) onDeclareIncident(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	if !h.isSpecialist(cb.User.ID) {
		return &bot.Reply{Text: "Only IT staff can declare an incident."}, nil
	}
	id, err := strconv.ParseInt(action.Value, 10, 64)
	if err != nil {
		return &bot.Reply{Text: "That button is not one I know."}, nil
	}
	now := h.clock.Now()
	d, err := h.store.DeclareIncident(ctx, id, cb.User.ID, now)
	if msg := userError(err); msg != "" {
		return &bot.Reply{Text: msg}, nil
	} else if err != nil {
		return nil, err
	}
	sg, inc := d.Suggestion, d.Incident
	switch d.Result {
	case store.Dismissed:
		return &bot.Reply{Text: fmt.Sprintf("<@%s> marked this not related already.", sg.DismissedBy)}, nil
	case store.AlreadyDeclared:
		return &bot.Reply{Text: fmt.Sprintf("This is declared already, as *%s*.", incidentID(inc.Number))}, nil
	}
	log := h.log.WithFields(logrus.Fields{"incident": incidentID(inc.Number), "user": cb.User.ID, "linked": len(d.Linked)})
	if ch := h.cfg.Channels.Incidents; ch != "" {
		msg := fmt.Sprintf(":rotating_light: *%s* declared by <@%s>: %s outage, %d reports from %d units so far. New reports of it are linked at once.",
			incidentID(inc.Number), cb.User.ID, inc.Label, len(inc.Tickets), sg.Units)
		if d.Result == store.Joined {
			msg = fmt.Sprintf(":rotating_light: %d more reports joined *%s* (%s), by <@%s>.", len(d.Linked), incidentID(inc.Number), inc.Label, cb.User.ID)
		} else if dt := h.cfg.Outage.DowntimeText; dt != "" {
			msg += "\nStaff are told: _" + dt + "_"
		}
		if _, err := h.slack.PostMessage(ctx, ch, slack.MsgOptionText(msg, false)); err != nil {
			log.WithError(err).Warn("incident broadcast not posted")
		}
	}
	log.Info("incident declared")
	h.notifyLinked(ctx, log, d.Linked, func(ctx context.Context, t *ticket.Ticket) (string, []slack.Block) {
		if t.Status == ticket.StatusTriage {
			// No more questions: the outage is known, and IT works it as one.
			t.Status, t.UpdatedAt = ticket.StatusOpen, h.clock.Now()
			ev := ticket.Event{At: t.UpdatedAt, Actor: cb.User.ID, Kind: ticket.EventRouted, Text: "part of " + incidentID(inc.Number)}
			if err := h.store.Update(ctx, store.Change{Ticket: t, Events: []ticket.Event{ev}}); err != nil {
				log.WithError(err).WithField("ticket", h.id(t.Number)).Warn("triage of a linked ticket not ended")
			}
		}
		h.syncTeamPost(ctx, log, t.Number)
		return h.knownIssue(inc.Number), nil
	})
	verb := "declared"
	if d.Result == store.Joined {
		verb = "joined to the open incident"
	}
	done := fmt.Sprintf(":rotating_light: *%s* — %s *%s* by <@%s> at %s. Resolve it with `/ticket resolve %s NOTE`.",
		suggestionHeadline(sg), verb, incidentID(inc.Number), cb.User.ID, h.local(now), incidentID(inc.Number))
	return &bot.Reply{Text: done, ReplaceOriginal: true, Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, done, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Tickets: "+h.suggestionIDs(sg), false, false)),
	}}, nil
}

// onNotRelated handles Not related: the post says who decided, and the
// reports go on as they were.
func (h *Handlers) onNotRelated(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	if !h.isSpecialist(cb.User.ID) {
		return &bot.Reply{Text: "Only IT staff can decide about a possible outage."}, nil
	}
	id, err := strconv.ParseInt(action.Value, 10, 64)
	if err != nil {
		return &bot.Reply{Text: "That button is not one I know."}, nil
	}
	sg, err := h.store.DismissSuggestion(ctx, id, cb.User.ID)
	if msg := userError(err); msg != "" {
		return &bot.Reply{Text: msg}, nil
	} else if err != nil {
		return nil, err
	}
	if sg.Incident != 0 {
		return &bot.Reply{Text: fmt.Sprintf("This is declared already, as *%s*.", incidentID(sg.Incident))}, nil
	}
	h.log.WithFields(logrus.Fields{"suggestion": sg.ID, "user": sg.DismissedBy}).Info("possible outage marked not related")
	msg := fmt.Sprintf("~%s~ — marked not related by <@%s>; the tickets go on separately.", suggestionHeadline(sg), sg.DismissedBy)
	return &bot.Reply{Text: msg, ReplaceOriginal: true, Blocks: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, msg, false, false), nil, nil),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Tickets: "+h.suggestionIDs(sg), false, false)),
	}}, nil
}

// resolveIncident is `/ticket resolve INC-n NOTE`: the incident and every
// linked ticket still open are resolved, and each requester is told.
func (h *Handlers) resolveIncident(ctx context.Context, user, arg, rawNote string) (*bot.Reply, error) {
	n, err := ticket.ParseID(ticket.IncidentPrefix, arg)
	if err != nil {
		return &bot.Reply{Text: userError(err)}, nil
	}
	note := ReportText(rawNote, h.cfg.PHI.Patterns)
	if note == "" {
		return &bot.Reply{Text: fmt.Sprintf("Usage: `/ticket resolve %s NOTE`. The note goes to every requester.", incidentID(n))}, nil
	}
	now := h.clock.Now()
	inc, closed, already, err := h.store.ResolveIncident(ctx, n, user, note, now)
	if msg := userError(err); msg != "" {
		return &bot.Reply{Text: msg}, nil
	} else if err != nil {
		return nil, err
	}
	if already {
		return &bot.Reply{Text: fmt.Sprintf("%s is already resolved.", incidentID(n))}, nil
	}
	log := h.log.WithFields(logrus.Fields{"incident": incidentID(n), "user": user, "tickets": len(closed)})
	log.Info("incident resolved")
	if ch := h.cfg.Channels.Incidents; ch != "" {
		msg := fmt.Sprintf(":white_check_mark: *%s* (%s) resolved by <@%s>: _%s_ %d linked tickets closed.",
			incidentID(n), inc.Label, user, clip(oneLine(note), 1000), len(closed))
		if _, err := h.slack.PostMessage(ctx, ch, slack.MsgOptionText(msg, false)); err != nil {
			log.WithError(err).Warn("incident resolution not broadcast")
		}
	}
	byNumber := make(map[int64]*ticket.Ticket, len(closed))
	ns := make([]int64, len(closed))
	for i, t := range closed {
		byNumber[t.Number], ns[i] = t, t.Number
	}
	h.notifyLinked(ctx, log, ns, func(ctx context.Context, t *ticket.Ticket) (string, []slack.Block) {
		h.syncTeamPost(ctx, log, t.Number)
		return h.resolution(t, incidentID(n)+" is fixed", user, note)
	})
	return &bot.Reply{Text: fmt.Sprintf("Resolved *%s* and its %d open tickets; their requesters are being told.", incidentID(n), len(closed))}, nil
}

// notifyLinked posts, in the background, a message to the requester of each
// of tickets ns in their thread; message may also change the ticket, with
// the background context it is given. It outlives the handler: the outbound
// client paces posts per channel, so many reports from one intake channel
// take about a second each.
func (h *Handlers) notifyLinked(ctx context.Context, log logrus.FieldLogger, ns []int64, message func(context.Context, *ticket.Ticket) (string, []slack.Block)) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), notifyTimeout)
	h.background.Go(func() {
		defer cancel()
		told := 0
		for _, n := range ns {
			t, err := h.store.Ticket(ctx, n)
			if err != nil {
				log.WithError(err).WithField("ticket", h.id(n)).Warn("linked ticket not read; its requester is not told")
				continue
			}
			text, blocks := message(ctx, t)
			opts := []slack.MsgOption{slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(text, false)}
			if blocks != nil {
				opts = append(opts, slack.MsgOptionBlocks(blocks...))
			}
			if _, err := h.slack.PostMessage(ctx, t.Channel, opts...); err != nil {
				log.WithError(err).WithField("ticket", h.id(n)).Warn("requester not told")
				continue
			}
			told++
		}
		log.WithField("told", told).Info("requesters of linked tickets told")
	})
}

// Wait waits for background work started by handlers (telling requesters
// of an incident) to finish.
func (h *Handlers) Wait() { h.background.Wait() }
