package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// command answers a slash command. The reply goes in the ack when the
// handler answers within ReplyWait; otherwise the ack is bare, so Slack's
// 3-second deadline is kept, and the reply follows through response_url.
func (b *Bot) command(ctx context.Context, evt socketmode.Event, received time.Time) {
	const envType = socketmode.RequestTypeSlashCommands
	cmd, _ := evt.Data.(slack.SlashCommand)
	log := b.log.WithFields(logrus.Fields{"envelope": envType, "command": cmd.Command, "user": cmd.UserID})
	b.metrics.Envelopes.WithLabelValues(envType, "acked").Inc()
	defer b.hold(ctx, log, evt)()
	f := b.routes.commands[cmd.Command]
	if f == nil {
		b.ackReply(ctx, log, envType, evt.Request.EnvelopeID, cmd.ResponseURL,
			&Reply{Text: "I don't know the command " + cmd.Command + ". Try `/ticket help`."}, received)
		return
	}
	b.answer(ctx, log, envType, evt.Request.EnvelopeID, cmd.ResponseURL, received, func(ctx context.Context) (*Reply, error) {
		return f(ctx, cmd)
	})
}

// interactive answers a button press. Slack shows nothing from a block
// action's ack, so it is acked at once and any reply goes to response_url.
func (b *Bot) interactive(ctx context.Context, evt socketmode.Event, received time.Time) {
	const envType = socketmode.RequestTypeInteractive
	cb, _ := evt.Data.(slack.InteractionCallback)
	log := b.log.WithFields(logrus.Fields{"envelope": envType, "interaction": string(cb.Type), "user": cb.User.ID})
	b.metrics.Envelopes.WithLabelValues(envType, "acked").Inc()
	if cb.Type == slack.InteractionTypeBlockActions {
		defer b.hold(ctx, log, evt)()
	}
	if err := b.ack(ctx, envType, evt.Request.EnvelopeID, nil, received); err != nil {
		log.WithError(err).Warn("ack not sent")
	}
	b.actions(ctx, log, cb)
}

// actions runs the handlers of a button press's actions and answers each
// through response_url.
func (b *Bot) actions(ctx context.Context, log logrus.FieldLogger, cb slack.InteractionCallback) {
	const envType = socketmode.RequestTypeInteractive
	if cb.Type != slack.InteractionTypeBlockActions {
		return
	}
	for _, action := range cb.ActionCallback.BlockActions {
		f := b.routes.actions[action.ActionID]
		if f == nil {
			log.WithField("action", action.ActionID).Warn("no route for action")
			continue
		}
		alog := log.WithField("action", action.ActionID)
		hctx, cancel := context.WithTimeout(ctx, b.opts.HandlerTimeout)
		var reply *Reply
		err, panicked := b.safely(alog, envType, func() error {
			var err error
			reply, err = f(hctx, cb, action)
			return err
		})
		cancel()
		if err != nil {
			if !panicked {
				b.metrics.HandlerErrors.WithLabelValues(envType).Inc()
				alog.WithError(err).Error("action failed")
			}
			reply = &Reply{Text: apology}
		}
		b.respond(ctx, alog, cb.ResponseURL, reply)
	}
}

// answer runs f and delivers its reply in the ack if it is ready within
// ReplyWait, else through response_url.
func (b *Bot) answer(ctx context.Context, log logrus.FieldLogger, envType, envelopeID, responseURL string,
	received time.Time, f func(context.Context) (*Reply, error)) {
	done := make(chan *Reply, 1)
	go func() {
		hctx, cancel := context.WithTimeout(ctx, b.opts.HandlerTimeout)
		defer cancel()
		var reply *Reply
		err, panicked := b.safely(log, envType, func() error {
			var err error
			reply, err = f(hctx)
			return err
		})
		if err != nil {
			if !panicked {
				b.metrics.HandlerErrors.WithLabelValues(envType).Inc()
				log.WithError(err).Error("command failed")
			}
			reply = &Reply{Text: apology}
		}
		done <- reply
	}()
	wait := time.NewTimer(max(0, b.opts.ReplyWait-time.Since(received)))
	defer wait.Stop()
	select {
	case reply := <-done:
		b.ackReply(ctx, log, envType, envelopeID, responseURL, reply, received)
	case <-wait.C:
		if err := b.ack(ctx, envType, envelopeID, nil, received); err != nil {
			log.WithError(err).Warn("ack not sent")
		}
		b.respond(ctx, log, responseURL, <-done)
	}
}

