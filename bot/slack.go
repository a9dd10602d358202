package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"carebot/clock"
	"carebot/metrics"
)

// Slack is the outbound Web API client every part of carebot posts through.
// It paces posts to about one a second per channel (short bursts allowed), waits out every 429's
// Retry-After, retries calls that are safe to repeat, and never repeats a
// chat.postMessage whose outcome is unknown (that could double a post).
type Slack struct {
	api     *slack.Client
	http    *http.Client
	clock   clock.Clock
	metrics *metrics.Metrics
	opts    SlackOptions

	mu      sync.Mutex
	next    map[string]time.Time // channel -> earliest time of its next post
	blocked map[string]time.Time // method -> end of the last Retry-After
}

// SlackOptions tune the client; a zero field takes its default.
type SlackOptions struct {
	// PostInterval is the average pause between two posts to one channel
	// (1s); PostBurst posts may go at once before it applies (3), as Slack
	// allows short bursts.
	PostInterval time.Duration
	PostBurst    int
	// MaxAttempts bounds the tries of one call, including the first (4).
	MaxAttempts int
	// MaxRetryAfter caps how long one 429 makes a call wait (60s); a longer
	// wait fails the call rather than block a worker for minutes.
	MaxRetryAfter time.Duration
	// Backoff is the first pause before retrying a server error (250ms); it
	// doubles each try.
	Backoff time.Duration
}

// NewSlack wraps api. httpClient is used for response_url replies.
func NewSlack(api *slack.Client, httpClient *http.Client, clk clock.Clock, m *metrics.Metrics, opts SlackOptions) (*Slack, error) {
	if api == nil || httpClient == nil || clk == nil || m == nil {
		return nil, errors.New("bot: NewSlack needs an API client, an HTTP client, a clock and metrics")
	}
	if opts.PostInterval <= 0 {
		opts.PostInterval = time.Second
	}
	if opts.PostBurst <= 0 {
		opts.PostBurst = 3
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 4
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = time.Minute
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 250 * time.Millisecond
	}
	return &Slack{api: api, http: httpClient, clock: clk, metrics: m, opts: opts,
		next: map[string]time.Time{}, blocked: map[string]time.Time{}}, nil
}

// repeatable says whether a call may be sent again after an unknown outcome.
type repeatable bool

const (
	postOnce   repeatable = false // a repeat could double what the user sees
	repeatSafe repeatable = true
)

// call runs fn with pacing-free retries: a 429 waits its Retry-After; a
// server or network error is retried only when the call is repeatable or the
// request provably never left (the connection was refused).
func (s *Slack) call(ctx context.Context, method string, rep repeatable, fn func(context.Context) error) error {
	backoff := s.opts.Backoff
	for attempt := 1; ; attempt++ {
		// A Retry-After holds every call of the method, not only the one
		// that was told: Slack's limits are per method.
		s.mu.Lock()
		until := s.blocked[method]
		s.mu.Unlock()
		if d := until.Sub(s.clock.Now()); d > 0 {
			if err := s.clock.Sleep(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", method, err)
			}
		}
		err := fn(ctx)
		outcome, wait := s.classify(err, rep, backoff)
		s.metrics.SlackCalls.WithLabelValues(method, outcome).Inc()
		if outcome == "rate_limited" && wait > 0 {
			s.mu.Lock()
			if t := s.clock.Now().Add(wait); t.After(s.blocked[method]) {
				s.blocked[method] = t
			}
			s.mu.Unlock()
			wait = 0 // the wait happens at the top of the loop, with every other caller
		}
		if err == nil {
			return nil
		}
		if wait < 0 || attempt >= s.opts.MaxAttempts {
			return fmt.Errorf("%s: %w", method, redactURL(err))
		}
		if outcome != "rate_limited" {
			backoff *= 2
		}
		if err := s.clock.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("%s: %w", method, err)
		}
	}
}

// redactURL drops the URL from an HTTP client error: a response_url is a
// capability that lets anyone who holds it post to the channel, so it must
// not reach the logs.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

