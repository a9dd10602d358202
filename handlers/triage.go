package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/store"
	"carebot/ticket"
	"carebot/triage"
)

// The action IDs of triage buttons. Slack wants action IDs unique within a
// message, so each answer has its own; the button's value is the ticket number.
const (
	ActionCategoryFirst  = "triage_category_first"
	ActionCategorySecond = "triage_category_second"
	ActionCareBlocked    = "triage_care_blocked"
	ActionCareSlowed     = "triage_care_slowed"
	ActionCareNone       = "triage_care_none"
	ActionScopeOne       = "triage_scope_one"
	ActionScopeUnit      = "triage_scope_unit"
	ActionScopeSite      = "triage_scope_site"
	ActionSkipDevice     = "triage_device_skip"
	ActionSelfHelpFixed  = "selfhelp_fixed"
	ActionSelfHelpMore   = "selfhelp_more"
)

// triageActions are the action IDs of every triage answer button.
var triageActions = []string{
	ActionCategoryFirst, ActionCategorySecond, ActionCareBlocked, ActionCareSlowed, ActionCareNone,
	ActionScopeOne, ActionScopeUnit, ActionScopeSite, ActionSkipDevice,
}

// askedSelfHelp is Conversation.Asked while a self-help answer is offered.
const askedSelfHelp = "selfhelp"

// button is one answer button of a triage question.
type button struct {
	action, label, value string
	style                slack.Style
}

// asking is a question as put to one requester: the category question
// names the two services it offers, and the system when the requester named
// one ("Is it Epic, or the scanner itself?").
type asking struct {
	q       triage.Question
	choices []string // the categories offered, for AskCategory
	system  string
}

// askingOf is question q of ticket t, with the choices its conversation
// keeps.
func askingOf(t *ticket.Ticket, conv *store.Conversation, q triage.Question) asking {
	a := asking{q: q, system: t.System}
	if conv != nil {
		a.choices = conv.Choices
	}
	return a
}

// buttons lists the answer buttons of a question, in the order shown.
func (a asking) buttons() []button {
	switch a.q {
	case triage.AskCategory:
		if len(a.choices) != 2 {
			return nil
		}
		return []button{
			{ActionCategoryFirst, capitalize(a.choiceName(a.choices[0])), a.choices[0], ""},
			{ActionCategorySecond, capitalize(a.choiceName(a.choices[1])), a.choices[1], ""},
		}
	case triage.AskCare:
		return []button{
			{ActionCareBlocked, "Blocked", string(triage.CareBlocked), slack.StyleDanger},
			{ActionCareSlowed, "Slowed, workaround", string(triage.CareSlowed), ""},
			{ActionCareNone, "Not affected", string(triage.CareNone), ""},
		}
	case triage.AskScope:
		return []button{
			{ActionScopeOne, "Just me", string(triage.ScopeOne), ""},
			{ActionScopeUnit, "My unit", string(triage.ScopeUnit), ""},
			{ActionScopeSite, "Several units", string(triage.ScopeSite), ""},
		}
	case triage.AskDevice:
		return []button{{ActionSkipDevice, "Skip", "", ""}}
	}
	return nil
}

// prompt is how a question is put to the requester.
func (a asking) prompt() string {
	switch a.q {
	case triage.AskCategory:
		if len(a.choices) == 2 {
			return fmt.Sprintf("*Is it %s, or %s?* Tell me which one needs fixing.", a.choiceName(a.choices[0]), a.choiceName(a.choices[1]))
		}
	case triage.AskCare:
		return "*Is patient care affected?*"
	case triage.AskScope:
		return "*Who is affected?*"
	case triage.AskLocation:
		return "*Where are you?* Reply here with the unit and room, for example _4 West rm 412_."
	case triage.AskDevice:
		return "*What is the asset tag on the device?* It's the sticker, for example _WOW-4W-03_. Reply here, or skip."
	}
	return ""
}

