package server

import (
	"fmt"
	"testing"
	"time"
)

// The wait doubles past freeFailures up to maxBackoff, a success clears
// it, and the table stays bounded however many names are tried.
func TestLoginBackoff(t *testing.T) {
	b := newLoginBackoff()
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	k := backoffKey(" Admin ", "10.0.0.1")
	if k != backoffKey("admin", "10.0.0.1") || k == backoffKey("admin", "10.0.0.2") {
		t.Fatal("keys: a name is compared folded, an address as it is")
	}
	var got []time.Duration
	for range freeFailures + 12 {
		b.failed(k, t0)
		got = append(got, b.wait(k, t0))
	}
	for i, w := range got {
		want := time.Duration(0)
		if n := i + 1 - freeFailures; n >= 0 {
			want = min(time.Second<<n, maxBackoff)
		}
		if w != want {
			t.Errorf("after %d failures: wait %v, want %v", i+1, w, want)
		}
	}
	b.succeeded(k)
	if w := b.wait(k, t0); w != 0 {
		t.Errorf("after a success: wait %v", w)
	}
	for i := range maxBackoffKeys + 10 {
		b.failed(backoffKey(fmt.Sprintf("user-%d", i), "10.0.0.9"), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(b.m); n > maxBackoffKeys {
		t.Errorf("%d entries, more than %d", n, maxBackoffKeys)
	}
}
