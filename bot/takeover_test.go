package bot_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"carebot/bot"
	"carebot/clock"
	"carebot/metrics"
	"carebot/slackfake"
	"carebot/store"
	"carebot/store/storetest"
)

// An event a live replica is still working on is never taken over by
// another, however long the work takes or the reader waits on the inbox:
// the entries in hand are touched on a clock of their own.
func TestSlowEventIsNotTakenOverFromALiveReplica(t *testing.T) {
	t.Parallel()
	rdb, team := storetest.Redis(t)
	fake := slackfake.New(slackfake.WithTeamID(team), slackfake.WithAckTimeout(time.Second), slackfake.WithPingInterval(time.Second))
	t.Cleanup(fake.Close)
	var handled atomic.Int32
	start := func(consumer string) {
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
		routes.Event("message.im", func(ctx context.Context, ev bot.Event) error {
			handled.Add(1)
			time.Sleep(1500 * time.Millisecond) // longer than ClaimIdle, and than a blocking inbox read
			return nil
		})
		logger := logrus.New()
		logger.SetOutput(io.Discard)
		socket := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
		b, err := bot.New(socket, out, st, routes, bot.Identity{UserID: fake.BotUserID(), BotID: fake.BotID(), TeamID: team}, logger, m,
			bot.Options{Consumer: consumer, ClaimIdle: 300 * time.Millisecond, ClaimEvery: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- b.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done })
		waitFor(t, consumer+" connected", b.Connected)
	}
	start("a")
	start("b")

	fake.DM("U1", "slow one")
	waitFor(t, "the event is handled", func() bool { return handled.Load() > 0 })
	time.Sleep(2 * time.Second) // the handler's time and more: long enough for a wrong take-over
	if n := handled.Load(); n != 1 {
		t.Errorf("a slow event was handled %d times; a live replica's work was taken over", n)
	}
}

// A slash command that a stopped replica held and never released is handled
// again by a live one once it is due, and released.
func TestHeldCommandOfAStoppedReplicaIsHandled(t *testing.T) {
	t.Parallel()
	rdb, team := storetest.Redis(t)
	fake := slackfake.New(slackfake.WithTeamID(team), slackfake.WithAckTimeout(time.Second), slackfake.WithPingInterval(time.Second))
	t.Cleanup(fake.Close)
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// What the stopped replica left: a command held, due already.
	payload := []byte(`{"command":"/ticket","text":"claim 7","user_id":"U0SPEC1","channel_id":"D1","response_url":"` + fake.URL() + `/response/gone"}`)
	if err := st.Hold(context.Background(), "env-dead-1", "slash_commands", payload, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	api := slack.New(fake.BotToken(), slack.OptionAppLevelToken(fake.AppToken()), slack.OptionAPIURL(fake.APIURL()))
	m := metrics.New(prometheus.NewRegistry())
	out, err := bot.NewSlack(api, http.DefaultClient, clock.Real{}, m, bot.SlackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got atomic.Value
	routes := bot.NewRoutes()
	routes.Command("/ticket", func(ctx context.Context, cmd slack.SlashCommand) (*bot.Reply, error) {
		got.Store(cmd.UserID + " " + cmd.Text)
		return &bot.Reply{Text: "You have IT-7"}, nil
	})
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	socket := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	b, err := bot.New(socket, out, st, routes, bot.Identity{UserID: fake.BotUserID(), BotID: fake.BotID(), TeamID: team}, logger, m,
		bot.Options{Consumer: "live", ClaimEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, "connected", b.Connected)
	waitFor(t, "the held command is handled", func() bool { v, _ := got.Load().(string); return v == "U0SPEC1 claim 7" })
	waitFor(t, "the held command is released", func() bool {
		due, err := st.DueHeld(context.Background(), time.Now().Add(time.Hour), time.Minute, 10)
		return err == nil && len(due) == 0
	})

	// A command handled here is held while handled, then released.
	env := fake.SlashCommand("/ticket", "claim 8", "U0SPEC1", "D1")
	actx, acancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer acancel()
	if _, err := fake.WaitAck(actx, env.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the live command is handled", func() bool { v, _ := got.Load().(string); return v == "U0SPEC1 claim 8" })
	waitFor(t, "the live command is released", func() bool {
		due, err := st.DueHeld(context.Background(), time.Now().Add(time.Hour), time.Minute, 10)
		return err == nil && len(due) == 0
	})
}
