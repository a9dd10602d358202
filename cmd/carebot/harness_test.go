package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"

	"carebot/bot"
	"carebot/clock"
	"carebot/config"
	"carebot/slackfake"
	"carebot/store"
	"carebot/store/storetest"
	"carebot/ticket"
)

func TestMain(m *testing.M) {
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	redis.SetLogger(redisLog{quiet})
	os.Exit(m.Run())
}

// harness runs real carebot replicas (the same build as `carebot run`)
// against the Slack stand-in over WebSockets on loopback, and a Redis: the
// CI one when CAREBOT_TEST_REDIS_URL is set, else an in-memory one.
type harness struct {
	t        testing.TB
	fake     *slackfake.Server
	redisURL string
	proxy    *proxy // set with harnessOptions.proxied: cut it to take Redis away
	cfg      *config.Config
	clock    *clock.Fake // drives triage timeouts; transport timings stay real
	logs     *syncBuffer
	running  []*replica
}

type harnessOptions struct {
	proxied bool // reach Redis through a proxy the test can cut
	fake    []slackfake.Option
}

func newHarness(t testing.TB, o harnessOptions) *harness {
	t.Helper()
	team := storetest.NewTeamID(t)
	h := &harness{t: t, cfg: config.Default(), logs: &syncBuffer{}, clock: clock.NewFake(time.Date(2026, 11, 27, 7, 42, 0, 0, time.UTC))}
	h.fake = slackfake.New(append([]slackfake.Option{
		slackfake.WithTeamID(team),
		slackfake.WithAckTimeout(time.Second),
		slackfake.WithRetryDelays(0, 500*time.Millisecond, time.Second),
		slackfake.WithPingInterval(time.Second),
	}, o.fake...)...)
	t.Cleanup(h.fake.Close)
	// Whatever a test did, no token may reach the logs.
	t.Cleanup(func() { h.mustNotLog(h.fake.BotToken(), h.fake.AppToken()) })
	var opts *redis.Options
	if url := os.Getenv(storetest.EnvURL); url != "" {
		var err error
		if opts, err = redis.ParseURL(url); err != nil {
			t.Fatal(err)
		}
	} else {
		opts = &redis.Options{Addr: miniredis.RunT(t).Addr()}
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { storetest.Cleanup(t, rdb, team); _ = rdb.Close() })
	if o.proxied {
		h.proxy = newProxy(t, opts.Addr)
		opts.Addr = h.proxy.addr
	}
	h.redisURL = fmt.Sprintf("redis://%s/%d", opts.Addr, opts.DB)
	if opts.Password != "" {
		h.redisURL = fmt.Sprintf("redis://%s:%s@%s/%d", opts.Username, opts.Password, opts.Addr, opts.DB)
	}
	return h
}

// replica is one running carebot.
type replica struct {
	app  *app
	stop func()
}

// start runs a replica and waits until its socket is connected.
func (h *harness) start(opts bot.Options) *replica {
	h.t.Helper()
	e := env{
		SlackAppToken: h.fake.AppToken(), SlackBotToken: h.fake.BotToken(), SlackAPIURL: h.fake.APIURL(),
		RedisURL: h.redisURL, LogLevel: "debug", LogFormat: "json",
	}
	logger := e.logger(h.logs)
	logger.SetLevel(logrus.DebugLevel)
	if opts.ClaimIdle == 0 {
		opts.ClaimIdle = 300 * time.Millisecond
	}
	if opts.ClaimEvery == 0 {
		opts.ClaimEvery = 100 * time.Millisecond
	}
	if opts.Drain == 0 {
		opts.Drain = 2 * time.Second
	}
	before := h.fake.Opened()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := build(ctx, e, h.cfg, logger, h.clock, options{bot: opts, sweepEvery: 20 * time.Millisecond})
	if err != nil {
		cancel()
		h.t.Fatalf("build: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.serve(ctx) }()
	var once sync.Once
	r := &replica{app: a, stop: func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				h.t.Errorf("replica stopped with: %v", err)
			}
		})
	}}
	h.t.Cleanup(r.stop)
	h.running = append(h.running, r)
	h.eventually("replica connects", func() bool { return a.bot.Connected() && h.fake.Opened() > before })
	return r
}

