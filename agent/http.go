package agent

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxResponse bounds what is read of any answer of the server: they are
// small JSON documents.
const maxResponse = 64 << 10

// maxRetryAfter caps a server's Retry-After, so that a wrong header
// cannot silence an agent for days.
const maxRetryAfter = time.Hour

// response is an answer of the server, read whole.
type response struct {
	status     int
	body       []byte
	retryAfter time.Duration // 0: none given
}

func (r response) describe() string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(r.body, &e) == nil && e.Error != "" {
		return fmt.Sprintf("%d %s: %s", r.status, http.StatusText(r.status), e.Error)
	}
	return fmt.Sprintf("%d %s", r.status, http.StatusText(r.status))
}

// transient reports whether the request may succeed if sent again.
func (r response) transient() bool {
	return r.status >= 500 || r.status == http.StatusTooManyRequests || r.status == http.StatusRequestTimeout
}

// do sends req and reads the answer (at most maxResponse bytes).
func (a *agent) do(req *http.Request) (response, error) {
	req.Header.Set("User-Agent", "embargo-agent/"+a.cfg.Version)
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return response{}, fmt.Errorf("reading the answer: %w", err)
	}
	return response{status: resp.StatusCode, body: body, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), a.cfg.Now())}, nil
}

func (a *agent) endpoint(path string) string {
	return a.cfg.Server.JoinPath("api/v1", path).String()
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		d = time.Duration(min(max(n, 0), int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// retryError is a failure worth retrying, after at least `after` when
// the server said so.
type retryError struct {
	err   error
	after time.Duration
}

func (e *retryError) Error() string { return e.err.Error() }
func (e *retryError) Unwrap() error { return e.err }

// backoff is the delay before retry number attempt (0-based): "full
// jitter", uniform in [0, min(max, base·2^attempt)), so that agents
// cut off together do not come back together.
func backoff(attempt int, base, ceiling time.Duration) time.Duration {
	d := ceiling
	if attempt < 30 && base<<attempt < ceiling && base<<attempt > 0 {
		d = base << attempt
	}
	return rand.N(d) + 1
}

// jittered moves d by a uniform amount within ±frac of it.
func jittered(d time.Duration, frac float64) time.Duration {
	return d + time.Duration((rand.Float64()*2-1)*frac*float64(d))
}
