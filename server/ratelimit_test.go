package server

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	l := newLimiter(60, 3) // one a second, three at once
	for i := range 3 {
		if ok, _ := l.allow("a", t0); !ok {
			t.Fatalf("request %d within the burst refused", i)
		}
	}
	ok, wait := l.allow("a", t0)
	if ok || wait != time.Second {
		t.Fatalf("fourth at once = %v, wait %v; want refused for 1s", ok, wait)
	}
	if ok, _ := l.allow("b", t0); !ok {
		t.Fatal("another key shares the bucket")
	}
	if ok, _ := l.allow("a", t0.Add(time.Second)); !ok {
		t.Fatal("refilled token refused")
	}
	if got := retryAfter(1500 * time.Millisecond); got != 2 {
		t.Fatalf("retryAfter(1.5s) = %d, want 2", got)
	}
}

func TestLimiterBoundedKeys(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	l := newLimiter(60, 1)
	for i := range maxBuckets + 10 {
		l.allow(string(rune(i)), t0)
	}
	if n := len(l.keys); n > maxBuckets {
		t.Fatalf("limiter holds %d keys, over %d", n, maxBuckets)
	}
}
