// Package store keeps carebot's state in Redis: the event inbox, tickets and
// their audit trails, and the indexes that let periodic jobs read only what
// they need. Every multi-key change is one Lua script.
package store

import (
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Connection says where Redis is. At most one of URL alone, Sentinel
// (SentinelAddrs and MasterName) or Cluster (ClusterAddrs) applies; with
// Sentinel or Cluster, URL may still carry the credentials, database and TLS.
// With nothing set, Open starts an embedded in-memory Redis.
type Connection struct {
	URL           string
	SentinelAddrs []string
	MasterName    string
	ClusterAddrs  []string
}

// Timeouts and retries are set here rather than left to go-redis defaults:
// an event must be persisted or refused within Slack's 3-second ack deadline,
// so a Redis that does not answer must fail fast.
const (
	dialTimeout     = 2 * time.Second
	readTimeout     = time.Second
	writeTimeout    = time.Second
	poolTimeout     = 2 * time.Second
	maxRetries      = 2
	minRetryBackoff = 10 * time.Millisecond
	maxRetryBackoff = 200 * time.Millisecond
	// go-redis retries a failed dial 5 times by default, on every command
	// attempt; one retry is enough to ride over a blip, and more would hide
	// an outage behind seconds of waiting.
	dialerRetries      = 1
	dialerRetryTimeout = 50 * time.Millisecond
)

// Embedded reports whether c names no Redis at all.
func (c Connection) Embedded() bool {
	return c.URL == "" && len(c.SentinelAddrs) == 0 && len(c.ClusterAddrs) == 0
}

// Open connects to the Redis that c names, or starts an embedded in-memory
// one when c names none. The returned function closes the client and stops
// the embedded server.
func Open(c Connection) (redis.UniversalClient, func() error, error) {
	if c.Embedded() {
		mr := miniredis.NewMiniRedis()
		if err := mr.Start(); err != nil {
			return nil, nil, fmt.Errorf("start embedded redis: %w", err)
		}
		rdb := redis.NewClient(tune(&redis.Options{Addr: mr.Addr()}))
		return rdb, func() error { err := rdb.Close(); mr.Close(); return err }, nil
	}
	var base redis.Options
	if c.URL != "" {
		o, err := redis.ParseURL(c.URL)
		if err != nil {
			// ParseURL's errors may quote the URL, and with it a password.
			return nil, nil, errors.New("REDIS_URL: not a valid redis://, rediss:// or unix:// URL")
		}
		base = *o
	}
	switch {
	case len(c.SentinelAddrs) > 0 && len(c.ClusterAddrs) > 0:
		return nil, nil, errors.New("REDIS_SENTINEL_ADDRS and REDIS_CLUSTER_ADDRS: set one, not both")
	case len(c.SentinelAddrs) > 0:
		if c.MasterName == "" {
			return nil, nil, errors.New("REDIS_MASTER_NAME: required with REDIS_SENTINEL_ADDRS")
		}
		rdb := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName: c.MasterName, SentinelAddrs: c.SentinelAddrs,
			Username: base.Username, Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig,
			DialTimeout: dialTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout, PoolTimeout: poolTimeout,
			MaxRetries: maxRetries, MinRetryBackoff: minRetryBackoff, MaxRetryBackoff: maxRetryBackoff,
			DialerRetries: dialerRetries, DialerRetryTimeout: dialerRetryTimeout,
		})
		return rdb, rdb.Close, nil
	case len(c.ClusterAddrs) > 0:
		rdb := redis.NewClusterClient(&redis.ClusterOptions{
			Addrs: c.ClusterAddrs, Username: base.Username, Password: base.Password, TLSConfig: base.TLSConfig,
			DialTimeout: dialTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout, PoolTimeout: poolTimeout,
			MaxRetries: maxRetries, MinRetryBackoff: minRetryBackoff, MaxRetryBackoff: maxRetryBackoff,
			DialerRetries: dialerRetries, DialerRetryTimeout: dialerRetryTimeout,
		})
		return rdb, rdb.Close, nil
	}
	rdb := redis.NewClient(tune(&base))
	return rdb, rdb.Close, nil
}

func tune(o *redis.Options) *redis.Options {
	o.DialTimeout, o.ReadTimeout, o.WriteTimeout, o.PoolTimeout = dialTimeout, readTimeout, writeTimeout, poolTimeout
	o.MaxRetries, o.MinRetryBackoff, o.MaxRetryBackoff = maxRetries, minRetryBackoff, maxRetryBackoff
	o.DialerRetries, o.DialerRetryTimeout = dialerRetries, dialerRetryTimeout
	if o.TLSConfig != nil && o.TLSConfig.MinVersion < tls.VersionTLS12 {
		o.TLSConfig.MinVersion = tls.VersionTLS12
	}
	return o
}
