package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// BodyLimits bound how an upload's body must arrive, so that an agent
// that sends headers and then stalls (or trickles) holds nothing for
// long: the whole body within Deadline, and, past Grace, on average at
// least MinRate bytes a second.
type BodyLimits struct {
	Deadline time.Duration // 0: DefaultBodyLimits'
	Grace    time.Duration
	MinRate  int64 // bytes per second
}

// DefaultBodyLimits let a 32 MiB upload over a 1 Mbit/s link through and
// drop a stalled one within 10 s.
var DefaultBodyLimits = BodyLimits{Deadline: 5 * time.Minute, Grace: 10 * time.Second, MinRate: 8 << 10}

func (l BodyLimits) withDefaults() BodyLimits {
	d := DefaultBodyLimits
	if l.Deadline <= 0 {
		l.Deadline = d.Deadline
	}
	if l.Grace <= 0 {
		l.Grace = d.Grace
	}
	if l.MinRate <= 0 {
		l.MinRate = d.MinRate
	}
	return l
}

// bodyChunk is how much is read at a time; each read must arrive by the
// time the bytes so far and the chunk would at MinRate.
const bodyChunk = 32 << 10

// readUploadBody reads r's body, at most limit bytes (one more is an error),
// under lim: a body that does not arrive in time is a 408, said of the
// bytes that did.
func readUploadBody(w http.ResponseWriter, r *http.Request, limit int64, lim BodyLimits) ([]byte, error) {
	lim = lim.withDefaults()
	rc := http.NewResponseController(w)
	start := time.Now()
	end := start.Add(lim.Deadline)
	defer rc.SetReadDeadline(time.Time{})
	size := limit + 1
	if r.ContentLength >= 0 && r.ContentLength < size {
		size = r.ContentLength + 1
	}
	buf := make([]byte, 0, min(size, 1<<20))
	for {
		due := start.Add(max(lim.Grace, time.Duration(float64(len(buf)+bodyChunk)/float64(lim.MinRate)*float64(time.Second))))
		if due.After(end) {
			due = end
		}
		if err := rc.SetReadDeadline(due); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Body.Read(buf[len(buf):min(cap(buf), len(buf)+bodyChunk)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errorf(http.StatusRequestEntityTooLarge, "body is over the %d-byte limit", limit)
		}
		switch {
		case errors.Is(err, io.EOF):
			return buf, nil
		case errors.Is(err, os.ErrDeadlineExceeded):
			return nil, errorf(http.StatusRequestTimeout, "the body came too slowly: %d bytes in %s (at least %d bytes a second after %s, all within %s)",
				len(buf), time.Since(start).Round(time.Millisecond), lim.MinRate, lim.Grace, lim.Deadline)
		case err != nil:
			return nil, errorf(http.StatusBadRequest, "reading the body: %v", err)
		}
	}
}

// claimAgent marks an upload of agent id in progress; false when one
// already is.
func (s *Server) claimAgent(id string) bool {
	s.busyMu.Lock()
	defer s.busyMu.Unlock()
	if s.busy[id] {
		return false
	}
	s.busy[id] = true
	return true
}

func (s *Server) releaseAgent(id string) {
	s.busyMu.Lock()
	delete(s.busy, id)
	s.busyMu.Unlock()
}
