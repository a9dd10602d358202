package store

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/clock"
)

// Store is carebot's state for one Slack workspace.
type Store struct {
	rdb   redis.UniversalClient
	keys  keys
	clock clock.Clock
	opts  Options

	accept, done, leave, create, followUp, setReply, update, due, claim, resolve *redis.Script
	retire, takeSummary, finishSummary, releaseSummary                           *redis.Script
	observe, declare, dismiss, resolveIncident, openIncident                     *redis.Script
	hold, dueHeld                                                                *redis.Script

	// highest is the highest ticket number this store has handed out or
	// read: if Redis loses its data, new tickets are still numbered after it.
	highest atomic.Int64
}

// saw notes ticket number n as seen.
func (s *Store) saw(n int64) {
	for {
		h := s.highest.Load()
		if n <= h || s.highest.CompareAndSwap(h, n) {
			return
		}
	}
}

// Options tune a Store. The zero value of a field picks its default.
type Options struct {
	// DedupeTTL is how long an accepted event_id is remembered. Slack retries
	// for about 5 minutes; the default of 6 hours also covers events queued
	// while no socket was open.
	DedupeTTL time.Duration
	// SeenTTL is how long a handled Slack message (channel, ts) is remembered,
	// so the same message arriving as app_mention and as message is one report.
	SeenTTL time.Duration
	// ConversationTTL is how long a triage conversation is kept without a
	// change (24 hours); the triage deadline routes the ticket long before.
	ConversationTTL time.Duration
	// OnDataLoss, when set, is told when the store finds it lost data: the
	// ticket counter behind tickets that exist or that this replica saw.
	OnDataLoss func(msg string)
}

// New returns the store of workspace teamID on rdb.
func New(rdb redis.UniversalClient, teamID string, clk clock.Clock, opts Options) (*Store, error) {
	if rdb == nil || clk == nil {
		return nil, errors.New("store: nil redis client or clock")
	}
	if teamID == "" {
		return nil, errors.New("store: empty team ID")
	}
	if opts.DedupeTTL <= 0 {
		opts.DedupeTTL = 6 * time.Hour
	}
	if opts.SeenTTL <= 0 {
		opts.SeenTTL = 24 * time.Hour
	}
	if opts.ConversationTTL <= 0 {
		opts.ConversationTTL = 24 * time.Hour
	}
	return &Store{
		rdb: rdb, keys: newKeys(teamID), clock: clk, opts: opts,
		accept:   redis.NewScript(acceptScript),
		done:     redis.NewScript(doneScript),
		leave:    redis.NewScript(leaveScript),
		create:   redis.NewScript(createScript),
		followUp: redis.NewScript(followUpScript),
		setReply: redis.NewScript(setReplyScript),
		update:   redis.NewScript(updateScript),
		due:      redis.NewScript(dueScript),
		claim:    redis.NewScript(claimScript),
		resolve:  redis.NewScript(resolveScript),
		hold:     redis.NewScript(holdScript),
		dueHeld:  redis.NewScript(dueHeldScript),

		retire:         redis.NewScript(retireScript),
		takeSummary:    redis.NewScript(takeSummaryScript),
		finishSummary:  redis.NewScript(finishSummaryScript),
		releaseSummary: redis.NewScript(releaseSummaryScript),

		observe:         redis.NewScript(observeScript),
		declare:         redis.NewScript(declareScript),
		dismiss:         redis.NewScript(dismissScript),
		resolveIncident: redis.NewScript(resolveIncidentScript),
		openIncident:    redis.NewScript(openIncidentScript),
	}, nil
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// Preload loads every script into Redis so the first real call is one round
// trip (EVALSHA) rather than two.
func (s *Store) Preload(ctx context.Context) error {
	for _, sc := range []*redis.Script{s.accept, s.done, s.leave, s.create, s.followUp, s.setReply, s.update, s.due, s.claim, s.resolve,
		s.retire, s.takeSummary, s.finishSummary, s.releaseSummary, s.observe, s.declare, s.dismiss, s.resolveIncident, s.openIncident} {
		if err := sc.Load(ctx, s.rdb).Err(); err != nil {
			return fmt.Errorf("load script: %w", err)
		}
	}
	return nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }
