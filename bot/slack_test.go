package bot_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/slack-go/slack"

	"carebot/bot"
	"carebot/clock"
	"carebot/metrics"
	"carebot/slackfake"
)

func newSlack(t *testing.T, clk clock.Clock) (*bot.Slack, *slackfake.Server, *metrics.Metrics) {
	t.Helper()
	fake := slackfake.New(slackfake.WithEcho(false))
	t.Cleanup(fake.Close)
	api := slack.New(fake.BotToken(), slack.OptionAPIURL(fake.APIURL()))
	m := metrics.New(prometheus.NewRegistry())
	out, err := bot.NewSlack(api, http.DefaultClient, clk, m, bot.SlackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out, fake, m
}

// parked waits until n calls sleep on the fake clock.
func parked(t *testing.T, clk *clock.Fake, n int) {
	t.Helper()
	waitFor(t, "a call waiting on the clock", func() bool { return clk.Sleepers() >= n })
}

func post(out *bot.Slack, channel string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := out.PostMessage(context.Background(), channel, slack.MsgOptionText("hello", false))
		done <- err
	}()
	return done
}

func TestPostsToOneChannelArePacedAtOnePerSecond(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
	out, fake, _ := newSlack(t, clk)

	// A short burst goes out at once (the default burst is 3)…
	for range 3 {
		if err := <-post(out, "C1"); err != nil {
			t.Fatal(err)
		}
	}
	// …then one a second.
	second := post(out, "C1")
	parked(t, clk, 1)
	if err := <-post(out, "C2"); err != nil { // another channel is not held up
		t.Fatal(err)
	}
	select {
	case <-second:
		t.Fatal("second post to C1 went out without waiting")
	default:
	}
	clk.Advance(time.Second)
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := fake.Calls("chat.postMessage"); n != 5 {
		t.Errorf("chat.postMessage calls = %d, want 5", n)
	}
	third := post(out, "C1")
	parked(t, clk, 1)
	clk.Advance(999 * time.Millisecond)
	select {
	case <-third:
		t.Fatal("a post beyond the burst went out before its second")
	default:
	}
	clk.Advance(time.Millisecond)
	if err := <-third; err != nil {
		t.Fatal(err)
	}
}

func TestRateLimitedPostWaitsRetryAfterThenPostsOnce(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
	out, fake, m := newSlack(t, clk)
	fake.Fail("chat.postMessage", http.StatusTooManyRequests, 2*time.Second, 1)

	done := post(out, "C1")
	parked(t, clk, 1)
	clk.Advance(1999 * time.Millisecond)
	select {
	case <-done:
		t.Fatal("post retried before Retry-After passed")
	default:
	}
	clk.Advance(time.Millisecond)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Posts()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
	if got := testutil.ToFloat64(m.SlackCalls.WithLabelValues("chat.postMessage", "rate_limited")); got != 1 {
		t.Errorf("rate_limited calls = %v, want 1", got)
	}
}

func TestServerErrorIsNotRetriedForPostButIsForUpdate(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
	out, fake, _ := newSlack(t, clk)

	fake.Fail("chat.postMessage", http.StatusInternalServerError, 0, 1)
	if err := <-post(out, "C1"); err == nil {
		t.Fatal("a post whose outcome is unknown was reported as done")
	}
	if n := fake.Calls("chat.postMessage"); n != 1 {
		t.Fatalf("chat.postMessage sent %d times after a 500, want 1 (a repeat could double it)", n)
	}

	ts, err := out.PostMessage(context.Background(), "C2", slack.MsgOptionText("v1", false))
	if err != nil {
		t.Fatal(err)
	}
	fake.Fail("chat.update", http.StatusServiceUnavailable, 0, 1)
	done := make(chan error, 1)
	go func() { done <- out.UpdateMessage(context.Background(), "C2", ts, slack.MsgOptionText("v2", false)) }()
	parked(t, clk, 1)
	clk.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("update after one 503 = %v, want success on retry", err)
	}
	if n := fake.Calls("chat.update"); n != 2 {
		t.Errorf("chat.update calls = %d, want 2", n)
	}
}

func TestRetryAfterLongerThanCapFailsAtOnce(t *testing.T) {
	t.Parallel()
	out, fake, _ := newSlack(t, clock.NewFake(time.Unix(0, 0)))
	fake.Fail("chat.postMessage", http.StatusTooManyRequests, 10*time.Minute, 1)
	if err := <-post(out, "C1"); err == nil {
		t.Fatal("a 10-minute Retry-After was waited out")
	}
}

func TestRetryAfterHoldsEveryCallOfTheMethod(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC))
	out, fake, _ := newSlack(t, clk)
	fake.Fail("chat.postMessage", http.StatusTooManyRequests, 5*time.Second, 1)

	first := post(out, "C1")
	parked(t, clk, 1) // the 429 came back; the first post waits
	second := post(out, "C2")
	parked(t, clk, 2) // a post to another channel waits for the same Retry-After
	clk.Advance(5 * time.Second)
	for _, done := range []<-chan error{first, second} {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Calls("chat.postMessage"); n != 3 {
		t.Errorf("chat.postMessage calls = %d, want 3 (one 429, then both posts)", n)
	}
}

func TestResponseURLNeverInErrors(t *testing.T) {
	t.Parallel()
	out, _, _ := newSlack(t, clock.Real{})
	const secret = "http://127.0.0.1:1/response/T0-secret-hook"
	err := out.Respond(context.Background(), secret, &bot.Reply{Text: "hi"})
	if err == nil {
		t.Fatal("a post to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "secret-hook") {
		t.Fatalf("error %q carries the response_url", err)
	}
}
