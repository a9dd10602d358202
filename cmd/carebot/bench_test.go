package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"carebot/bot"
	"carebot/slackfake"
)

// BenchmarkPipeline drives the whole stack on loopback: the Slack stand-in
// sends b.N DMs from different nurses at a fixed rate to one carebot replica
// over Socket Mode; carebot stores, acks, creates the ticket and replies. It
// reports the ack latency and the first-reply latency as the stand-in sees
// them, and Redis round trips per report. Use a fixed count and a real Redis:
//
//	CAREBOT_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test -run '^$' -bench Pipeline -benchtime 2000x ./cmd/carebot/
func BenchmarkPipeline(b *testing.B) {
	for _, rate := range []int{200, 1000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { benchPipeline(b, rate) })
	}
}

func benchPipeline(b *testing.B, rate int) {
	h := newHarness(b, harnessOptions{fake: []slackfake.Option{slackfake.WithAckTimeout(3 * time.Second)}})
	r := h.start(bot.Options{})
	var roundTrips atomic.Int64
	r.app.rdb.AddHook(countHook{&roundTrips})

	type sent struct {
		msg slackfake.Message
		at  time.Time
	}
	feed, unsubscribe := h.fake.Subscribe()
	defer unsubscribe()
	var mu sync.Mutex
	replied := map[string]time.Time{} // channel/thread -> when the reply arrived
	stopFeed := make(chan struct{})
	var feedDone sync.WaitGroup
	feedDone.Go(func() {
		for {
			select {
			case p := <-feed:
				if p.ThreadTS != "" && !p.Update {
					mu.Lock()
					if _, ok := replied[p.Channel+"/"+p.ThreadTS]; !ok {
						replied[p.Channel+"/"+p.ThreadTS] = time.Now()
					}
					mu.Unlock()
				}
			case <-stopFeed:
				return
			}
		}
	})

	msgs := make([]sent, 0, b.N)
	interval := time.Second / time.Duration(rate)
	roundTrips.Store(0)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		at := time.Now()
		m := h.fake.DM(fmt.Sprintf("U0LOAD%05d", i), "label printer on 4 West is jammed again")
		msgs = append(msgs, sent{m, at})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	acks := make([]time.Duration, 0, b.N)
	for _, s := range msgs {
		ack, err := h.fake.WaitEventAck(ctx, s.msg.EventID)
		if err != nil {
			b.Fatalf("event not acked: %v", err)
		}
		acks = append(acks, ack.At.Sub(s.at))
	}
	var replies []time.Duration
	deadline := time.Now().Add(time.Minute)
	for len(replies) < len(msgs) && time.Now().Before(deadline) {
		replies = replies[:0]
		mu.Lock()
		for _, s := range msgs {
			if t, ok := replied[s.msg.Channel+"/"+s.msg.TS]; ok {
				replies = append(replies, t.Sub(s.at))
			}
		}
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(stopFeed)
	feedDone.Wait()
	if len(replies) < len(msgs) {
		b.Fatalf("%d of %d reports answered", len(replies), len(msgs))
	}
	b.ReportMetric(float64(len(msgs))/elapsed.Seconds(), "events/s")
	b.ReportMetric(ms(percentile(acks, 50)), "ack-p50-ms")
	b.ReportMetric(ms(percentile(acks, 99)), "ack-p99-ms")
	b.ReportMetric(ms(percentile(replies, 50)), "reply-p50-ms")
	b.ReportMetric(ms(percentile(replies, 99)), "reply-p99-ms")
	b.ReportMetric(float64(roundTrips.Load())/float64(len(msgs)), "redis-rt/report")
	b.ReportMetric(0, "ns/op")
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// countHook counts Redis round trips: each command or pipeline is one.
type countHook struct{ n *atomic.Int64 }

func (h countHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}
