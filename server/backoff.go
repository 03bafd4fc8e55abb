package server

import (
	"strings"
	"sync"
	"time"
)

// Login back-off: past freeFailures failed logins in a row for one
// account name from one client address, each next attempt from there
// waits twice as long as the last (1 s, 2 s, 4 s, … at most maxBackoff).
// The key is the name as typed, whether an account has it or not, so
// that known and unknown names answer alike; and it includes the
// address, so that no one can keep an account's owner (the admin
// included) out by failing on purpose from elsewhere.
const (
	freeFailures = 5
	maxBackoff   = 15 * time.Minute
	// maxBackoffKeys bounds the table: past it, entries whose wait is
	// over go first, and a full table of live ones makes room by
	// dropping the oldest.
	maxBackoffKeys = 100_000
)

type loginBackoff struct {
	mu sync.Mutex
	m  map[string]*backoffEntry
}

type backoffEntry struct {
	failures int
	until    time.Time // no attempt before
	last     time.Time
}

func newLoginBackoff() *loginBackoff { return &loginBackoff{m: map[string]*backoffEntry{}} }

func backoffKey(username, addr string) string {
	return strings.ToLower(strings.TrimSpace(username)) + "\x00" + addr
}

// wait is how long key must wait before its next attempt at now.
func (b *loginBackoff) wait(key string, now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.m[key]; ok && e.until.After(now) {
		return e.until.Sub(now)
	}
	return 0
}

// failed counts a failed attempt of key at now.
func (b *loginBackoff) failed(key string, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.m[key]
	if !ok {
		b.makeRoom(now)
		e = &backoffEntry{}
		b.m[key] = e
	}
	e.failures++
	e.last = now
	if n := e.failures - freeFailures; n >= 0 {
		d := maxBackoff
		if n < 20 && time.Second<<n < maxBackoff {
			d = time.Second << n
		}
		e.until = now.Add(d)
	}
}

// succeeded clears key.
func (b *loginBackoff) succeeded(key string) {
	b.mu.Lock()
	delete(b.m, key)
	b.mu.Unlock()
}

// makeRoom keeps the table under maxBackoffKeys.
func (b *loginBackoff) makeRoom(now time.Time) {
	if len(b.m) < maxBackoffKeys {
		return
	}
	var oldest string
	var at time.Time
	for k, e := range b.m {
		if !e.until.After(now) && now.Sub(e.last) > maxBackoff {
			delete(b.m, k)
			continue
		}
		if oldest == "" || e.last.Before(at) {
			oldest, at = k, e.last
		}
	}
	if len(b.m) >= maxBackoffKeys {
		delete(b.m, oldest)
	}
}
