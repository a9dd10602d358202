// Package bot is carebot's Slack transport: the Socket Mode connection, the
// ack policy, de-duplication, dispatch by envelope type to the routing table,
// bounded workers, and the outbound Web API client. It holds no business
// rules; those live in handlers.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"carebot/metrics"
	"carebot/store"
)

// Inbox is the durable queue events are accepted into before they are acked.
// An error from AcceptEvent means the event may not be stored: the envelope
// is then left unacked so Slack delivers it again.
type Inbox interface {
	AcceptEvent(ctx context.Context, eventID string, payload []byte) (isNew bool, err error)
	EnsureInboxGroup(ctx context.Context) error
	ReadInbox(ctx context.Context, consumer string, count int, block time.Duration) ([]store.InboxEntry, error)
	ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]store.InboxEntry, error)
	Done(ctx context.Context, entryID string) error
	Touch(ctx context.Context, consumer string, entryIDs ...string) error
	LeaveInbox(ctx context.Context, consumer string) (bool, error)
	PruneConsumers(ctx context.Context, idle time.Duration) (int, error)
	// Hold, Release and DueHeld keep slash commands and button presses
	// while they are handled, for another replica to finish should this
	// one stop (see store.Held).
	Hold(ctx context.Context, id, kind string, payload []byte, due time.Time) error
	Release(ctx context.Context, id string) error
	DueHeld(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Held, error)
}

