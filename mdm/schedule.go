package mdm

import (
	"context"
	"time"
)

// Scheduler runs a job now and then again Interval after each run ends,
// until its context is done, so that runs never overlap. After replaces
// time.After in tests.
type Scheduler struct {
	Interval time.Duration
	After    func(time.Duration) <-chan time.Time
}

// Run calls fn until ctx is done and returns ctx's error.
func (s Scheduler) Run(ctx context.Context, fn func(context.Context)) error {
	after := s.After
	if after == nil {
		after = time.After
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		fn(ctx)
		if err := ctx.Err(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-after(s.Interval):
		}
	}
}

// RunEvery calls fn now and then every interval after the previous call
// returned, until ctx is done; for `embargo serve`, one per connector:
//
//	go mdm.RunEvery(ctx, conn.Interval, func(ctx context.Context) { mdm.Pull(ctx, conn, opts) })
func RunEvery(ctx context.Context, interval time.Duration, fn func(context.Context)) error {
	return Scheduler{Interval: interval}.Run(ctx, fn)
}
