package server

import (
	"math"
	"sync"
	"time"
)

// maxBuckets bounds the keys a limiter remembers; past it, full buckets
// (keys that have been quiet long enough to refill) are forgotten, so a
// flood of distinct addresses costs bounded memory.
const maxBuckets = 100_000

// limiter is a token bucket per key (a client address, an agent id):
// burst tokens, refilled at rate per second.
type limiter struct {
	rate  float64 // tokens per second
	burst float64
	mu    sync.Mutex
	keys  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(perMinute, burst int) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), keys: map[string]*bucket{}}
}

// allow takes a token for key at now. When none is left it returns false
// and how long until one will be.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.keys[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el*l.rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if l.rate <= 0 {
		return false, time.Hour
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// prune forgets buckets that would be full by now; if that frees
// nothing (a flood), it forgets them all rather than grow.
func (l *limiter) prune(now time.Time) {
	for k, b := range l.keys {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxBuckets {
		clear(l.keys)
	}
}

// retryAfter is a Retry-After value: whole seconds, at least one.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
