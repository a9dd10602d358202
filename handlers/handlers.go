// Package handlers translates between Slack and carebot's domain: one file
// per Slack surface. It registers itself in the bot's routing table.
package handlers

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/clock"
	"carebot/config"
	"carebot/metrics"
	"carebot/store"
	"carebot/ticket"
	"carebot/triage"
)

// Store is what handlers need of the store. Errors other than *ticket.Error
// are internal: the handler returns them and the event is retried.
type Store interface {
	CreateTicket(ctx context.Context, t *ticket.Ticket, first ticket.Event) (*ticket.Ticket, bool, error)
	CreateOpen(ctx context.Context, t *ticket.Ticket, first ticket.Event, routeBy time.Time) (*ticket.Ticket, bool, error)
	CreateInTriage(ctx context.Context, t *ticket.Ticket, first ticket.Event, conv *store.Conversation, deadline time.Time) (*ticket.Ticket, bool, error)
	TicketInThread(ctx context.Context, channel, threadTS string) (*ticket.Ticket, *store.Conversation, error)
	TicketAndConversation(ctx context.Context, n int64) (*ticket.Ticket, *store.Conversation, error)
	// Update returns store.ErrConflict when the ticket changed since it was
	// read (read again and decide again) and store.ErrAlreadyApplied for a
	// repeated message or press (nothing to do).
	Update(ctx context.Context, c store.Change) error
	DueTriage(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error)
	Claim(ctx context.Context, n int64, user string, at time.Time) (store.ClaimResult, *ticket.Ticket, error)
	DropDue(ctx context.Context, n int64) error
	DueEscalations(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error)
	DropEscalation(ctx context.Context, n int64) error
	Resolve(ctx context.Context, n int64, user, note string, at time.Time) (store.ResolveResult, *ticket.Ticket, error)
	AddOverride(ctx context.Context, team string, o store.Override, now time.Time) error
	Active(ctx context.Context) (open, claimed []*ticket.Ticket, err error)
	WatchResolve(ctx context.Context, n int64, at time.Time, keep bool) error
	DueResolveBreaches(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]int64, error)
	DropResolveWatch(ctx context.Context, n int64) error
	Overrides(ctx context.Context, team string, now time.Time) ([]store.Override, error)
	AddFollowUp(ctx context.Context, channel, threadTS, ts string, ev ticket.Event) (store.FollowUpResult, *ticket.Ticket, error)
	SetReplyTS(ctx context.Context, n int64, ts string) error
	Ticket(ctx context.Context, n int64) (*ticket.Ticket, error)
	Events(ctx context.Context, n int64) ([]ticket.Event, error)
	TicketsOf(ctx context.Context, user string, limit int) ([]*ticket.Ticket, error)
	TicketsFor(ctx context.Context, start, end time.Time) ([]*ticket.Ticket, error)
	LastSummary(ctx context.Context, fallback time.Time) (time.Time, error)
	TakeSummary(ctx context.Context, boundary time.Time, holder string, lease time.Duration) (store.SummaryState, error)
	FinishSummary(ctx context.Context, boundary time.Time, keep time.Duration) error
	ReleaseSummary(ctx context.Context, boundary time.Time, holder string) error
	DeleteClosedBefore(ctx context.Context, cutoff time.Time, limit int) (int, error)
	ObserveReport(ctx context.Context, n int64, unit string, ks []store.OutageKey, at time.Time, rule store.OutageRule) (*store.Incident, *store.Suggestion, error)
	OpenIncident(ctx context.Context, ks []store.OutageKey) (*store.Incident, error)
	DeclareIncident(ctx context.Context, id int64, user string, at time.Time) (store.Declaration, error)
	DismissSuggestion(ctx context.Context, id int64, user string) (*store.Suggestion, error)
	ResolveIncident(ctx context.Context, n int64, user, note string, at time.Time) (*store.Incident, []*ticket.Ticket, bool, error)
}

var _ Store = (*store.Store)(nil)

// Slack is what handlers need of the outbound Slack client.
type Slack interface {
	PostMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (string, error)
	PostEphemeral(ctx context.Context, channel, user string, opts ...slack.MsgOption) error
	AddReaction(ctx context.Context, name, channel, ts string) error
	ThreadReplies(ctx context.Context, channel, ts string) ([]slack.Message, error)
	UpdateMessage(ctx context.Context, channel, ts string, opts ...slack.MsgOption) error
	OpenDM(ctx context.Context, user string) (string, error)
	Permalink(ctx context.Context, channel, ts string) (string, error)
	UserGroupMembers(ctx context.Context, group string) ([]string, error)
	PublishHome(ctx context.Context, user string, view slack.HomeTabViewRequest) error
}

