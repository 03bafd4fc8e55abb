package server

import (
	"context"
	"net/http"
	"time"
)

// reading counts a person's request (a dashboard page, an API read) in
// flight while next serves it: re-judging gives way to them (pacer).
func (s *Server) reading(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.readers.Add(1)
		defer s.readers.Add(-1)
		next.ServeHTTP(w, r)
	})
}

// readerPause is how long a re-judging worker waits at a time while
// people's requests are in flight.
const readerPause = 2 * time.Millisecond

// pacer lets a re-judging worker give way to the people reading the
// dashboard and the API on its server: while their requests are in
// flight it pauses between hosts and batches, but never for longer in
// all than it has worked, so that re-judging keeps at least half its
// pace under constant reading and all of it when no one reads.
type pacer struct {
	readers func() int64
	start   time.Time
	waited  time.Duration
}

func (s *Server) newPacer() *pacer {
	return &pacer{readers: s.readers.Load, start: time.Now()}
}

// yield waits while someone is reading, within the pacer's share.
func (p *pacer) yield(ctx context.Context) {
	for p.readers() > 0 {
		worked := time.Since(p.start) - p.waited
		if p.waited >= worked {
			return
		}
		t0 := time.Now()
		select {
		case <-ctx.Done():
			return
		case <-time.After(readerPause):
		}
		p.waited += time.Since(t0)
	}
}
