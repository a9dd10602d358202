package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"carebot/bot"
	"carebot/clock"
	"carebot/metrics"
	"carebot/slackfake"
	"carebot/store"
	"carebot/store/storetest"
)

// fixture runs one Bot with test routes against the Slack stand-in.
type fixture struct {
	t       *testing.T
	fake    *slackfake.Server
	out     *bot.Slack
	metrics *metrics.Metrics
	bot     *bot.Bot
	cancel  context.CancelFunc
	done    chan error
}

func newFixture(t *testing.T, register func(*bot.Routes, *bot.Slack), opts bot.Options) *fixture {
	t.Helper()
	rdb, team := storetest.Redis(t)
	fake := slackfake.New(slackfake.WithTeamID(team), slackfake.WithAckTimeout(time.Second), slackfake.WithPingInterval(time.Second))
	t.Cleanup(fake.Close)
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	m := metrics.New(prometheus.NewRegistry())
	out, err := bot.NewSlack(api, http.DefaultClient, clock.Real{}, m, bot.SlackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	routes := bot.NewRoutes()
	register(routes, out)
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	if opts.Consumer == "" {
		opts.Consumer = "test"
	}
	socket := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	b, err := bot.New(socket, out, st, routes, bot.Identity{UserID: fake.BotUserID(), BotID: fake.BotID(), TeamID: team}, logger, m, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &fixture{t: t, fake: fake, out: out, metrics: m, bot: b, cancel: cancel, done: make(chan error, 1)}
	go func() { f.done <- b.Run(ctx) }()
	t.Cleanup(func() { f.stop() })
	waitFor(t, "connected", b.Connected)
	return f
}

// stop cancels the bot and returns what Run returned.
func (f *fixture) stop() error {
	f.cancel()
	select {
	case err, ok := <-f.done:
		if ok {
			close(f.done)
		}
		return err
	case <-time.After(15 * time.Second):
		f.t.Fatal("Run did not return after cancel")
		return nil
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestPanickingEventHandlerApologisesAndKeepsServing(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(r *bot.Routes, out *bot.Slack) {
		r.Event("message.im", func(ctx context.Context, ev bot.Event) error {
			m := ev.Inner.(*slackevents.MessageEvent)
			if m.Text == "boom" {
				panic("handler bug")
			}
			_, err := out.PostMessage(ctx, m.Channel, slack.MsgOptionText("ok", false), slack.MsgOptionTS(m.TimeStamp))
			return err
		})
	}, bot.Options{})

	boom := f.fake.DM("U1", "boom")
	p, err := f.fake.WaitPost(ctx(t), func(p slackfake.Post) bool { return p.ThreadTS == boom.TS })
	if err != nil || !strings.Contains(p.Text, "Sorry") {
		t.Fatalf("no apology after a panic: %+v, %v", p, err)
	}
	fine := f.fake.DM("U1", "fine")
	if _, err := f.fake.WaitPost(ctx(t), func(p slackfake.Post) bool { return p.ThreadTS == fine.TS && p.Text == "ok" }); err != nil {
		t.Fatalf("the bot stopped serving after a panic: %v", err)
	}
	if got := testutil.ToFloat64(f.metrics.HandlerPanics.WithLabelValues("message.im")); got != 1 {
		t.Errorf("panics counted = %v, want 1", got)
	}
}

func TestPanickingCommandIsAnsweredWithApology(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Command("/ticket", func(context.Context, slack.SlashCommand) (*bot.Reply, error) { panic("bug") })
	}, bot.Options{})
	env := f.fake.SlashCommand("/ticket", "show 1", "U1", "C1")
	ack, err := f.fake.WaitAck(ctx(t), env.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "Sorry") {
		t.Errorf("ack payload = %s, want an apology", ack.Payload)
	}
}

func TestSlowCommandIsAckedInTimeAndAnsweredThroughResponseURL(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Command("/ticket", func(ctx context.Context, _ slack.SlashCommand) (*bot.Reply, error) {
			<-release
			return &bot.Reply{Text: "slow answer"}, nil
		})
	}, bot.Options{ReplyWait: 100 * time.Millisecond})
	env := f.fake.SlashCommand("/ticket", "list", "U1", "C1")
	ack, err := f.fake.WaitAck(ctx(t), env.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.Payload) != 0 && string(ack.Payload) != "null" {
		t.Errorf("slow command acked with payload %s, want a bare ack", ack.Payload)
	}
	close(release)
	waitFor(t, "the response_url reply", func() bool {
		for _, p := range f.fake.ResponseURLPosts() {
			if p.Text == "slow answer" {
				return true
			}
		}
		return false
	})
}

func TestOneUsersEventsAreHandledInOrder(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Event("message.im", func(ctx context.Context, ev bot.Event) error {
			m := ev.Inner.(*slackevents.MessageEvent)
			if m.Text == "0" {
				time.Sleep(50 * time.Millisecond) // a slow first message must not be overtaken
			}
			mu.Lock()
			got = append(got, m.User+":"+m.Text)
			mu.Unlock()
			return nil
		})
	}, bot.Options{Workers: 4})
	const n = 20
	for i := range n {
		f.fake.DM("U1", string(rune('0'+i%10)))
	}
	waitFor(t, "all events handled", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == n })
	mu.Lock()
	defer mu.Unlock()
	for i, g := range got {
		if want := "U1:" + string(rune('0'+i%10)); g != want {
			t.Fatalf("event %d handled as %q, want %q (order: %v)", i, g, want, got)
		}
	}
}

func TestShutdownFinishesInFlightWork(t *testing.T) {
	t.Parallel()
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Event("message.im", func(ctx context.Context, ev bot.Event) error {
			close(started)
			<-release
			close(finished)
			return nil
		})
	}, bot.Options{Drain: 5 * time.Second})
	f.fake.DM("U1", "printer")
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- f.stop() }()
	select {
	case <-stopped:
		t.Fatal("Run returned while a handler was still working")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Run = %v", err)
	}
	select {
	case <-finished:
	default:
		t.Fatal("the in-flight handler did not finish")
	}
}

func TestShutdownCancelsWorkPastTheDrainCap(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Event("message.im", func(ctx context.Context, ev bot.Event) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
	}, bot.Options{Drain: 200 * time.Millisecond})
	f.fake.DM("U1", "printer")
	<-started
	if err := f.stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
}

func TestRoutesRejectDuplicates(t *testing.T) {
	t.Parallel()
	r := bot.NewRoutes()
	h := func(context.Context, bot.Event) error { return nil }
	r.Event("message.im", h)
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	r.Event("message.im", h)
	if r.Err() == nil || !strings.Contains(r.Err().Error(), "message.im") {
		t.Fatalf("duplicate route error = %v", r.Err())
	}
}

func TestAckPayloadOfReply(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Command("/oncall", func(context.Context, slack.SlashCommand) (*bot.Reply, error) {
			return &bot.Reply{Text: "on call: <@U2>", InChannel: true}, nil
		})
	}, bot.Options{})
	env := f.fake.SlashCommand("/oncall", "", "U1", "C1")
	ack, err := f.fake.WaitAck(ctx(t), env.ID)
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(ack.Payload, &p); err != nil {
		t.Fatal(err)
	}
	if p["text"] != "on call: <@U2>" || p["response_type"] != "in_channel" {
		t.Errorf("ack payload = %v", p)
	}
	if _, hasBlocks := p["blocks"]; hasBlocks {
		t.Error("a reply without blocks was acked with a blocks field")
	}
}

func TestFailedEventIsRetriedThenGivenUpWithApology(t *testing.T) {
	t.Parallel()
	t.Run("retried until it succeeds", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		calls := 0
		f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
			r.Event("message.im", func(context.Context, bot.Event) error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == 1 {
					return errors.New("redis blip")
				}
				return nil
			})
		}, bot.Options{ClaimIdle: 100 * time.Millisecond, ClaimEvery: 20 * time.Millisecond})
		f.fake.DM("U1", "printer")
		waitFor(t, "the second try", func() bool { mu.Lock(); defer mu.Unlock(); return calls == 2 })
		time.Sleep(300 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		if calls != 2 {
			t.Errorf("handler called %d times, want 2 (no more once it succeeded)", calls)
		}
	})
	t.Run("given up after GiveUpAfter, with an apology", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
			r.Event("message.im", func(context.Context, bot.Event) error { return errors.New("always") })
		}, bot.Options{GiveUpAfter: time.Nanosecond})
		m := f.fake.DM("U1", "printer")
		p, err := f.fake.WaitPost(ctx(t), func(p slackfake.Post) bool { return p.ThreadTS == m.TS })
		if err != nil || !strings.Contains(p.Text, "Sorry") {
			t.Fatalf("no apology for an event given up: %+v, %v", p, err)
		}
	})
}

func TestOtherBotsEditsAndDeletionsAreNotStored(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var handled []string
	f := newFixture(t, func(r *bot.Routes, _ *bot.Slack) {
		r.Event("message.im", func(_ context.Context, ev bot.Event) error {
			mu.Lock()
			defer mu.Unlock()
			handled = append(handled, ev.Inner.(*slackevents.MessageEvent).Text)
			return nil
		})
	}, bot.Options{})
	base := map[string]any{"type": "message", "channel_type": "im", "channel": "DU1", "ts": "1.1", "event_ts": "1.1"}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	events := []map[string]any{
		with("user", "U2", "bot_id", "B0OTHER", "text", "other bot"),
		with("subtype", "bot_message", "bot_id", "B0OLD", "text", "classic integration"),
		with("subtype", "message_changed", "hidden", true, "message", map[string]any{"text": "edited", "user": "U1"}),
		with("subtype", "message_deleted", "hidden", true, "deleted_ts", "1.0"),
		with("user", f.fake.BotUserID(), "text", "my own words"),
		with("user", "U1", "text", "a real report", "ts", "2.2"),
	}
	for _, e := range events {
		id := f.fake.SendEvent(e)
		if _, err := f.fake.WaitEventAck(ctx(t), id); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the real report", func() bool { mu.Lock(); defer mu.Unlock(); return len(handled) > 0 })
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 || handled[0] != "a real report" {
		t.Fatalf("handled %q; want only the real report", handled)
	}
	if got := testutil.ToFloat64(f.metrics.Envelopes.WithLabelValues("events_api", "ignored")); got != 5 {
		t.Errorf("ignored = %v, want 5", got)
	}
}