var _ Slack = (*bot.Slack)(nil)

// The Slack identifiers handlers route on; the app manifest in deploy/ must
// name the same events and commands.
const (
	EventDirectMessage  = "message.im"
	EventChannelMessage = "message.channels"
	EventMention        = "app_mention"
	EventHomeOpened     = "app_home_opened"

	CommandTicket = "/ticket"
	CommandOnCall = "/oncall"
)

// Handlers serve every Slack surface carebot has.
type Handlers struct {
	store   Store
	slack   Slack
	cfg     *config.Config
	triage  triage.Options
	intake  map[string]bool
	botUser string
	clock   clock.Clock
	log     logrus.FieldLogger
	metrics *metrics.Metrics
	group   groupMembers // specialists_group, cached
	replica string       // names this replica when it holds a job's lease
	// background is work that outlives its handler: telling every
	// requester of an incident.
	background sync.WaitGroup
	posters    posters // one per team channel, off the workers
}

// New returns the handlers. botUserID is the bot's own user ID, so mentions
// of it can be taken out of a report.
func New(st Store, sl Slack, cfg *config.Config, botUserID string, clk clock.Clock, log logrus.FieldLogger, m *metrics.Metrics) (*Handlers, error) {
	if st == nil || sl == nil || cfg == nil || clk == nil || log == nil || m == nil {
		return nil, errors.New("handlers: New needs a store, a Slack client, config, a clock, a logger and metrics")
	}
	h := &Handlers{store: st, slack: sl, cfg: cfg, botUser: botUserID, clock: clk, log: log, metrics: m, intake: map[string]bool{}, replica: newReplicaID()}
	for _, ch := range cfg.IntakeChannels {
		h.intake[ch] = true
	}
	h.triage = TriageOptions(cfg)
	return h, nil
}

// TriageOptions gives triage the parts of the configuration it reads.
func TriageOptions(cfg *config.Config) triage.Options {
	o := triage.Options{Units: cfg.Units, Keywords: map[ticket.Category][]string{}, Impacts: map[ticket.Category]triage.Impact{}}
	for _, c := range cfg.Categories {
		o.Keywords[c.ID] = append(o.Keywords[c.ID], c.Keywords...)
		if c.Impact != "" {
			o.Impacts[c.ID] = triage.Impact(c.Impact)
		}
	}
	for _, s := range cfg.SelfHelp {
		o.SelfHelp = append(o.SelfHelp, triage.SelfHelpEntry{Keywords: s.Keywords, Answer: s.Answer})
	}
	return o
}

// Register adds every handler to the routing table.
func (h *Handlers) Register(r *bot.Routes) {
	r.Event(EventDirectMessage, h.onMessage)
	r.Event(EventChannelMessage, h.onMessage)
	r.Event(EventMention, h.onMention)
	r.Event(EventHomeOpened, h.onHomeOpened)
	r.Command(CommandTicket, h.onTicketCommand)
	r.Command(CommandOnCall, h.onOnCallCommand)
	for _, id := range triageActions {
		r.Action(id, h.onTriageButton)
	}
	r.Action(ActionSelfHelpFixed, h.onSelfHelp)
	r.Action(ActionClaim, h.onClaimButton)
	r.Action(ActionReopen, h.onReopenButton)
	r.Action(ActionEscalate, h.onEscalateButton)
	r.Action(ActionSelfHelpMore, h.onSelfHelp)
	r.Action(ActionDeclareIncident, h.onDeclareIncident)
	r.Action(ActionNotRelated, h.onNotRelated)
}

// Wanted is the bot's pre-filter: a plain channel message is worth storing
// only in an intake channel.
func (h *Handlers) Wanted(ev bot.Event) bool {
	if ev.Type != EventChannelMessage {
		return true
	}
	return h.intake[channelOf(ev.Inner)]
}

// id renders a ticket number as users see it.
func (h *Handlers) id(n int64) string { return ticket.FormatID(h.cfg.TicketPrefix, n) }

// local renders t in the configured time zone.
func (h *Handlers) local(t time.Time) string {
	return t.In(h.cfg.Location).Format("Mon 15:04")
}

// userError returns the user-safe message of a domain error, or "" for an
// internal one, which the caller returns so the edge logs it and apologises.
func userError(err error) string {
	var e *ticket.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}
