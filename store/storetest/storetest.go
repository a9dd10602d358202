// Package storetest gives tests a Redis: the server named by
// CAREBOT_TEST_REDIS_URL when it is set (CI sets it), otherwise an in-memory
// one. Each test gets its own workspace namespace and cleans up only that.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// EnvURL names the variable that points tests at a real Redis.
const EnvURL = "CAREBOT_TEST_REDIS_URL"

// Redis returns a client for the test Redis and a fresh team ID to use as the
// test's key namespace. The namespace's keys are deleted when the test ends;
// no database is ever flushed.
func Redis(t testing.TB) (redis.UniversalClient, string) {
	t.Helper()
	team := NewTeamID(t)
	url := os.Getenv(EnvURL)
	if url == "" {
		mr := miniredis.RunT(t)
		rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
		t.Cleanup(func() { _ = rdb.Close() })
		return rdb, team
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	rdb := redis.NewClient(opts)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("%s: redis does not answer: %v", EnvURL, err)
	}
	t.Cleanup(func() {
		Cleanup(t, rdb, team)
		_ = rdb.Close()
	})
	return rdb, team
}

// NewTeamID returns a team ID no other test uses.
func NewTeamID(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "TTEST" + strings.ToUpper(hex.EncodeToString(b))
}

// Cleanup deletes every key of workspace team.
func Cleanup(t testing.TB, rdb redis.UniversalClient, team string) {
	t.Helper()
	ctx := context.Background()
	iter := rdb.Scan(ctx, 0, "carebot:{"+team+"}:*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
	}
	if len(batch) > 0 {
		if err := rdb.Unlink(ctx, batch...).Err(); err != nil {
			t.Logf("cleanup %s: %v", team, err)
		}
	}
}
