package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"github.com/sirupsen/logrus"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"carebot/bot"
	"carebot/clock"
	"carebot/config"
	"carebot/handlers"
	"carebot/metrics"
	"carebot/store"
)

// options tune a replica beyond the environment; tests shorten the timings.
type options struct {
	bot bot.Options
	// sweepEvery is how often this replica looks for tickets whose triage
	// timed out (5s).
	sweepEvery time.Duration
}

// app is one wired carebot replica.
type app struct {
	bot        *bot.Bot
	handlers   *handlers.Handlers
	jobRuns    atomic.Int64 // completed runs of the periodic jobs, so tests can wait for them
	sweepEvery time.Duration
	store      *store.Store
	rdb        redis.UniversalClient
	registry   *prometheus.Registry
	metrics    *metrics.Metrics
	log        *logrus.Logger
	httpAddr   string
	close      func() error
}

// build connects to Slack and Redis and wires every part. It is the only
// place that does.
func build(ctx context.Context, e env, cfg *config.Config, logger *logrus.Logger, clk clock.Clock, opts options) (*app, error) {
	botOpts := opts.bot
	if opts.sweepEvery <= 0 {
		opts.sweepEvery = 5 * time.Second
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := metrics.New(registry)
	httpClient := guardedClient(cfg, m)
	api := slack.New(e.SlackBotToken,
		slack.OptionAppLevelToken(e.SlackAppToken),
		slack.OptionAPIURL(e.SlackAPIURL),
		slack.OptionHTTPClient(httpClient),
	)
	// Pacing and Retry-After are about Slack's real time, whatever clock the
	// business rules run on.
	out, err := bot.NewSlack(api, httpClient, clock.Real{}, m, bot.SlackOptions{})
	if err != nil {
		return nil, err
	}

	actx, cancel := context.WithTimeout(ctx, 15*time.Second)
	auth, err := out.AuthTest(actx)
	cancel()
	if err != nil {
		return nil, authError(err)
	}
	if auth.TeamID == "" {
		return nil, errors.New("slack auth.test: the answer has no team_id (check SLACK_API_URL)")
	}
	logger.WithFields(logrus.Fields{"team": auth.TeamID, "user": auth.UserID}).Info("authenticated with Slack")

	conn := e.redis()
	if conn.Embedded() {
		logger.Warn("REDIS_URL is not set: using an embedded in-memory Redis; tickets and queued events are lost when carebot stops")
	}
	rdb, closeRedis, err := store.Open(conn)
	if err != nil {
		return nil, err
	}
	st, err := store.New(rdb, auth.TeamID, clock.Real{}, store.Options{
		OnDataLoss: func(msg string) { logger.WithField("team", auth.TeamID).Error("store lost data: " + msg) },
	})
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = st.Preload(pctx)
		cancel()
	}
	if err != nil {
		_ = closeRedis()
		return nil, fmt.Errorf("redis: %w", err)
	}

	h, err := handlers.New(st, out, cfg, auth.UserID, clk, logger, m)
	if err != nil {
		_ = closeRedis()
		return nil, err
	}
	routes := bot.NewRoutes()
	h.Register(routes)
	botOpts.Filter, botOpts.Scrub, botOpts.Guard = h.Wanted, h.Scrub, handlers.Guard(cfg.PHI.Patterns)
	if botOpts.Consumer == "" {
		botOpts.Consumer = consumerName()
	}
	// slack-go logs only in debug mode, which would put payloads in logs;
	// keep its logger silent whatever happens.
	socket := socketmode.New(api, socketmode.OptionLog(log.New(io.Discard, "", 0)))
	b, err := bot.New(socket, out, st, routes, bot.Identity{UserID: auth.UserID, BotID: auth.BotID, TeamID: auth.TeamID}, logger, m, botOpts)
	if err != nil {
		_ = closeRedis()
		return nil, err
	}
	return &app{bot: b, handlers: h, sweepEvery: opts.sweepEvery, store: st, rdb: rdb, registry: registry, metrics: m, log: logger, httpAddr: e.HTTPAddr, close: closeRedis}, nil
}

// guardedClient is the HTTP client every Slack call and response_url reply
// goes through: the outbound guard redacts patient identifiers from what it
// carries, whichever part of carebot built the message.
func guardedClient(cfg *config.Config, m *metrics.Metrics) *http.Client {
	return &http.Client{
		Timeout:   15 * time.Second,
		Transport: bot.GuardTransport(http.DefaultTransport, handlers.Guard(cfg.PHI.Patterns), m),
	}
}

// authError turns auth.test's failure into a message naming what to fix.
func authError(err error) error {
	var ser slack.SlackErrorResponse
	if errors.As(err, &ser) {
		switch ser.Err {
		case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
			return fmt.Errorf("SLACK_BOT_TOKEN: Slack rejected the bot token (%s); copy it again from OAuth & Permissions", ser.Err)
		}
	}
	return fmt.Errorf("slack auth.test: %w (check SLACK_API_URL and the network)", err)
}