// eventually polls cond for up to 10 seconds.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// replyTo waits for the bot's post in the thread of message m.
func (h *harness) replyTo(m slackfake.Message) slackfake.Post {
	h.t.Helper()
	p, err := h.fake.WaitPost(h.ctx(), func(p slackfake.Post) bool { return p.Channel == m.Channel && p.ThreadTS == m.TS })
	if err != nil {
		h.t.Fatalf("no reply in the thread of %s/%s: %v", m.Channel, m.TS, err)
	}
	return p
}

// postsIn counts the bot's posts in the thread of m.
func (h *harness) postsIn(m slackfake.Message) int {
	n := 0
	for _, p := range h.fake.Posts() {
		if p.Channel == m.Channel && p.ThreadTS == m.TS && !p.Ephemeral {
			n++
		}
	}
	return n
}

// tickets reads every ticket of the harness's workspace, by requester.
func (h *harness) tickets(user string) []*ticket.Ticket {
	h.t.Helper()
	opts, err := redis.ParseURL(h.redisURL)
	if err != nil {
		h.t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	st, err := store.New(rdb, h.fake.TeamID(), clock.Real{}, store.Options{})
	if err != nil {
		h.t.Fatal(err)
	}
	ts, err := st.TicketsOf(context.Background(), user, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	return ts
}

var ticketIDPattern = regexp.MustCompile(`\bIT-\d+\b`)

func counter(r *replica, envType, outcome string) float64 {
	return testutil.ToFloat64(r.app.metrics.Envelopes.WithLabelValues(envType, outcome))
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustNotLog fails if any secret appears in the logs.
func (h *harness) mustNotLog(secrets ...string) {
	h.t.Helper()
	logs := h.logs.String()
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			h.t.Errorf("logs contain %q:\n%s", s, logs)
		}
	}
}

func nurse(i int) string { return fmt.Sprintf("U0NURSE%d", i) }

func counterValue(c interface{ Desc() *prometheus.Desc }) float64 {
	return testutil.ToFloat64(c.(prometheus.Collector))
}

// fakeMessage names a message sent with SendEvent.
func (h *harness) fakeMessage(channel, ts string) slackfake.Message {
	return slackfake.Message{Channel: channel, TS: ts}
}

// waitSweeps waits until the last replica started has completed n more
// rounds of its sweeps (triage, escalation, resolve target, shift summary, which run on the
// same short interval in tests), plus one round for any run already under
// way: whatever they would do at the fake clock's current time, they have
// done. It counts completed runs; it does not guess with sleeps.
func (h *harness) waitSweeps(n int) {
	h.t.Helper()
	a := h.running[len(h.running)-1].app
	const sweeps = 4
	target := a.jobRuns.Load() + int64((n+1)*sweeps)
	h.eventually(fmt.Sprintf("%d sweeps", n), func() bool { return a.jobRuns.Load() >= target })
}

// slash runs a slash command as user in channel and returns the text of the
// reply it is acked with.
func (h *harness) slash(command, user, channel, text string) string {
	h.t.Helper()
	env := h.fake.SlashCommand(command, text, user, channel)
	a, err := h.fake.WaitAck(h.ctx(), env.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var reply struct{ Text string }
	if err := json.Unmarshal(a.Payload, &reply); err != nil {
		h.t.Fatalf("ack payload %s: %v", a.Payload, err)
	}
	return reply.Text
}

// settled waits until replica r has stored at least accepted events and has
// finished handling everything it stored (its inbox is empty): whatever
// those events were going to cause has happened.
func (h *harness) settled(r *replica, accepted float64) {
	h.t.Helper()
	h.eventually("the replica settles", func() bool {
		if counter(r, "events_api", "accepted") < accepted {
			return false
		}
		n, _, err := r.app.store.InboxBacklog(context.Background())
		return err == nil && n == 0
	})
}
