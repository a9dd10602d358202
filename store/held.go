package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Slash commands and button presses are acked as soon as they arrive, so
// that Slack shows no error, and handled at once on the replica that took
// them. Each is held in Redis while it is handled: if that replica stops
// before it releases it, another replica handles it again once it is due
// and answers through its response_url. Handling is idempotent (scripts
// carry call IDs, posts are rendered from the stored ticket), so a second
// pass repairs what the first left undone.

// Held is a command or a button press held while it is handled.
type Held struct {
	ID      string // the Socket Mode envelope ID
	Kind    string // "slash_commands" or "interactive"
	Payload []byte // the envelope's payload as Slack sent it
}

// holdScript stores a held interaction and its due time.
// KEYS: held hash, held due set. ARGV: ID, kind, payload, due ms.
const holdScript = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '\n' .. ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
`

// dueHeldScript hands out held interactions whose due time has passed,
// leasing each (its due time moves lease ms ahead) so that one replica
// handles it at a time.
// KEYS: held hash, held due set. ARGV: now ms, lease ms, limit.
const dueHeldScript = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('HGET', KEYS[1], id)
  if v then
    redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    table.insert(out, id)
    table.insert(out, v)
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
`

// Hold keeps a command or button press (envelope id) until Release, due for
// another replica at due. One round trip.
func (s *Store) Hold(ctx context.Context, id, kind string, payload []byte, due time.Time) error {
	if id == "" || kind == "" {
		return errors.New("hold: empty envelope ID or kind")
	}
	err := s.hold.Run(ctx, s.rdb, []string{s.keys.held(), s.keys.heldDue()}, id, kind, payload, ms(due)).Err()
	if err != nil {
		return fmt.Errorf("hold %s: %w", kind, err)
	}
	return nil
}

// Release forgets a handled command or button press. One round trip.
func (s *Store) Release(ctx context.Context, id string) error {
	pipe := s.rdb.TxPipeline()
	pipe.HDel(ctx, s.keys.held(), id)
	pipe.ZRem(ctx, s.keys.heldDue(), id)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("release %s: %w", id, err)
	}
	return nil
}

// DueHeld hands out up to limit held interactions past their due time,
// each leased for lease.
func (s *Store) DueHeld(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Held, error) {
	res, err := s.dueHeld.Run(ctx, s.rdb, []string{s.keys.held(), s.keys.heldDue()},
		ms(now), lease.Milliseconds(), limit).StringSlice()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("due held interactions: %w", err)
	}
	var out []Held
	for i := 0; i+1 < len(res); i += 2 {
		kind, payload, ok := strings.Cut(res[i+1], "\n")
		if !ok {
			continue
		}
		out = append(out, Held{ID: res[i], Kind: kind, Payload: []byte(payload)})
	}
	return out, nil
}
