package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestPacer: a re-judging worker waits while people read, never longer
// in all than it has worked, and not at all when no one reads.
func TestPacer(t *testing.T) {
	var readers atomic.Int64
	p := &pacer{readers: readers.Load, start: time.Now()}
	ctx := context.Background()
	t0 := time.Now()
	p.yield(ctx)
	if d := time.Since(t0); d > 10*time.Millisecond || p.waited != 0 {
		t.Errorf("no one reading: waited %v (counted %v)", d, p.waited)
	}
	// Work 30 ms, then someone reads for good: the worker waits about
	// as long as it worked, then goes on.
	time.Sleep(30 * time.Millisecond)
	readers.Store(1)
	t0 = time.Now()
	p.yield(ctx)
	d := time.Since(t0)
	if d < 25*time.Millisecond || d > 200*time.Millisecond {
		t.Errorf("reading for good after 30 ms of work: waited %v, want about 30 ms", d)
	}
	if worked := time.Since(p.start) - p.waited; p.waited > worked+readerPause*2 {
		t.Errorf("waited %v in all for %v of work", p.waited, worked)
	}
	// The share is spent: the next yield goes on at once.
	t0 = time.Now()
	p.yield(ctx)
	if d := time.Since(t0); d > 10*time.Millisecond {
		t.Errorf("with the share spent, waited %v more", d)
	}
	// A cancelled context ends the wait.
	time.Sleep(40 * time.Millisecond)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	t0 = time.Now()
	p.yield(cctx)
	if d := time.Since(t0); d > 10*time.Millisecond {
		t.Errorf("cancelled: waited %v", d)
	}
}

// A person's request is counted while it is served, and no longer.
func TestReadersCounted(t *testing.T) {
	f := newFixture(t, sqliteEngine, nil)
	var seen atomic.Int64
	inner := f.srv.reading(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Store(f.srv.readers.Load()) }))
	inner.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if seen.Load() != 1 || f.srv.readers.Load() != 0 {
		t.Errorf("in flight %d, after %d; want 1 and 0", seen.Load(), f.srv.readers.Load())
	}
}
