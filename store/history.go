package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/ticket"
)

// readChunk is how many tickets one HMGET reads: big enough that a shift of
// ten thousand tickets is a handful of round trips, small enough that no one
// reply blocks Redis for long.
const readChunk = 1000

// TicketsFor returns every ticket a summary of the span [start, end) needs:
// those created in it, those closed in it or since (which were still active
// at its end) and those active now, all created before end. It reads them through the creation,
// closed and active indexes, so the cost follows the tickets returned, not
// the history; the caller sorts out which counts as what.
func (s *Store) TicketsFor(ctx context.Context, start, end time.Time) ([]*ticket.Ticket, error) {
	pipe := s.rdb.Pipeline()
	created := pipe.ZRangeByScore(ctx, s.keys.created(), span(start, end))
	closed := pipe.ZRangeByScore(ctx, s.keys.closed(), &redis.ZRangeBy{Min: strconv.FormatInt(ms(start), 10), Max: "+inf"})
	open := pipe.ZRange(ctx, s.keys.openIndex(), 0, -1)
	claimed := pipe.ZRange(ctx, s.keys.claimedIndex(), 0, -1)
	triage := pipe.ZRange(ctx, s.keys.triageDue(), 0, -1)
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("tickets for %s–%s: %w", start.Format(time.RFC3339), end.Format(time.RFC3339), err)
	}
	seen := map[string]bool{}
	var ids []string
	for _, cmd := range []*redis.StringSliceCmd{created, closed, open, claimed, triage} {
		for _, id := range cmd.Val() {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	ts, err := s.ticketsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Tickets created after the span can be on the closed or active indexes.
	return slices.DeleteFunc(ts, func(t *ticket.Ticket) bool { return !t.CreatedAt.Before(end) }), nil
}

// TicketsCreated returns the tickets created in [from, to), oldest first.
func (s *Store) TicketsCreated(ctx context.Context, from, to time.Time) ([]*ticket.Ticket, error) {
	ids, err := s.rdb.ZRangeByScore(ctx, s.keys.created(), span(from, to)).Result()
	if err != nil {
		return nil, fmt.Errorf("tickets created since %s: %w", from.Format(time.RFC3339), err)
	}
	return s.ticketsByID(ctx, ids)
}

// EventsOf returns the audit trails of the given tickets, by number.
func (s *Store) EventsOf(ctx context.Context, ns []int64) (map[int64][]ticket.Event, error) {
	out := make(map[int64][]ticket.Event, len(ns))
	for chunk := range chunks(ns, readChunk) {
		fields := make([]string, len(chunk))
		for i, n := range chunk {
			fields[i] = strconv.FormatInt(n, 10)
		}
		vals, err := s.rdb.HMGet(ctx, s.keys.events(), fields...).Result()
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		for i, v := range vals {
			raw, ok := v.(string)
			if !ok {
				continue
			}
			evs, err := decodeEvents([]byte(raw))
			if err != nil {
				return nil, fmt.Errorf("events of ticket %d: %w", chunk[i], err)
			}
			out[chunk[i]] = evs
		}
	}
	return out, nil
}

// ticketsByID reads the tickets with the given numbers, skipping any that
// retention deleted after the index was read.
func (s *Store) ticketsByID(ctx context.Context, ids []string) ([]*ticket.Ticket, error) {
	out := make([]*ticket.Ticket, 0, len(ids))
	for chunk := range chunks(ids, readChunk) {
		vals, err := s.rdb.HMGet(ctx, s.keys.tickets(), chunk...).Result()
		if err != nil {
			return nil, fmt.Errorf("read tickets: %w", err)
		}
		for _, v := range vals {
			js, ok := v.(string)
			if !ok {
				continue
			}
			t, err := fromJSON(js)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
	}
	return out, nil
}

// span is the score range [from, to) in ms.
func span(from, to time.Time) *redis.ZRangeBy {
	return &redis.ZRangeBy{Min: strconv.FormatInt(ms(from), 10), Max: "(" + strconv.FormatInt(ms(to), 10)}
}

// chunks yields s in pieces of at most n.
func chunks[T any](s []T, n int) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for len(s) > 0 {
			k := min(n, len(s))
			if !yield(s[:k]) {
				return
			}
			s = s[k:]
		}
	}
}