// laneOf picks one of n lanes for a user's work, so that one user's events
// are handled in order; events without a user spread by event ID.
func laneOf(user, eventID string, n int) int {
	key := user
	if key == "" {
		key = eventID
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// Identity is who the bot is in its workspace, from auth.test.
type Identity struct {
	UserID string
	BotID  string
	TeamID string
}

// Options tune a Bot; a zero field takes its default.
type Options struct {
	// Consumer names this replica in the inbox's consumer group; it must be
	// unique per running process.
	Consumer string
	// Workers is how many events are stored, and how many handled, at once
	// (8 each). Events of one user always go to the same worker, so they are
	// stored and handled in the order Slack sent them.
	Workers int
	// MaxInFlight bounds envelopes being accepted or commands being answered
	// at once (64).
	MaxInFlight int
	// AcceptTimeout bounds persisting one event before it is acked (2s).
	AcceptTimeout time.Duration
	// ReplyWait is how long a slash command may take to answer in its ack
	// (2s); after that it is acked bare and answered through response_url.
	ReplyWait time.Duration
	// HandlerTimeout bounds one handler call (30s).
	HandlerTimeout time.Duration
	// ClaimIdle is how long another replica's unfinished event waits before
	// this one takes it over (8s); ClaimEvery is how often to look (2s). A
	// live replica touches the events it holds every ClaimIdle/3, so only a
	// stopped replica's events go that long untouched: they are taken over
	// within ClaimIdle + ClaimEvery of the stop.
	ClaimIdle, ClaimEvery time.Duration
	// GiveUpAfter drops an event that still fails this long after it was
	// accepted (1h), so one bad event cannot retry forever.
	GiveUpAfter time.Duration
	// Guard, when set, removes patient identifiers from every reply sent in
	// an ack; GuardTransport does the same for the Web API.
	Guard Guard
	// Drain caps how long shutdown waits for in-flight work (10s).
	Drain time.Duration
	// Filter, when set, is asked before an event is stored; false acks and
	// drops it (for example a channel message outside the intake channels).
	Filter func(Event) bool
	// Scrub, when set, rewrites an event's payload before it is stored, so
	// what must never be stored (patient identifiers) never reaches Redis,
	// not even the inbox. An error drops the event (acked, counted as bad).
	Scrub func(payload []byte) ([]byte, error)
}

func (o *Options) defaults() {
	setDefault(&o.Workers, 8)
	setDefault(&o.MaxInFlight, 64)
	setDefault(&o.AcceptTimeout, 2*time.Second)
	setDefault(&o.ReplyWait, 2*time.Second)
	setDefault(&o.HandlerTimeout, 30*time.Second)
	setDefault(&o.ClaimIdle, 8*time.Second)
	setDefault(&o.ClaimEvery, 2*time.Second)
	setDefault(&o.GiveUpAfter, time.Hour)
	setDefault(&o.Drain, 10*time.Second)
}

func setDefault[T int | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

// Bot connects to Slack over Socket Mode and serves the routes.
type Bot struct {
	socket  *socketmode.Client
	out     *Slack
	inbox   Inbox
	routes  *Routes
	id      Identity
	log     logrus.FieldLogger
	metrics *metrics.Metrics
	opts    Options

	inFlight  chan struct{} // semaphore of MaxInFlight
	connected atomic.Bool
	connects  atomic.Int64
}

// New returns a Bot. socket must be built on a slack.Client that has the
// app-level token. Transport timings (deadlines, take-over of stale work)
// use the wall clock: they are about Slack's and Redis's real time.
func New(socket *socketmode.Client, out *Slack, inbox Inbox, routes *Routes, id Identity,
	log logrus.FieldLogger, m *metrics.Metrics, opts Options) (*Bot, error) {
	if socket == nil || out == nil || inbox == nil || routes == nil || log == nil || m == nil {
		return nil, errors.New("bot: New needs a socket, a Slack client, an inbox, routes, a logger and metrics")
	}
	if err := routes.Err(); err != nil {
		return nil, err
	}
	if id.UserID == "" || opts.Consumer == "" {
		return nil, errors.New("bot: New needs the bot's user ID and a consumer name")
	}
	opts.defaults()
	return &Bot{
		socket: socket, out: out, inbox: inbox, routes: routes, id: id, log: log, metrics: m, opts: opts,
		inFlight: make(chan struct{}, opts.MaxInFlight),
	}, nil
}

// Connected reports whether the Socket Mode connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// Run serves until ctx is done or Slack refuses the app token. On shutdown
// it stops taking envelopes (Slack re-delivers unacked ones to another
// replica), then waits up to Options.Drain for work in flight.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.inbox.EnsureInboxGroup(ctx); err != nil {
		return err
	}
	// Work in flight outlives ctx by at most Drain.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var work sync.WaitGroup

	sockCtx, cancelSock := context.WithCancel(ctx)
	defer cancelSock()
	sockErr := make(chan error, 1)
	go func() { sockErr <- b.socket.RunContext(sockCtx) }()

	work.Go(func() { b.consume(ctx, workCtx) })
	accepts := b.acceptLanes(workCtx, &work)
	err, sockDone := b.loop(ctx, workCtx, &work, accepts, sockErr)
	for _, l := range accepts {
		close(l)
	}
	cancelSock()
	if !sockDone {
		<-sockErr
	}
	b.connected.Store(false)

	drained := make(chan struct{})
	go func() { work.Wait(); close(drained) }()
	timer := time.NewTimer(b.opts.Drain)
	defer timer.Stop()
	select {
	case <-drained:
	case <-timer.C:
		b.log.Warn("shutdown: in-flight work did not finish in time; cancelling it")
		cancelWork()
		<-drained
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	if _, lerr := b.inbox.LeaveInbox(lctx, b.opts.Consumer); lerr != nil {
		b.log.WithError(lerr).Warn("consumer not removed from the inbox group")
	}
	cancel()
	return err
}

// loop reads the socket's events until ctx is done or the socket gives up.
func (b *Bot) loop(ctx, workCtx context.Context, work *sync.WaitGroup, accepts []chan arrival, sockErr <-chan error) (err error, sockDone bool) {
	for {
		select {
		case <-ctx.Done():
			return nil, false
		case err := <-sockErr:
			if ctx.Err() != nil {
				return nil, true
			}
			return fmt.Errorf("socket mode: %w (check SLACK_APP_TOKEN)", err), true
		case evt := <-b.socket.Events:
			if err := b.dispatch(ctx, workCtx, work, accepts, evt); err != nil {
				return err, false
			}
		}
	}
}

func (b *Bot) dispatch(ctx, workCtx context.Context, work *sync.WaitGroup, accepts []chan arrival, evt socketmode.Event) error {
	at := time.Now() // transport timings are real time, whatever clock the business rules use
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.connected.Store(false)
	case socketmode.EventTypeConnected:
		b.connected.Store(true)
		if b.connects.Add(1) > 1 {
			b.metrics.Reconnects.Inc()
		}
		b.log.Info("socket mode connected")
	case socketmode.EventTypeConnectionError:
		b.connected.Store(false)
		b.log.WithError(errorOf(evt.Data)).Warn("socket mode connection failed; retrying")
	case socketmode.EventTypeInvalidAuth:
		return errors.New("socket mode: Slack rejected SLACK_APP_TOKEN (invalid_auth)")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log.WithField("envelope", string(evt.Type)).WithError(errorOf(evt.Data)).Warn("socket mode read or write failed")
	case socketmode.EventTypeErrorBadMessage:
		b.ackUnparsable(ctx, evt)
	case socketmode.EventTypeEventsAPI:
		outer, _ := evt.Data.(slackevents.EventsAPIEvent)
		ev, _ := eventOf(outer)
		select {
		case accepts[laneOf(userOf(ev.Inner), ev.ID, len(accepts))] <- arrival{evt, at}:
		default:
			// The lane is full: Redis is slow or down. Never block the socket's
			// reader, or slash commands would miss their deadline too; leave
			// the event unacked and Slack delivers it again.
			b.metrics.Envelopes.WithLabelValues(socketmode.RequestTypeEventsAPI, "shed").Inc()
			b.log.WithField("envelope", socketmode.RequestTypeEventsAPI).Warn("accept queue full; event left unacked for Slack to deliver again")
		}
	case socketmode.EventTypeSlashCommand:
		b.spawn(workCtx, work, evt, func() { b.command(workCtx, evt, at) })
	case socketmode.EventTypeInteractive:
		b.spawn(workCtx, work, evt, func() { b.interactive(workCtx, evt, at) })
	case socketmode.EventTypeHello:
	default:
		b.log.WithField("envelope", string(evt.Type)).Debug("socket mode event ignored")
	}
	return nil
}

// arrival is an envelope and when it arrived.
type arrival struct {
	evt socketmode.Event
	at  time.Time
}

// acceptLanes starts the goroutines that store events before acking them.
// Events of one user go to one lane, so they reach the inbox in the order
// Slack sent them; different users' events are stored in parallel.
func (b *Bot) acceptLanes(ctx context.Context, work *sync.WaitGroup) []chan arrival {
	lanes := make([]chan arrival, b.opts.Workers)
	for i := range lanes {
		lanes[i] = make(chan arrival, 64)
		work.Go(func() {
			for r := range lanes[i] {
				b.acceptEvent(ctx, r.evt, r.at)
			}
		})
	}
	return lanes
}

// spawn runs f on its own goroutine if fewer than MaxInFlight commands and
// button presses are being answered. Otherwise it acks at once with a
// request to try again: Slack does not deliver a command twice, so an
// unacked one would only show the user an error.
func (b *Bot) spawn(ctx context.Context, work *sync.WaitGroup, evt socketmode.Event, f func()) {
	select {
	case b.inFlight <- struct{}{}:
	default:
		b.metrics.Envelopes.WithLabelValues(evt.Request.Type, "shed").Inc()
		busy := &Reply{Text: "I'm swamped right now and couldn't take that. Please try again in a minute; if patient care is waiting, call the service desk."}
		if err := b.ack(ctx, evt.Request.Type, evt.Request.EnvelopeID, busy.ackPayload(), time.Now()); err != nil {
			b.log.WithField("envelope", evt.Request.Type).WithError(err).Warn("ack not sent")
		}
		return
	}
	work.Go(func() {
		defer func() { <-b.inFlight }()
		f()
	})
}

func (b *Bot) ack(ctx context.Context, envType, envelopeID string, payload any, received time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, b.opts.AcceptTimeout)
	defer cancel()
	if err := b.socket.AckCtx(ctx, envelopeID, b.guardAck(payload)); err != nil {
		return err
	}
	b.metrics.AckLatency.WithLabelValues(envType).Observe(time.Since(received).Seconds())
	return nil
}

// acceptEvent stores an Events API event and then acks it. If it cannot be
// stored the envelope is not acked, so Slack delivers it again.
func (b *Bot) acceptEvent(ctx context.Context, evt socketmode.Event, received time.Time) {
	const envType = socketmode.RequestTypeEventsAPI
	req := evt.Request
	outer, _ := evt.Data.(slackevents.EventsAPIEvent)
	ev, ok := eventOf(outer)
	log := b.log.WithFields(logrus.Fields{"envelope": envType, "event": ev.Type, "retry": req.RetryAttempt})
	outcome := "accepted"
	switch {
	case !ok || ev.ID == "":
		outcome = "bad"
	case b.ignore(ev):
		outcome = "ignored"
	case b.routes.events[ev.Type] == nil:
		outcome = "unrouted"
	case b.opts.Filter != nil && !b.opts.Filter(ev):
		outcome = "ignored"
	default:
		payload := []byte(req.Payload)
		if b.opts.Scrub != nil {
			var err error
			if payload, err = b.opts.Scrub(payload); err != nil {
				log.WithError(err).Warn("event payload cannot be scrubbed; dropping it")
				outcome = "bad"
				break
			}
		}
		actx, cancel := context.WithTimeout(ctx, b.opts.AcceptTimeout)
		isNew, err := b.inbox.AcceptEvent(actx, ev.ID, payload)
		cancel()
		if err != nil {
			b.metrics.Envelopes.WithLabelValues(envType, "refused").Inc()
			log.WithError(err).Error("event not stored; leaving it unacked for Slack to deliver again")
			return
		}
		if !isNew {
			outcome = "duplicate"
		}
	}
	b.metrics.Envelopes.WithLabelValues(envType, outcome).Inc()
	if err := b.ack(ctx, envType, req.EnvelopeID, nil, received); err != nil {
		log.WithError(err).Warn("ack not sent")
		return
	}
	if outcome == "bad" || outcome == "duplicate" {
		log.WithField("outcome", outcome).Info("event acked without handling")
	}
}