// choiceNames name what fails in each built-in category, as the category
// question offers it.
var choiceNames = map[ticket.Category]string{
	ticket.CategoryEHR: "the EHR", ticket.CategoryLogin: "signing in", ticket.CategoryWorkstation: "the computer",
	ticket.CategoryPrinter: "the printer", ticket.CategoryScanner: "the scanner itself",
	ticket.CategoryNetwork: "the network or Wi-Fi", ticket.CategoryPhone: "the phone",
	ticket.CategoryDevice: "the medical device", ticket.CategoryImaging: "PACS or the image viewer",
	ticket.CategoryPharmacy: "the med cabinet", ticket.CategoryAccess: "access for someone",
}

// choiceName names category c as the category question offers it: by the
// system the requester named when it is that category's ("Epic"), else by
// what fails ("the scanner itself").
func (a asking) choiceName(c string) string {
	cat := ticket.Category(c)
	if a.system != "" && triage.SystemCategory(a.system) == cat {
		return a.system
	}
	if n, ok := choiceNames[cat]; ok {
		return n
	}
	return cat.Label()
}

// answerLabel is how an answer is shown once given.
func (a asking) answerLabel(value string) string {
	if a.q == triage.AskCategory && value != "" {
		return ticket.Category(value).Label()
	}
	for _, b := range a.buttons() {
		if b.value == value && value != "" {
			return b.label
		}
	}
	if value == "" {
		return "skipped"
	}
	return value
}

// blocks renders a question with its buttons, whose value is ref, the
// ticket's (ticketRef).
func (a asking) blocks(ref string) []slack.Block {
	blocks := []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, a.prompt(), false, false), nil, nil)}
	var elems []slack.BlockElement
	for _, b := range a.buttons() {
		btn := slack.NewButtonBlockElement(b.action, ref, slack.NewTextBlockObject(slack.PlainTextType, b.label, false, false))
		btn.Style = b.style
		elems = append(elems, btn)
	}
	if len(elems) > 0 {
		blocks = append(blocks, slack.NewActionBlock("triage_"+string(a.q), elems...))
	}
	return append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, "Say _cancel_ to withdraw the report.", false, false)))
}

// readAnswer reads the requester's reply to the open question of conv.
func (h *Handlers) readAnswer(conv *store.Conversation, text string) (string, bool) {
	q := triage.Question(conv.Asked)
	if q != triage.AskCategory {
		return triage.Answer(q, text, h.triage)
	}
	choices := make([]ticket.Category, len(conv.Choices))
	for i, c := range conv.Choices {
		choices[i] = ticket.Category(c)
	}
	c, ok := triage.AnswerCategory(text, choices, h.triage)
	return string(c), ok
}

// draftOf rebuilds what triage knows of a ticket, to apply an answer to it.
func draftOf(t *ticket.Ticket) triage.Draft {
	return triage.Draft{
		Text: t.Summary, Category: t.Category, Categories: []ticket.Category{t.Category},
		Location: t.Location, Device: t.Device, Callback: t.Callback, System: t.System,
		Signals: triage.Signals{Care: triage.Care(t.Care), Scope: triage.Scope(t.Scope)},
	}
}

// setDraft copies what triage knows into the ticket, with its priority.
func (h *Handlers) setDraft(t *ticket.Ticket, d triage.Draft) {
	t.Category, t.Location, t.Device, t.Callback, t.System = d.Category, d.Location, d.Device, d.Callback, d.System
	t.Care, t.Scope = string(d.Signals.Care), string(d.Signals.Scope)
	p := triage.Prioritize(d, h.triage)
	t.Priority, t.Reasons = p.Level, strings.Join(p.Reasons, " · ")
}

// openQuestions keeps the pending questions that are still open for d, in
// their order; none once the ticket has P1 signals. The category question
// stays open until answered: a stored draft keeps no scores to ask it by.
func (h *Handlers) openQuestions(d triage.Draft, pending []string) []string {
	open := triage.Questions(d, h.triage)
	p1 := triage.Outage(d, h.triage)
	var out []string
	for _, q := range pending {
		if slices.Contains(open, triage.Question(q)) || q == string(triage.AskCategory) && !p1 {
			out = append(out, q)
		}
	}
	return out
}

