package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"carebot/store"
)

// apology is what a user sees when a handler fails in a way they cannot fix.
const apology = "Sorry, something went wrong on my side while handling that. " +
	"Please try again in a minute; if patient care is waiting, call the service desk."

// consume reads the inbox until ctx is done and hands each event to a worker.
// Events of one user go to the same worker, which handles them in order.
func (b *Bot) consume(ctx, workCtx context.Context) {
	lanes := make([]chan task, b.opts.Workers)
	hand := &inHand{ids: map[string]bool{}}
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan task, 16)
		wg.Go(func() {
			for t := range lanes[i] {
				b.process(workCtx, t)
				hand.drop(t.entry.ID)
			}
		})
	}
	// Entries queued or in work here must not look abandoned to other
	// replicas, however long Slack makes them wait or a full lane holds the
	// reader up: they are touched on a clock of their own, until the workers
	// have drained.
	touchCtx, stopTouch := context.WithCancel(workCtx)
	touched := make(chan struct{})
	go func() { defer close(touched); b.touchLoop(touchCtx, hand) }()
	defer func() {
		for _, l := range lanes {
			close(l)
		}
		wg.Wait()
		stopTouch()
		<-touched
	}()

	nextClaim, nextPrune := time.Now(), time.Now()
	for ctx.Err() == nil {
		var entries []store.InboxEntry
		var err error
		now := time.Now()
		if !now.Before(nextPrune) {
			// Replicas that crashed never left the group; their consumers,
			// once emptied by take-overs, are removed after a day.
			nextPrune = now.Add(10 * time.Minute)
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if _, err := b.inbox.PruneConsumers(pctx, 24*time.Hour); err != nil {
				b.log.WithError(err).Warn("inbox consumers not pruned")
			}
			cancel()
		}
		if !now.Before(nextClaim) {
			nextClaim = now.Add(b.opts.ClaimEvery)
			b.redoHeld(workCtx)
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			entries, err = b.inbox.ClaimStale(cctx, b.opts.Consumer, b.opts.ClaimIdle, 64)
			cancel()
			if err == nil && len(entries) > 0 {
				b.log.WithField("count", len(entries)).Info("took over unfinished events")
			}
		}
		if err == nil && len(entries) == 0 {
			entries, err = b.inbox.ReadInbox(ctx, b.opts.Consumer, 32, time.Second)
		}
		if err != nil {
			if ctx.Err() == nil {
				b.log.WithError(err).Warn("inbox read failed; retrying")
				select {
				case <-ctx.Done():
				case <-time.After(time.Second):
				}
			}
			continue
		}
		for _, e := range entries {
			hand.add(e.ID)
			t := task{entry: e}
			t.ev, t.err = decode(e.Payload)
			select {
			case lanes[laneOf(userOf(t.ev.Inner), e.EventID, len(lanes))] <- t:
			case <-ctx.Done():
				return // entries read but not handed out stay pending and are taken over later
			}
		}
	}
}

// touchLoop touches the entries in hand every ClaimIdle/3 until ctx is done.
func (b *Bot) touchLoop(ctx context.Context, hand *inHand) {
	tick := time.NewTicker(b.opts.ClaimIdle / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := b.inbox.Touch(tctx, b.opts.Consumer, hand.list()...); err != nil {
			b.log.WithError(err).Warn("inbox entries in hand not touched")
		}
		cancel()
	}
}

// inHand is the set of inbox entries this replica has read and not finished.
type inHand struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (h *inHand) add(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids[id] = true
}

func (h *inHand) drop(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.ids, id)
}

func (h *inHand) list() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.ids))
	for id := range h.ids {
		out = append(out, id)
	}
	return out
}

// task is an inbox entry and the event it holds (or why it cannot be read).
type task struct {
	entry store.InboxEntry
	ev    Event
	err   error
}

// decode parses a stored event_callback payload.
func decode(payload []byte) (Event, error) {
	outer, err := slackevents.ParseEvent(payload, slackevents.OptionNoVerifyToken())
	if err != nil {
		return Event{}, err
	}
	ev, ok := eventOf(outer)
	if !ok {
		return Event{}, fmt.Errorf("not an event_callback: %s", outer.Type)
	}
	return ev, nil
}

func userOf(inner any) string {
	switch in := inner.(type) {
	case *slackevents.MessageEvent:
		return in.User
	case *slackevents.AppMentionEvent:
		return in.User
	case *slackevents.AppHomeOpenedEvent:
		return in.User
	}
	return ""
}

// process handles one inbox entry. It is removed from the inbox when the
// handler succeeds, panics (after an apology: a retry would panic again),
// or has failed for longer than GiveUpAfter; otherwise it stays pending and
// is tried again once ClaimIdle has passed.
func (b *Bot) process(ctx context.Context, t task) {
	e, ev := t.entry, t.ev
	log := b.log.WithFields(logrus.Fields{"envelope": "events_api", "event_id": e.EventID})
	if t.err != nil {
		log.WithError(t.err).Warn("stored event cannot be parsed; dropping it")
		b.finish(ctx, log, e)
		return
	}
	log = log.WithField("event", ev.Type)
	f := b.routes.events[ev.Type]
	if f == nil {
		b.finish(ctx, log, e)
		return
	}
	hctx, cancel := context.WithTimeout(ctx, b.opts.HandlerTimeout)
	err, panicked := b.safely(log, ev.Type, func() error { return f(hctx, ev) })
	cancel()
	switch {
	case panicked:
		b.apologize(ctx, log, ev)
	case err != nil:
		b.metrics.HandlerErrors.WithLabelValues(ev.Type).Inc()
		if time.Since(e.Accepted) < b.opts.GiveUpAfter {
			log.WithError(err).Warn("event handler failed; it will be retried")
			return
		}
		log.WithError(err).Error("event handler kept failing; giving up on the event")
		b.apologize(ctx, log, ev)
	}
	b.finish(ctx, log, e)
}

func (b *Bot) finish(ctx context.Context, log logrus.FieldLogger, e store.InboxEntry) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := b.inbox.Done(ctx, e.ID); err != nil {
		log.WithError(err).Warn("inbox entry not marked done; it may be handled again")
	}
}

// safely runs f, turning a panic into a logged, counted failure.
func (b *Bot) safely(log logrus.FieldLogger, kind string, f func() error) (err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			b.metrics.HandlerPanics.WithLabelValues(kind).Inc()
			// The panic value and stack name code, not message text.
			log.WithField("panic", fmt.Sprint(r)).WithField("stack", string(debug.Stack())).Error("handler panicked")
			err, panicked = fmt.Errorf("handler panicked: %v", r), true
		}
	}()
	return f(), false
}

// apologize tells the author of a message event that it was not handled.
func (b *Bot) apologize(ctx context.Context, log logrus.FieldLogger, ev Event) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.HandlerTimeout)
	defer cancel()
	var channel, thread string
	switch in := ev.Inner.(type) {
	case *slackevents.MessageEvent:
		channel, thread = in.Channel, threadOf(in.ThreadTimeStamp, in.TimeStamp)
	case *slackevents.AppMentionEvent:
		channel, thread = in.Channel, threadOf(in.ThreadTimeStamp, in.TimeStamp)
	default:
		return
	}
	if _, err := b.out.PostMessage(ctx, channel, slack.MsgOptionText(apology, false), slack.MsgOptionTS(thread)); err != nil {
		log.WithError(err).Warn("apology not posted")
	}
}

func threadOf(threadTS, ts string) string {
	if threadTS != "" {
		return threadTS
	}
	return ts
}
