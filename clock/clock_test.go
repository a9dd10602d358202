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