// questionsAfter are the questions to ask once question q is answered with
// d the result: the category answer can open questions of its own (a
// scanner has an asset tag, an EHR does not), so they are asked afresh,
// one fewer than the most.
func (h *Handlers) questionsAfter(q triage.Question, d triage.Draft, pending []string) []string {
	if q != triage.AskCategory {
		return h.openQuestions(d, pending)
	}
	next := stringsOf(triage.Questions(d, h.triage))
	if len(next) > triage.MaxQuestions-1 {
		next = next[:triage.MaxQuestions-1]
	}
	return next
}

// answer applies the requester's answer to the question asked and moves the
// conversation on: the next question, or routing when none is left, when the
// conversation returned is nil. once names the message or press, so a repeat
// changes nothing.
func (h *Handlers) answer(ctx context.Context, n int64, q triage.Question, value, once string) (*ticket.Ticket, *store.Conversation, error) {
	for range 3 {
		t, conv, err := h.store.TicketAndConversation(ctx, n)
		if err != nil {
			return nil, nil, err
		}
		if t.Status != ticket.StatusTriage || conv == nil || conv.Asked != string(q) ||
			q == triage.AskCategory && !slices.Contains(conv.Choices, value) {
			return t, nil, errStale
		}
		now := h.clock.Now()
		d := draftOf(t).With(q, value)
		h.setDraft(t, d)
		t.UpdatedAt = now
		events := []ticket.Event{{At: now, Actor: t.Requester, Kind: ticket.EventAnswered, Text: string(q) + ": " + askingOf(t, conv, q).answerLabel(value)}}
		next := h.questionsAfter(q, d, conv.Pending)
		change := store.Change{Ticket: t, Once: once}
		if len(next) == 0 {
			t.Status = ticket.StatusOpen
			events = append(events, ticket.Event{At: now, Actor: "carebot", Kind: ticket.EventRouted, Text: t.Priority.String()})
			change.Deadline = now.Add(routeGrace) // routed by then, by this replica or another
		} else {
			change.Conversation = &store.Conversation{Asked: next[0], Pending: next[1:], Choices: conv.Choices}
			change.Deadline = now.Add(h.cfg.TriageTimeout)
		}
		change.Events = events
		switch err := h.store.Update(ctx, change); {
		case errors.Is(err, store.ErrConflict):
			continue
		case err != nil:
			return nil, nil, err
		}
		return t, change.Conversation, nil
	}
	return nil, nil, fmt.Errorf("answer on ticket %d: %w", n, store.ErrConflict)
}

// errStale means a question was answered after the conversation moved on.
var errStale = errors.New("question no longer open")

// continueTriage tells the requester what happens next: the question conv
// asks, or, when conv is nil, where the ticket went.
func (h *Handlers) continueTriage(ctx context.Context, t *ticket.Ticket, conv *store.Conversation) error {
	if conv != nil {
		a := askingOf(t, conv, triage.Question(conv.Asked))
		_, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS),
			slack.MsgOptionText(plain(a.prompt()), false), slack.MsgOptionBlocks(a.blocks(ticketRef(t))...))
		return err
	}
	if _, err := h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(h.routedText(ctx, t), false)); err != nil {
		return err
	}
	h.routeSoon(t)
	return nil
}

// routedText tells the requester their ticket left triage, with its
// priority and why.
func (h *Handlers) routedText(ctx context.Context, t *ticket.Ticket) string {
	return fmt.Sprintf("Thanks. *%s* is %s", h.id(t.Number), h.whereNow(ctx, t))
}