// consumerName names this process in the inbox's consumer group.
func consumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// serve runs the bot, the HTTP endpoints and the inbox gauges until ctx is
// done, then shuts them down in order.
func (a *app) serve(ctx context.Context) error {
	defer a.close()
	var wg sync.WaitGroup
	var srv *http.Server
	if a.httpAddr != "" {
		ln, err := net.Listen("tcp", a.httpAddr)
		if err != nil {
			return fmt.Errorf("CAREBOT_HTTP_ADDR: %w", err)
		}
		srv = &http.Server{Handler: a.mux(), ReadHeaderTimeout: 5 * time.Second}
		wg.Go(func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				a.log.WithError(err).Error("http server stopped")
			}
		})
	}
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	if err := a.handlers.StartShiftSummaries(sctx); err != nil {
		a.log.WithError(err).Warn("shift summaries not initialised; the summary job will try again")
	}
	cancel()
	jctx, stopJobs := context.WithCancel(ctx)
	wg.Go(func() { a.backfill(jctx) })
	wg.Go(func() { a.watchInbox(jctx) })
	wg.Go(func() { a.every(jctx, a.sweepEvery, "triage timeout sweep", a.handlers.SweepTriage) })
	wg.Go(func() { a.every(jctx, a.sweepEvery, "escalation sweep", a.handlers.SweepEscalations) })
	wg.Go(func() { a.every(jctx, a.sweepEvery, "resolve target sweep", a.handlers.SweepResolveBreaches) })
	wg.Go(func() { a.every(jctx, a.sweepEvery, "shift summary", a.handlers.PostShiftSummaries) })
	wg.Go(func() { a.every(jctx, 10*time.Minute, "retention", a.handlers.RetireTickets) })
	// Who counts as IT staff: loaded before the first command, then kept fresh.
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	if err := a.handlers.RefreshSpecialists(rctx); err != nil {
		a.log.WithError(err).Warn("specialists_group not loaded; team members only act as IT staff until it is")
	}
	cancel()
	wg.Go(func() { a.every(jctx, 10*time.Minute, "specialists_group refresh", a.handlers.RefreshSpecialists) })

	err := a.bot.Run(ctx)
	stopJobs()
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	// Requesters of an incident may still be being told; give that a
	// moment rather than cut it off.
	told := make(chan struct{})
	go func() { a.handlers.Wait(); close(told) }()
	select {
	case <-told:
	case <-time.After(10 * time.Second):
		a.log.Warn("stopped before every requester of an incident was told")
	}
	return err
}

// mux serves /healthz (the process answers), /readyz (Slack connected and
// Redis answering) and /metrics.
func (a *app) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		var problems []string
		if !a.bot.Connected() {
			problems = append(problems, "slack: socket not connected")
		}
		if err := a.store.Ping(ctx); err != nil {
			problems = append(problems, "redis: not answering")
		}
		if len(problems) > 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			for _, p := range problems {
				fmt.Fprintln(w, p)
			}
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.registry, promhttp.HandlerOpts{}))
	return mux
}

// every runs job every interval until ctx is done. Every replica runs the
// jobs; each job takes its work atomically, so nothing is done twice.
func (a *app) every(ctx context.Context, interval time.Duration, name string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		jctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := job(jctx); err != nil {
			a.log.WithError(err).WithField("job", name).Warn("job failed; it runs again shortly")
		}
		cancel()
		a.jobRuns.Add(1)
	}
}

// backfill puts tickets closed before the closed index existed onto it, once
// per workspace, so summaries and retention see them.
func (a *app) backfill(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	n, err := a.store.BackfillClosedIndex(ctx)
	switch {
	case err != nil:
		a.log.WithError(err).Warn("closed tickets not indexed; the next start tries again")
	case n > 0:
		a.log.WithField("tickets", n).Info("closed tickets indexed for summaries and retention")
	}
}

// watchInbox keeps the inbox gauges current.
func (a *app) watchInbox(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		n, lag, err := a.store.InboxBacklog(qctx)
		cancel()
		if err == nil {
			a.metrics.InboxBacklog.Set(float64(n))
			a.metrics.InboxLag.Set(lag.Seconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// The store is the bot's inbox.
var _ bot.Inbox = (*store.Store)(nil)

// redisLog sends go-redis's own messages (pool and dial trouble) to the
// process logger at debug level; the errors that matter reach callers anyway.
type redisLog struct{ log logrus.FieldLogger }

func (l redisLog) Printf(_ context.Context, format string, v ...any) {
	l.log.WithField("component", "go-redis").Debugf(format, v...)
}