// classify names the outcome of a call and how long to wait before retrying
// it; a negative wait means do not retry.
func (s *Slack) classify(err error, rep repeatable, backoff time.Duration) (outcome string, wait time.Duration) {
	if err == nil {
		return "ok", -1
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		if rl.RetryAfter > s.opts.MaxRetryAfter {
			return "rate_limited", -1
		}
		return "rate_limited", max(rl.RetryAfter, 100*time.Millisecond)
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code >= 500 {
		if rep == repeatSafe {
			return "server_error", backoff
		}
		return "server_error", -1
	}
	var ser slack.SlackErrorResponse
	if errors.As(err, &ser) {
		return "error", -1
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return "network", -1
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return "network", backoff // nothing was sent, so a retry cannot double it
	}
	if rep == repeatSafe {
		return "network", backoff
	}
	return "network", -1
}

// pace waits until channel may take another post, and books it: a
// generic cell rate (GCRA) per channel, one post per PostInterval on
// average with up to PostBurst at once. s.next holds each channel's
// theoretical arrival time: when the next post would be due at the average
// rate.
func (s *Slack) pace(ctx context.Context, channel string) error {
	now := s.clock.Now()
	s.mu.Lock()
	tat := s.next[channel]
	if tat.Before(now) {
		tat = now
	}
	slot := tat.Add(-time.Duration(s.opts.PostBurst-1) * s.opts.PostInterval)
	if slot.Before(now) {
		slot = now
	}
	s.next[channel] = tat.Add(s.opts.PostInterval)
	if len(s.next) > 10000 {
		for ch, t := range s.next {
			if t.Before(now) {
				delete(s.next, ch)
			}
		}
	}
	s.mu.Unlock()
	return s.clock.Sleep(ctx, slot.Sub(now))
}

// PostMessage posts to channel (in a thread with slack.MsgOptionTS) and
// returns the new message's ts.
func (s *Slack) PostMessage(ctx context.Context, channel string, opts ...slack.MsgOption) (string, error) {
	if err := s.pace(ctx, channel); err != nil {
		return "", fmt.Errorf("chat.postMessage: %w", err)
	}
	var ts string
	err := s.call(ctx, "chat.postMessage", postOnce, func(ctx context.Context) error {
		var err error
		_, ts, err = s.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}

// UpdateMessage replaces the message at (channel, ts).
func (s *Slack) UpdateMessage(ctx context.Context, channel, ts string, opts ...slack.MsgOption) error {
	return s.call(ctx, "chat.update", repeatSafe, func(ctx context.Context) error {
		_, _, _, err := s.api.UpdateMessageContext(ctx, channel, ts, opts...)
		return err
	})
}

// PostEphemeral shows a message to user alone in channel.
func (s *Slack) PostEphemeral(ctx context.Context, channel, user string, opts ...slack.MsgOption) error {
	return s.call(ctx, "chat.postEphemeral", postOnce, func(ctx context.Context) error {
		_, err := s.api.PostEphemeralContext(ctx, channel, user, opts...)
		return err
	})
}

// AddReaction adds emoji name to the message at (channel, ts). A reaction
// that is already there counts as success.
func (s *Slack) AddReaction(ctx context.Context, name, channel, ts string) error {
	return s.call(ctx, "reactions.add", repeatSafe, func(ctx context.Context) error {
		err := s.api.AddReactionContext(ctx, name, slack.ItemRef{Channel: channel, Timestamp: ts})
		var ser slack.SlackErrorResponse
		if errors.As(err, &ser) && ser.Err == "already_reacted" {
			return nil
		}
		return err
	})
}

// PublishHome publishes user's App Home view.
func (s *Slack) PublishHome(ctx context.Context, user string, view slack.HomeTabViewRequest) error {
	return s.call(ctx, "views.publish", repeatSafe, func(ctx context.Context) error {
		_, err := s.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view})
		return err
	})
}

// AuthTest asks Slack who the bot is.
func (s *Slack) AuthTest(ctx context.Context) (*slack.AuthTestResponse, error) {
	var res *slack.AuthTestResponse
	err := s.call(ctx, "auth.test", repeatSafe, func(ctx context.Context) error {
		var err error
		res, err = s.api.AuthTestContext(ctx)
		return err
	})
	return res, err
}

// Respond posts msg to a slash command's or button's response_url.
func (s *Slack) Respond(ctx context.Context, responseURL string, r *Reply) error {
	wm := &slack.WebhookMessage{Text: r.Text, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: r.ReplaceOriginal}
	if r.InChannel {
		wm.ResponseType = slack.ResponseTypeInChannel
	}
	if len(r.Blocks) > 0 {
		wm.Blocks = &slack.Blocks{BlockSet: r.Blocks}
	}
	return s.call(ctx, "response_url", postOnce, func(ctx context.Context) error {
		return slack.PostWebhookCustomHTTPContext(ctx, responseURL, s.http, wm)
	})
}

// ThreadReplies returns up to 200 messages of the thread at (channel, ts),
// oldest first, the parent included.
func (s *Slack) ThreadReplies(ctx context.Context, channel, ts string) ([]slack.Message, error) {
	var msgs []slack.Message
	err := s.call(ctx, "conversations.replies", repeatSafe, func(ctx context.Context) error {
		var err error
		msgs, _, _, err = s.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: ts, Limit: 200,
		})
		return err
	})
	return msgs, err
}

// OpenDM opens (or finds) the direct-message channel with user.
func (s *Slack) OpenDM(ctx context.Context, user string) (string, error) {
	var channel string
	err := s.call(ctx, "conversations.open", repeatSafe, func(ctx context.Context) error {
		ch, _, _, err := s.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		if err == nil {
			channel = ch.ID
		}
		return err
	})
	return channel, err
}

// Permalink returns the link to the message at (channel, ts).
func (s *Slack) Permalink(ctx context.Context, channel, ts string) (string, error) {
	var link string
	err := s.call(ctx, "chat.getPermalink", repeatSafe, func(ctx context.Context) error {
		var err error
		link, err = s.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: channel, Ts: ts})
		return err
	})
	return link, err
}

// UserGroupMembers lists the user IDs in a user group.
func (s *Slack) UserGroupMembers(ctx context.Context, group string) ([]string, error) {
	var members []string
	err := s.call(ctx, "usergroups.users.list", repeatSafe, func(ctx context.Context) error {
		var err error
		members, err = s.api.GetUserGroupMembersContext(ctx, group)
		return err
	})
	return members, err
}