// whereNow says a routed ticket's priority, why, which team has it, who is
// on call and how soon a claim is due.
func (h *Handlers) whereNow(ctx context.Context, t *ticket.Ticket) string {
	tm := h.teamOf(t)
	if t.Incident != 0 {
		// Not routed on its own: it is part of a declared outage.
		return fmt.Sprintf("*%s* (%s) and is part of *%s*, which IT is working on; I'll tell you here when it's fixed.",
			t.Priority, t.Reasons, incidentID(t.Incident))
	}
	if tm == nil {
		return fmt.Sprintf("*%s* (%s). I'll post every update in this thread.", t.Priority, t.Reasons)
	}
	msg := fmt.Sprintf("*%s* (%s) and is with %s now; <@%s> is on call.", t.Priority, t.Reasons, tm.Name, h.onCallNow(ctx, tm))
	if d := h.claimTarget(t); d > 0 {
		msg += fmt.Sprintf(" %s tickets are picked up within %s.", t.Priority, humanDuration(d))
	}
	return msg + " I'll post every update in this thread."
}

// onTriageButton handles an answer button.
func (h *Handlers) onTriageButton(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	pressedT, refusal, err := h.pressedTicket(ctx, action.Value)
	if pressedT == nil {
		return refusal, err
	}
	n := pressedT.Number
	t, conv, err := h.store.TicketAndConversation(ctx, n)
	if ticket.IsNotFound(err) {
		return &bot.Reply{Text: "I can't find that ticket any more."}, nil
	}
	if err != nil {
		return nil, err
	}
	if t.Requester != cb.User.ID {
		return &bot.Reply{Text: fmt.Sprintf("Only the person who reported %s can answer its questions.", h.id(n))}, nil
	}
	a, value, ok := pressed(t, conv, action.ActionID)
	if !ok {
		return &bot.Reply{Text: "That question has been answered already."}, nil
	}
	t, next, err := h.answer(ctx, n, a.q, value, fmt.Sprintf("press:%d:%s", n, a.q))
	switch {
	case errors.Is(err, errStale), errors.Is(err, store.ErrAlreadyApplied):
		return &bot.Reply{Text: "That question has been answered already."}, nil
	case err != nil:
		return nil, err
	}
	h.log.WithFields(logrus.Fields{"ticket": h.id(n), "question": a.q}).Info("triage answered by button")
	if err := h.continueTriage(ctx, t, next); err != nil {
		return nil, err
	}
	return answered(cb, fmt.Sprintf("%s *%s* ✓", plain(a.prompt()), a.answerLabel(value))), nil
}

// pressed finds the question and answer of a pressed button. Buttons of
// every question but the category one carry their answer; the category
// buttons offer the choices the conversation keeps. ok is false for a
// button of a question that is no longer open.
func pressed(t *ticket.Ticket, conv *store.Conversation, actionID string) (asking, string, bool) {
	for _, q := range []triage.Question{triage.AskCategory, triage.AskCare, triage.AskScope, triage.AskDevice} {
		a := askingOf(t, conv, q)
		for _, b := range a.buttons() {
			if b.action == actionID {
				return a, b.value, true
			}
		}
	}
	return asking{}, "", false
}

// answered replaces a question message with the question and its answer,
// keeping everything but the buttons.
func answered(cb slack.InteractionCallback, note string) *bot.Reply {
	var kept []slack.Block
	for _, b := range cb.Message.Blocks.BlockSet {
		switch b.BlockType() {
		case slack.MBTAction, slack.MBTContext:
			continue
		case slack.MBTSection:
			if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil && strings.HasPrefix(s.Text.Text, "*") {
				continue // the question itself: the note repeats it with the answer
			}
		}
		kept = append(kept, b)
	}
	kept = append(kept, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, note, false, false), nil, nil))
	return &bot.Reply{Text: note, Blocks: kept, ReplaceOriginal: true}
}

// plain is a prompt's first sentence without markup, for notification text.
func plain(s string) string {
	s, _, _ = strings.Cut(s, "* ")
	return strings.Trim(s, "*")
}

