package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Override puts User on call for a team from Start until End.
type Override struct {
	User  string    `json:"user"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	By    string    `json:"by"` // who set it
}

// AddOverride stores an override for team and drops the team's overrides
// that ended before now. One round trip.
func (s *Store) AddOverride(ctx context.Context, team string, o Override, now time.Time) error {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("add override: %w", err)
	}
	key := s.keys.overrides(team)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRemRangeByScore(ctx, key, "-inf", "("+strconv.FormatInt(ms(now), 10))
		p.ZAdd(ctx, key, redis.Z{Score: float64(ms(o.End)), Member: string(b)})
		return nil
	})
	if err != nil {
		return fmt.Errorf("add override: %w", err)
	}
	return nil
}

// Overrides returns team's overrides that have not ended at now.
func (s *Store) Overrides(ctx context.Context, team string, now time.Time) ([]Override, error) {
	vals, err := s.rdb.ZRangeByScore(ctx, s.keys.overrides(team), &redis.ZRangeBy{
		Min: "(" + strconv.FormatInt(ms(now), 10), Max: "+inf",
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("read overrides of %s: %w", team, err)
	}
	out := make([]Override, 0, len(vals))
	for _, v := range vals {
		var o Override
		if err := json.Unmarshal([]byte(v), &o); err != nil {
			return nil, fmt.Errorf("decode override of %s: %w", team, err)
		}
		out = append(out, o)
	}
	return out, nil
}
