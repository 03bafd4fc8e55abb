package mdm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestScheduler: the job runs at once, then each time the interval
// after the previous run has passed, and stops with the context.
func TestScheduler(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ticks := make(chan time.Time)
	var asked []time.Duration
	s := Scheduler{Interval: 6 * time.Hour, After: func(d time.Duration) <-chan time.Time {
		asked = append(asked, d)
		return ticks
	}}
	runs := 0
	done := make(chan error)
	go func() {
		done <- s.Run(ctx, func(context.Context) {
			runs++
			if runs == 3 {
				cancel()
			}
		})
	}()
	ticks <- time.Time{}
	ticks <- time.Time{}
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	if runs != 3 {
		t.Errorf("%d runs, want 3", runs)
	}
	if diff := cmp.Diff([]time.Duration{6 * time.Hour, 6 * time.Hour}, asked); diff != "" {
		t.Errorf("waits (-want +got)\n%s", diff)
	}
}

func TestRunEveryCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	if err := RunEvery(ctx, time.Hour, func(context.Context) { called = true }); !errors.Is(err, context.Canceled) || called {
		t.Errorf("err %v, called %v", err, called)
	}
}
