package clock

import (
	"context"
	"testing"
	"time"
)

func TestFakeSleepWakesOnlyWhenAdvancedPastDeadline(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	f := NewFake(start)
	done := make(chan error, 1)
	go func() { done <- f.Sleep(context.Background(), time.Minute) }()
	for f.Sleepers() == 0 {
		time.Sleep(time.Millisecond)
	}
	f.Advance(59 * time.Second)
	select {
	case <-done:
		t.Fatal("Sleep returned before its deadline")
	default:
	}
	f.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Sleep = %v, want nil", err)
	}
	if got := f.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Fatalf("Now = %v, want %v", got, start.Add(time.Minute))
	}
}

func TestFakeSleepReturnsOnCancel(t *testing.T) {
	t.Parallel()
	f := NewFake(time.Unix(0, 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Sleep(ctx, time.Hour); err != context.Canceled {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
}

func TestAheadRunsAtRealSpeedPlusAdvances(t *testing.T) {
	var a Ahead
	if d := time.Until(a.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("the zero Ahead is %v off the wall clock", d)
	}
	a.Advance(2 * time.Hour)
	a.Advance(30 * time.Minute)
	if d := time.Until(a.Now()); d < 150*time.Minute-time.Second || d > 150*time.Minute+time.Second {
		t.Errorf("after advancing 2h30m the clock is %v ahead", d)
	}
}