// onSelfHelp handles "That fixed it" and "I still need help".
func (h *Handlers) onSelfHelp(ctx context.Context, cb slack.InteractionCallback, action *slack.BlockAction) (*bot.Reply, error) {
	pressedT, refusal, err := h.pressedTicket(ctx, action.Value)
	if pressedT == nil {
		return refusal, err
	}
	n := pressedT.Number
	fixed := action.ActionID == ActionSelfHelpFixed
	for range 3 {
		t, conv, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return &bot.Reply{Text: "I can't find that ticket any more."}, nil
		}
		if err != nil {
			return nil, err
		}
		if t.Requester != cb.User.ID {
			return &bot.Reply{Text: fmt.Sprintf("Only the person who reported %s can answer.", h.id(n))}, nil
		}
		if t.Status != ticket.StatusTriage || conv == nil || conv.Asked != askedSelfHelp {
			return &bot.Reply{Text: "That has been answered already."}, nil
		}
		now := h.clock.Now()
		t.UpdatedAt = now
		change := store.Change{Ticket: t, Once: fmt.Sprintf("press:%d:selfhelp", n)}
		if fixed {
			t.Status, t.Resolution, t.ResolvedAt = ticket.StatusResolved, ticket.ResolutionSelfServed, now
			change.Events = []ticket.Event{{At: now, Actor: t.Requester, Kind: ticket.EventSelfServed}}
		} else {
			next := h.openQuestions(draftOf(t), conv.Pending)
			change.Events = []ticket.Event{{At: now, Actor: t.Requester, Kind: ticket.EventAnswered, Text: "self-help: still needs help"}}
			if len(next) == 0 {
				t.Status = ticket.StatusOpen
				change.Events = append(change.Events, ticket.Event{At: now, Actor: "carebot", Kind: ticket.EventRouted, Text: t.Priority.String()})
				change.Deadline = now.Add(routeGrace)
			} else {
				change.Conversation = &store.Conversation{Asked: next[0], Pending: next[1:], Choices: conv.Choices}
				change.Deadline = now.Add(h.cfg.TriageTimeout)
			}
		}
		switch err := h.store.Update(ctx, change); {
		case errors.Is(err, store.ErrConflict):
			continue
		case errors.Is(err, store.ErrAlreadyApplied):
			return &bot.Reply{Text: "That has been answered already."}, nil
		case err != nil:
			return nil, err
		}
		outcome := "more_help"
		if fixed {
			outcome = "fixed"
		}
		h.metrics.SelfHelp.WithLabelValues(outcome).Inc()
		h.log.WithFields(logrus.Fields{"ticket": h.id(n), "outcome": outcome}).Info("self-help answered")
		if fixed {
			return answered(cb, fmt.Sprintf("Glad that fixed it. I've closed *%s*; write to me again any time.", h.id(n))), nil
		}
		if err := h.continueTriage(ctx, t, change.Conversation); err != nil {
			return nil, err
		}
		return answered(cb, "OK, a person will help. A couple of questions first:"), nil
	}
	return nil, fmt.Errorf("self-help on ticket %d: %w", n, store.ErrConflict)
}

// cancelWords withdraw a report still in triage when they are the whole reply.
var cancelWords = []string{"cancel", "cancel it", "never mind", "nevermind", "nvm", "please cancel", "cancel please", "withdraw"}

func isCancel(text string) bool {
	return slices.Contains(cancelWords, strings.Trim(strings.ToLower(strings.TrimSpace(text)), ".!"))
}

// cancel withdraws a ticket still in triage.
func (h *Handlers) cancel(ctx context.Context, t *ticket.Ticket, once string) error {
	for range 3 {
		now := h.clock.Now()
		t.Status, t.UpdatedAt = ticket.StatusCancelled, now
		err := h.store.Update(ctx, store.Change{Ticket: t, Once: once,
			Events: []ticket.Event{{At: now, Actor: t.Requester, Kind: ticket.EventCancelled}}})
		switch {
		case errors.Is(err, store.ErrConflict):
			if t, _, err = h.store.TicketAndConversation(ctx, t.Number); err != nil {
				return err
			}
			if t.Status != ticket.StatusTriage {
				return nil
			}
			continue
		case errors.Is(err, store.ErrAlreadyApplied):
			return nil
		case err != nil:
			return err
		}
		h.log.WithField("ticket", h.id(t.Number)).Info("ticket cancelled in triage")
		_, err = h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(
			fmt.Sprintf("OK, I've withdrawn *%s*. Write to me again any time.", h.id(t.Number)), false))
		return err
	}
	return fmt.Errorf("cancel ticket %d: %w", t.Number, store.ErrConflict)
}