// eventOf turns what slack-go parsed into an Event.
func eventOf(outer slackevents.EventsAPIEvent) (Event, bool) {
	cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok {
		return Event{}, false
	}
	ev := Event{ID: cb.EventID, TeamID: outer.TeamID, Type: outer.InnerEvent.Type, Inner: outer.InnerEvent.Data}
	if m, ok := ev.Inner.(*slackevents.MessageEvent); ok {
		ev.Type = messageSubscription(m.ChannelType)
	}
	return ev, true
}

// messageSubscription names the subscription a message event belongs to.
func messageSubscription(channelType string) string {
	switch channelType {
	case "im":
		return "message.im"
	case "group":
		return "message.groups"
	case "mpim":
		return "message.mpim"
	}
	return "message.channels"
}

// ignore reports whether an event is the bot's own, another bot's, or an
// edit, deletion or other message subtype no feature uses.
func (b *Bot) ignore(ev Event) bool {
	switch in := ev.Inner.(type) {
	case *slackevents.MessageEvent:
		switch in.SubType {
		case "", "thread_broadcast", "file_share":
		default:
			return true
		}
		return in.BotID != "" || in.User == "" || in.User == b.id.UserID
	case *slackevents.AppMentionEvent:
		return in.BotID != "" || in.User == "" || in.User == b.id.UserID
	}
	return false
}

// ackUnparsable acks an envelope slack-go could not parse, so Slack does not
// keep re-delivering it, and logs its type (never its content).
func (b *Bot) ackUnparsable(ctx context.Context, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if bad != nil {
		_ = json.Unmarshal(bad.Message, &env)
	}
	envType := env.Type
	if envType == "" {
		envType = "unknown"
	}
	b.metrics.Envelopes.WithLabelValues(envType, "bad").Inc()
	log := b.log.WithField("envelope", envType)
	if bad != nil {
		log = log.WithError(bad.Cause)
	}
	if env.EnvelopeID == "" {
		log.Warn("unparsable socket message without envelope ID dropped")
		return
	}
	if err := b.ack(ctx, envType, env.EnvelopeID, nil, time.Now()); err != nil {
		log.WithError(err).Warn("ack of unparsable envelope not sent")
		return
	}
	log.Warn("unparsable envelope acked and dropped")
}

func errorOf(data any) error {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return d.ErrorObj
	case *slack.IncomingEventError:
		return d.ErrorObj
	case *socketmode.ErrorWriteFailed:
		return d.Cause
	case error:
		return d
	}
	return fmt.Errorf("%T", data)
}
