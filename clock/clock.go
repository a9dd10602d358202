// Package clock lets time-dependent code run against the wall clock in
// production and a hand-driven clock in tests.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time and waits. Code that needs either takes a Clock rather
// than calling the time package, so tests can drive it.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, and returns ctx.Err() in the
	// second case.
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
type Real struct{}

// Now returns the current time.
func (Real) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Fake is a clock that moves only when told to. The zero value is not usable;
// use NewFake.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	until time.Time
	done  chan struct{}
}

// NewFake returns a fake clock reading t.
func NewFake(t time.Time) *Fake { return &Fake{now: t} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Sleep waits until the fake time has been advanced by d, or ctx is done.
func (f *Fake) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	f.mu.Lock()
	w := waiter{until: f.now.Add(d), done: make(chan struct{})}
	f.waiters = append(f.waiters, w)
	f.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-w.done:
		return nil
	}
}

// Advance moves the fake time forward by d and wakes the sleepers it passes.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if !w.until.After(f.now) {
			close(w.done)
			continue
		}
		kept = append(kept, w)
	}
	f.waiters = kept
}

// Sleepers reports how many Sleep calls are waiting, so a test can advance the
// clock only once the code under test is parked.
func (f *Fake) Sleepers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiters)
}

// Ahead is the wall clock moved forward by hand: it runs at real speed, and
// Advance jumps it ahead, as the sandbox does to reach a shift boundary or an
// escalation without waiting for it. The zero value is the wall clock.
type Ahead struct {
	mu sync.Mutex
	by time.Duration
}

// Now returns the wall-clock time plus every advance so far.
func (a *Ahead) Now() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return time.Now().Add(a.by)
}

// Sleep waits for d of real time or until ctx is done.
func (a *Ahead) Sleep(ctx context.Context, d time.Duration) error { return Real{}.Sleep(ctx, d) }

// Advance moves the clock d ahead.
func (a *Ahead) Advance(d time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.by += d
}