// SweepTriage routes every ticket whose requester has not answered within
// the triage timeout, with what is known: the unknown answers count as the
// more urgent ones. Every replica may run it; each ticket is handed to one.
func (h *Handlers) SweepTriage(ctx context.Context) error {
	return h.sweep(ctx, h.store.DueTriage, triageLease, h.timeOut)
}

// silentDraft is what carebot assumes of a requester who did not answer:
// when unsure, the higher priority wins, so patient care counts as blocked;
// the scope, which only raises a priority when several units say so, counts
// as the requester's unit.
func silentDraft(d triage.Draft) triage.Draft {
	if d.Signals.Care == triage.CareUnknown {
		d = d.With(triage.AskCare, string(triage.CareBlocked))
	}
	if d.Signals.Scope == triage.ScopeUnknown {
		d = d.With(triage.AskScope, string(triage.ScopeUnit))
	}
	return d
}

// triageLease is how long a replica has to route a timed-out ticket before
// another replica may take it.
const triageLease = time.Minute

// routeGrace is how long the replica that opened a ticket has to record its
// team post. Until then the ticket stays on the deadline set; past it, the
// triage sweep routes it on any replica, so a replica that stops between
// the requester's reply and the team post loses no ticket.
const routeGrace = 30 * time.Second

// unrouted reports whether an open ticket still waits for its team post.
func (h *Handlers) unrouted(t *ticket.Ticket) bool {
	return t.Status == ticket.StatusOpen && t.TeamTS == "" &&
		t.Incident == 0 && h.teamOf(t) != nil
}

func (h *Handlers) timeOut(ctx context.Context, n int64) error {
	for range 3 {
		t, conv, err := h.store.TicketAndConversation(ctx, n)
		if ticket.IsNotFound(err) {
			return h.store.DropDue(ctx, n)
		}
		if err != nil {
			return err
		}
		now := h.clock.Now()
		if t.Status != ticket.StatusTriage {
			if h.unrouted(t) {
				// Routed by a replica that stopped before the team post was
				// recorded: route it now.
				h.log.WithField("ticket", h.id(n)).Warn("routing resumed after a stop")
				return h.route(ctx, t)
			}
			return h.store.DropDue(ctx, n) // left triage meanwhile, and routed
		}
		if conv != nil && conv.Deadline.After(now) {
			return nil // answered meanwhile: the deadline moved on
		}
		change := store.Change{Ticket: t}
		d := draftOf(t)
		h.setDraft(t, d)
		p := triage.Prioritize(silentDraft(d), h.triage)
		t.Priority, t.Reasons = p.Level, strings.Join(p.Reasons, " · ")
		if d.Signals.Care == triage.CareUnknown {
			t.Reasons = strings.Replace(t.Reasons, "patient care blocked", "no answer, so patient care counted as blocked", 1)
		}
		t.Status, t.UpdatedAt = ticket.StatusOpen, now
		change.Deadline = now.Add(routeGrace)
		change.Events = []ticket.Event{{At: now, Actor: "carebot", Kind: ticket.EventRouted,
			Text: t.Priority.String() + ", no answer within " + h.cfg.TriageTimeout.String()}}
		switch err := h.store.Update(ctx, change); {
		case errors.Is(err, store.ErrConflict):
			continue
		case err != nil:
			return err
		}
		h.log.WithField("ticket", h.id(n)).Info("triage timed out; ticket routed")
		if _, err = h.slack.PostMessage(ctx, t.Channel, slack.MsgOptionTS(t.ThreadTS), slack.MsgOptionText(
			"I haven't heard back, so I've sent it on with what I know. "+h.routedText(ctx, t), false)); err != nil {
			return err
		}
		return h.route(ctx, t)
	}
	return fmt.Errorf("time out ticket %d: %w", n, store.ErrConflict)
}