// DeleteClosedBefore deletes up to limit tickets that closed (resolved or
// cancelled) before cutoff, with their audit trails and every index entry,
// and returns how many it deleted. Each ticket is checked again inside the
// script, so a ticket reopened meanwhile is kept; run twice, or by two
// replicas at once, it deletes each ticket once.
func (s *Store) DeleteClosedBefore(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	n, err := s.retire.Run(ctx, s.rdb,
		[]string{s.keys.closed(), s.keys.tickets(), s.keys.events(), s.keys.threads(), s.keys.created(),
			s.keys.claimDue(), s.keys.resolveDue(), s.keys.triageDue(), s.keys.openIndex(), s.keys.claimedIndex()},
		ms(cutoff), limit, s.keys.requester(""),
	).Int()
	if err != nil {
		return 0, fmt.Errorf("delete tickets closed before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	return n, nil
}

// SummaryState says where a shift summary stands.
type SummaryState int

// The states TakeSummary reports.
const (
	SummaryTaken SummaryState = iota // this replica holds it: post it, then FinishSummary
	SummaryBusy                      // another replica is posting it
	SummaryDone                      // it was posted
)

// LastSummary returns the latest shift boundary whose summary was posted,
// or, on first use, records and returns fallback: a new installation has no
// shifts to catch up on.
func (s *Store) LastSummary(ctx context.Context, fallback time.Time) (time.Time, error) {
	if err := s.rdb.SetNX(ctx, s.keys.summaryLast(), ms(fallback), 0).Err(); err != nil {
		return time.Time{}, fmt.Errorf("last summary: %w", err)
	}
	v, err := s.rdb.Get(ctx, s.keys.summaryLast()).Int64()
	if err != nil {
		return time.Time{}, fmt.Errorf("last summary: %w", err)
	}
	return time.UnixMilli(v), nil
}

// TakeSummary claims the summary of the shift ending at boundary for this
// replica, for lease: of several replicas, one posts it. If the holder dies
// without finishing, the lease runs out and another takes it, so a summary
// is never skipped.
func (s *Store) TakeSummary(ctx context.Context, boundary time.Time, holder string, lease time.Duration) (SummaryState, error) {
	b := strconv.FormatInt(ms(boundary), 10)
	st, err := s.takeSummary.Run(ctx, s.rdb, []string{s.keys.summaryDone(b), s.keys.summaryLease(b)}, holder, lease.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("take summary of %s: %w", boundary.Format(time.RFC3339), err)
	}
	return SummaryState(st), nil
}

// FinishSummary records the summary of the shift ending at boundary as
// posted, remembered for keep, and moves the last-posted boundary forward.
func (s *Store) FinishSummary(ctx context.Context, boundary time.Time, keep time.Duration) error {
	b := strconv.FormatInt(ms(boundary), 10)
	err := s.finishSummary.Run(ctx, s.rdb, []string{s.keys.summaryDone(b), s.keys.summaryLease(b), s.keys.summaryLast()},
		ms(boundary), int64(keep/time.Second)).Err()
	if err != nil {
		return fmt.Errorf("finish summary of %s: %w", boundary.Format(time.RFC3339), err)
	}
	return nil
}

// ReleaseSummary gives up this replica's hold on a summary it could not
// post, so the next try need not wait for the lease to run out.
func (s *Store) ReleaseSummary(ctx context.Context, boundary time.Time, holder string) error {
	b := strconv.FormatInt(ms(boundary), 10)
	err := s.releaseSummary.Run(ctx, s.rdb, []string{s.keys.summaryLease(b)}, holder).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("release summary of %s: %w", boundary.Format(time.RFC3339), err)
	}
	return nil
}

// BackfillClosedIndex puts every closed ticket that is not on the closed
// index onto it, at when it closed: tickets closed before the index existed.
// It reads the tickets in batches and adds with NX, so it is safe to run on
// several replicas at once; once it has finished, a marker makes later runs
// return at once. It returns how many tickets it added.
func (s *Store) BackfillClosedIndex(ctx context.Context) (int, error) {
	if n, err := s.rdb.Exists(ctx, s.keys.closedBackfilled()).Result(); err != nil || n == 1 {
		return 0, err
	}
	added := 0
	iter := s.rdb.HScan(ctx, s.keys.tickets(), 0, "", readChunk).Iterator()
	var batch []redis.Z
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := s.rdb.ZAddNX(ctx, s.keys.closed(), batch...).Result()
		added += int(n)
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		field := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		t, err := fromJSON(iter.Val())
		if err != nil || !t.Status.Closed() {
			continue
		}
		batch = append(batch, redis.Z{Score: float64(ms(s.closedAt(t))), Member: field})
		if len(batch) == readChunk {
			if err := flush(); err != nil {
				return added, fmt.Errorf("backfill closed index: %w", err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return added, fmt.Errorf("backfill closed index: %w", err)
	}
	if err := flush(); err != nil {
		return added, fmt.Errorf("backfill closed index: %w", err)
	}
	if err := s.rdb.Set(ctx, s.keys.closedBackfilled(), "1", 0).Err(); err != nil {
		return added, fmt.Errorf("backfill closed index: %w", err)
	}
	return added, nil
}
