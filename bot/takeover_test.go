package bot_test

import (
	"context"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
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

// cluster is replicas of one workspace sharing one Redis and one Slack
// stand-in, as several carebots do.
type cluster struct {
	t     *testing.T
	rdb   redis.UniversalClient
	team  string
	fake  *slackfake.Server
	store *store.Store
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	rdb, team := storetest.Redis(t)
	fake := slackfake.New(slackfake.WithTeamID(team), slackfake.WithAckTimeout(time.Second), slackfake.WithPingInterval(time.Second))
	t.Cleanup(fake.Close)
	st, err := store.New(rdb, team, clock.Real{}, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &cluster{t: t, rdb: rdb, team: team, fake: fake, store: st}
}

// start runs a replica with routes and opts and waits until it is connected.
func (c *cluster) start(routes *bot.Routes, opts bot.Options) *bot.Bot {
	c.t.Helper()
	api := slack.New(c.fake.BotToken(), slack.OptionAppLevelToken(c.fake.AppToken()), slack.OptionAPIURL(c.fake.APIURL()))
	m := metrics.New(prometheus.NewRegistry())
	out, err := bot.NewSlack(api, http.DefaultClient, clock.Real{}, m, bot.SlackOptions{})
	if err != nil {
		c.t.Fatal(err)
	}
	logger := logrus.New()
	logger.SetOutput(io.Discard)
	socket := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	b, err := bot.New(socket, out, c.store, routes, bot.Identity{UserID: c.fake.BotUserID(), BotID: c.fake.BotID(), TeamID: c.team}, logger, m, opts)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	c.t.Cleanup(func() { cancel(); <-done })
	waitFor(c.t, opts.Consumer+" connected", b.Connected)
	return b
}

// noneHeld reports whether nothing is held any more.
func (c *cluster) noneHeld() bool {
	due, err := c.store.DueHeld(context.Background(), time.Now().Add(time.Hour), time.Minute, 10)
	return err == nil && len(due) == 0
}

// An event a live replica is still working on is never taken over by
// another, however long the work takes or the reader waits on the inbox:
// the entries in hand are touched on a clock of their own. The inbox's idle
// times are Redis server time, which no injected clock moves, so the
// handler takes real time here.
func TestSlowEventIsNotTakenOverFromALiveReplica(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	var handled atomic.Int32
	routes := bot.NewRoutes()
	routes.Event("message.im", func(ctx context.Context, ev bot.Event) error {
		handled.Add(1)
		time.Sleep(1500 * time.Millisecond) // longer than ClaimIdle, and than a blocking inbox read
		return nil
	})
	for _, consumer := range []string{"a", "b"} {
		c.start(routes, bot.Options{Consumer: consumer, ClaimIdle: 300 * time.Millisecond, ClaimEvery: 50 * time.Millisecond})
	}

	c.fake.DM("U1", "slow one")
	waitFor(t, "the event is handled", func() bool { return handled.Load() > 0 })
	time.Sleep(2 * time.Second) // the handler's time and more: long enough for a wrong take-over
	if n := handled.Load(); n != 1 {
		t.Errorf("a slow event was handled %d times; a live replica's work was taken over", n)
	}
}

// A slash command that a stopped replica held and never released is handled
// again by a live one once it is due, and released; one handled here is held
// while it is handled, with its words passed through the guard, then
// released.
func TestHeldCommandOfAStoppedReplicaIsHandled(t *testing.T) {
	t.Parallel()
	c := newCluster(t)
	// What the stopped replica left: a command held, due already.
	payload := []byte(`{"command":"/ticket","text":"claim 7","user_id":"U0SPEC1","channel_id":"D1","response_url":"` + c.fake.URL() + `/response/gone"}`)
	if err := c.store.Hold(context.Background(), "env-dead-1", "slash_commands", payload, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	var got atomic.Value
	var heldWords atomic.Value
	routes := bot.NewRoutes()
	routes.Command("/ticket", func(ctx context.Context, cmd slack.SlashCommand) (*bot.Reply, error) {
		got.Store(cmd.UserID + " " + cmd.Text)
		if strings.HasPrefix(cmd.Text, "new") {
			// While it is handled, what is held is the guarded words.
			if all, err := c.rdb.HGetAll(ctx, "carebot:{"+c.team+"}:held").Result(); err == nil {
				for _, v := range all {
					heldWords.Store(v)
				}
			}
		}
		return &bot.Reply{Text: "You have IT-7"}, nil
	})
	guard := func(text string) (string, int) {
		return strings.ReplaceAll(text, "John Smith", "[patient name removed]"), strings.Count(text, "John Smith")
	}
	c.start(routes, bot.Options{Consumer: "live", ClaimEvery: 50 * time.Millisecond, Guard: guard})
	waitFor(t, "the held command is handled", func() bool { v, _ := got.Load().(string); return v == "U0SPEC1 claim 7" })
	waitFor(t, "the held command is released", c.noneHeld)

	env := c.fake.SlashCommand("/ticket", "new printer jammed for pt John Smith", "U0SPEC1", "D1")
	actx, acancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer acancel()
	if _, err := c.fake.WaitAck(actx, env.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the live command is handled", func() bool { v, _ := got.Load().(string); return strings.HasPrefix(v, "U0SPEC1 new") })
	if v, _ := heldWords.Load().(string); !strings.Contains(v, "[patient name removed]") || strings.Contains(v, "John Smith") {
		t.Errorf("held while handled: %q; want the guarded words", v)
	}
	waitFor(t, "the live command is released", c.noneHeld)
}
