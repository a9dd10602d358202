package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// InboxGroup is the consumer group every replica's workers read the inbox
// through.
const InboxGroup = "workers"

// InboxEntry is one accepted event waiting to be handled.
type InboxEntry struct {
	ID       string // stream entry ID, for Done
	EventID  string
	Payload  []byte // the Events API event_callback JSON as Slack sent it
	Accepted time.Time
}

// AcceptEvent records an Events API delivery: the first time an event_id is
// seen it is queued in the inbox; later deliveries (Slack's retries) are
// reported as duplicates. One round trip. An error means nothing is known to
// be stored and the envelope must not be acked.
func (s *Store) AcceptEvent(ctx context.Context, eventID string, payload []byte) (isNew bool, err error) {
	if eventID == "" {
		return false, errors.New("accept event: empty event_id")
	}
	n, err := s.accept.Run(ctx, s.rdb,
		[]string{s.keys.dedupe(eventID), s.keys.inbox()},
		int64(s.opts.DedupeTTL/time.Second), eventID, payload, InboxGroup,
	).Int()
	if err != nil {
		return false, fmt.Errorf("accept event: %w", err)
	}
	return n == 1, nil
}

// EnsureInboxGroup creates the inbox stream and its consumer group if they do
// not exist. Safe to call from every replica.
func (s *Store) EnsureInboxGroup(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, s.keys.inbox(), InboxGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create inbox group: %w", err)
	}
	return nil
}

// ReadInbox takes up to count new entries for consumer, waiting up to block
// for the first. No entries and no error means nothing arrived in time.
func (s *Store) ReadInbox(ctx context.Context, consumer string, count int, block time.Duration) ([]InboxEntry, error) {
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: InboxGroup, Consumer: consumer, Streams: []string{s.keys.inbox(), ">"},
		Count: int64(count), Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if isNoGroup(err) {
		return nil, s.EnsureInboxGroup(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	var out []InboxEntry
	for _, st := range res {
		out = append(out, entries(st.Messages)...)
	}
	return out, nil
}

// ClaimStale takes over up to count entries that another consumer read but
// has not finished for at least minIdle: the work of a replica that died.
func (s *Store) ClaimStale(ctx context.Context, consumer string, minIdle time.Duration, count int) ([]InboxEntry, error) {
	msgs, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: s.keys.inbox(), Group: InboxGroup, Consumer: consumer,
		MinIdle: minIdle, Start: "0-0", Count: int64(count),
	}).Result()
	if isNoGroup(err) {
		return nil, s.EnsureInboxGroup(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("claim stale inbox entries: %w", err)
	}
	return entries(msgs), nil
}

// Touch tells the inbox that consumer is still working on entries, so no
// other replica takes them over while a slow Slack call or a long queue
// holds them up.
func (s *Store) Touch(ctx context.Context, consumer string, entryIDs ...string) error {
	if len(entryIDs) == 0 {
		return nil
	}
	err := s.rdb.XClaimJustID(ctx, &redis.XClaimArgs{
		Stream: s.keys.inbox(), Group: InboxGroup, Consumer: consumer, MinIdle: 0, Messages: entryIDs,
	}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("touch inbox entries: %w", err)
	}
	return nil
}

// isNoGroup reports a read from an inbox whose consumer group is gone.
func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

// Done removes a handled entry from the inbox. One round trip.
func (s *Store) Done(ctx context.Context, entryID string) error {
	if err := s.done.Run(ctx, s.rdb, []string{s.keys.inbox()}, InboxGroup, entryID).Err(); err != nil {
		return fmt.Errorf("inbox done %s: %w", entryID, err)
	}
	return nil
}

// LeaveInbox removes consumer from the inbox group when it has no unfinished
// entries, so consumers of stopped replicas do not pile up in the group.
// One with unfinished entries is left for another replica to take over.
func (s *Store) LeaveInbox(ctx context.Context, consumer string) (left bool, err error) {
	n, err := s.leave.Run(ctx, s.rdb, []string{s.keys.inbox()}, InboxGroup, consumer).Int()
	if err != nil {
		return false, fmt.Errorf("leave inbox group: %w", err)
	}
	return n == 1, nil
}

// PruneConsumers removes from the inbox group the consumers that have been
// idle longer than idle and have nothing pending: replicas that crashed
// instead of leaving. It returns how many it removed.
func (s *Store) PruneConsumers(ctx context.Context, idle time.Duration) (int, error) {
	consumers, err := s.rdb.XInfoConsumers(ctx, s.keys.inbox(), InboxGroup).Result()
	if isNoGroup(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("list inbox consumers: %w", err)
	}
	removed := 0
	for _, c := range consumers {
		if c.Pending > 0 || c.Idle < idle {
			continue
		}
		left, err := s.LeaveInbox(ctx, c.Name)
		if err != nil {
			return removed, err
		}
		if left {
			removed++
		}
	}
	return removed, nil
}

// InboxBacklog reports how many entries wait in the inbox (read or not) and
// the age of the oldest, which is the lag of the slowest work.
func (s *Store) InboxBacklog(ctx context.Context) (n int64, oldest time.Duration, err error) {
	n, err = s.rdb.XLen(ctx, s.keys.inbox()).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("inbox length: %w", err)
	}
	if n == 0 {
		return 0, 0, nil
	}
	first, err := s.rdb.XRangeN(ctx, s.keys.inbox(), "-", "+", 1).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("inbox head: %w", err)
	}
	if len(first) == 0 {
		return n, 0, nil
	}
	return n, max(0, s.clock.Now().Sub(entryTime(first[0].ID))), nil
}

func entries(msgs []redis.XMessage) []InboxEntry {
	out := make([]InboxEntry, 0, len(msgs))
	for _, m := range msgs {
		id, _ := m.Values["id"].(string)
		p, _ := m.Values["p"].(string)
		out = append(out, InboxEntry{ID: m.ID, EventID: id, Payload: []byte(p), Accepted: entryTime(m.ID)})
	}
	return out
}

// entryTime reads the millisecond timestamp that a stream entry ID begins with.
func entryTime(id string) time.Time {
	msPart, _, _ := strings.Cut(id, "-")
	v, err := strconv.ParseInt(msPart, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(v)
}