// ackReply acks with reply as the payload; a reply too large for an ack
// (Slack drops acks of 20 KB or more) is acked bare and sent to response_url.
func (b *Bot) ackReply(ctx context.Context, log logrus.FieldLogger, envType, envelopeID, responseURL string, reply *Reply, received time.Time) {
	var payload any
	if reply != nil {
		payload = reply.ackPayload()
	}
	if err := b.ack(ctx, envType, envelopeID, payload, received); err != nil {
		if payload == nil {
			log.WithError(err).Warn("ack not sent")
			return
		}
		if err := b.ack(ctx, envType, envelopeID, nil, received); err != nil {
			log.WithError(err).Warn("ack not sent")
			return
		}
		b.respond(ctx, log, responseURL, reply)
	}
}

func (b *Bot) respond(ctx context.Context, log logrus.FieldLogger, responseURL string, reply *Reply) {
	if reply == nil || responseURL == "" {
		return
	}
	if err := b.out.Respond(ctx, responseURL, reply); err != nil {
		log.WithError(err).Warn("reply to response_url failed")
	}
}

// heldGrace is how long past its handler's time limit a held command or
// press waits before another replica handles it again.
const heldGrace = 10 * time.Second

// hold keeps the envelope in Redis while it is handled and returns what
// releases it. If it cannot be held, it is handled all the same: holding
// only covers a stop of this replica.
func (b *Bot) hold(ctx context.Context, log logrus.FieldLogger, evt socketmode.Event) (release func()) {
	id := evt.Request.EnvelopeID
	payload, err := b.heldPayload(evt)
	if err != nil {
		log.WithError(err).Warn("not held; a stop now would lose it")
		return func() {}
	}
	hctx, cancel := context.WithTimeout(ctx, b.opts.AcceptTimeout)
	defer cancel()
	if err := b.inbox.Hold(hctx, id, evt.Request.Type, payload, time.Now().Add(b.opts.HandlerTimeout+heldGrace)); err != nil {
		log.WithError(err).Warn("not held; a stop now would lose it")
		return func() {}
	}
	return func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.AcceptTimeout)
		defer cancel()
		if err := b.inbox.Release(rctx, id); err != nil {
			log.WithError(err).Warn("handled, but not released; it may be handled again")
		}
	}
}

// heldPayload is what is kept of an envelope while it is handled: a slash
// command's words pass the Guard first, so no patient identifier typed after
// /ticket reaches Redis. (Button presses carry carebot's own messages, built
// from redacted tickets.)
func (b *Bot) heldPayload(evt socketmode.Event) ([]byte, error) {
	if evt.Request.Type != socketmode.RequestTypeSlashCommands || b.opts.Guard == nil {
		return evt.Request.Payload, nil
	}
	var fields map[string]any
	if err := json.Unmarshal(evt.Request.Payload, &fields); err != nil {
		return nil, fmt.Errorf("read command payload: %w", err)
	}
	if text, ok := fields["text"].(string); ok {
		fields["text"], _ = b.opts.Guard(text)
	}
	return json.Marshal(fields)
}

// redoHeld handles again the commands and presses that a stopped replica
// held and never released, answering through their response_url.
func (b *Bot) redoHeld(ctx context.Context) {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	held, err := b.inbox.DueHeld(dctx, time.Now(), b.opts.HandlerTimeout+heldGrace, 16)
	cancel()
	if err != nil {
		b.log.WithError(err).Warn("held commands not read")
		return
	}
	for _, h := range held {
		log := b.log.WithFields(logrus.Fields{"envelope": h.Kind, "held": h.ID})
		log.Info("handling a command or press a stopped replica left")
		switch h.Kind {
		case socketmode.RequestTypeSlashCommands:
			var cmd slack.SlashCommand
			if err := json.Unmarshal(h.Payload, &cmd); err != nil {
				log.WithError(err).Warn("held command not readable; dropped")
				break
			}
			if f := b.routes.commands[cmd.Command]; f != nil {
				hctx, hcancel := context.WithTimeout(ctx, b.opts.HandlerTimeout)
				var reply *Reply
				err, panicked := b.safely(log, h.Kind, func() error {
					var err error
					reply, err = f(hctx, cmd)
					return err
				})
				hcancel()
				if err != nil {
					if !panicked {
						b.metrics.HandlerErrors.WithLabelValues(h.Kind).Inc()
						log.WithError(err).Error("command failed")
					}
					reply = &Reply{Text: apology}
				}
				b.respond(ctx, log, cmd.ResponseURL, reply)
			}
		case socketmode.RequestTypeInteractive:
			var cb slack.InteractionCallback
			if err := json.Unmarshal(h.Payload, &cb); err != nil {
				log.WithError(err).Warn("held press not readable; dropped")
				break
			}
			b.actions(ctx, log, cb)
		}
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.AcceptTimeout)
		if err := b.inbox.Release(rctx, h.ID); err != nil {
			log.WithError(err).Warn("handled, but not released; it may be handled again")
		}
		rcancel()
	}
}
