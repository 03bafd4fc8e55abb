package store

import (
	"math"
	"testing"
)

// TestAddCounters: the web pages add counters up as the stores do.
func TestAddCounters(t *testing.T) {
	for _, tc := range []struct{ a, b, want uint64 }{
		{1, 2, 3},
		{MaxCounter, 1, MaxCounter},
		{math.MaxUint64, math.MaxUint64, MaxCounter},
		{MaxCounter - 1, 1, MaxCounter},
	} {
		if got := AddCounters(tc.a, tc.b); got != tc.want {
			t.Errorf("AddCounters(%d, %d) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
