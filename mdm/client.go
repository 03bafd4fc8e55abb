package mdm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// client sends the requests of one pull, one at a time: it authorises
// each (auth), retries what the vendors say to retry, renews the token
// once on a 401, and reads each body whole up to a bound.
//
// Retried: 429 and 503 after the Retry-After the server gives (seconds
// or an HTTP date; Microsoft Graph's throttling guidance), else after an
// exponential backoff, as for 500, 502, 504, 408 and transport errors.
// Each request is tried at most 1+MaxRetries times.
type client struct {
	hc      *http.Client
	auth    authorizer // nil: no authorisation (the token endpoint)
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	log     *slog.Logger
	red     *redactor
	st      *stats
	retry   RetryPolicy
	maxBody int64
}

// authorizer puts credentials on a request and, for tokens, can replace
// them when the server refuses them.
type authorizer interface {
	authorize(ctx context.Context, req *http.Request) error
	// renew fetches a new token; false when the credentials cannot be
	// renewed (basic authentication).
	renew(ctx context.Context) (bool, error)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// StatusError is a request the server refused with a status that is not
// retried, or still refused after every retry.
type StatusError struct {
	What   string // the request, "GET https://..."
	Status int
	Detail string // the start of the body, printable characters only
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d %s", e.What, e.Status, http.StatusText(e.Status))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

var errTooLarge = errors.New("response body over the size limit")

// get fetches url with the Accept header given.
func (c *client) get(ctx context.Context, url, accept string) (*response, error) {
	return c.do(ctx, "GET "+url, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err == nil {
			req.Header.Set("Accept", accept)
		}
		return req, err
	})
}

// do sends the request build makes, retrying per the policy. A 2xx
// response is returned; anything else is an error.
func (c *client) do(ctx context.Context, what string, build func() (*http.Request, error)) (*response, error) {
	renewed := false
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		req, err := build()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if c.auth != nil {
			if err := c.auth.authorize(ctx, req); err != nil {
				return nil, err
			}
		}
		c.st.Requests++
		resp, err := c.hc.Do(req)
		var wait time.Duration
		var failure error
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			failure = fmt.Errorf("%s: %w", what, err)
			wait = c.backoff(attempt)
		} else {
			body, rerr := readBody(resp.Body, c.maxBody)
			resp.Body.Close()
			status := resp.StatusCode
			switch {
			case errors.Is(rerr, errTooLarge):
				return nil, fmt.Errorf("%s: %w (%d bytes)", what, rerr, c.maxBody)
			case rerr != nil:
				failure = fmt.Errorf("%s: reading the response: %w", what, rerr)
				wait = c.backoff(attempt)
			case status >= 200 && status < 300:
				return &response{status: status, header: resp.Header, body: body}, nil
			case status == http.StatusUnauthorized && c.auth != nil && !renewed:
				ok, err := c.auth.renew(ctx)
				if err != nil {
					return nil, err
				}
				if ok {
					renewed = true
					c.log.Info("token refused; renewed it", "request", what)
					attempt-- // a renewal is not a retry
					continue
				}
				return nil, c.statusError(what, status, body)
			case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
				failure = c.statusError(what, status, body)
				var ok bool
				if wait, ok = retryAfter(resp.Header.Get("Retry-After"), c.now()); !ok {
					wait = c.backoff(attempt)
				}
				if wait > c.retry.MaxRetryAfter {
					return nil, fmt.Errorf("%w; the server asks to wait %s, over the %s this pull waits", failure, wait, c.retry.MaxRetryAfter)
				}
			case status == http.StatusInternalServerError || status == http.StatusBadGateway ||
				status == http.StatusGatewayTimeout || status == http.StatusRequestTimeout:
				failure = c.statusError(what, status, body)
				wait = c.backoff(attempt)
			default:
				return nil, c.statusError(what, status, body)
			}
		}
		if attempt > c.retry.MaxRetries {
			return nil, fmt.Errorf("giving up after %d attempts: %w", attempt, failure)
		}
		c.st.Retries++
		c.log.Info("retrying", "request", what, "attempt", attempt, "wait", wait, "cause", c.red.text(failure.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func (c *client) statusError(what string, status int, body []byte) *StatusError {
	// Redact before cutting, so that no part of a secret survives at the
	// cut.
	return &StatusError{What: what, Status: status, Detail: snippet(c.red.text(string(body)))}
}

// backoff is the wait before retry number attempt: Base doubled each
// time, at most Max.
func (c *client) backoff(attempt int) time.Duration {
	d := c.retry.BackoffBase
	for i := 1; i < attempt && d < c.retry.BackoffMax; i++ {
		d *= 2
	}
	return min(d, c.retry.BackoffMax)
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 section 10.2.3).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > int64(365*24*time.Hour/time.Second) {
			return 0, false
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func readBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// snippet is the start of an error body on one line, for messages.
func snippet(s string) string {
	const n = 200
	if len(s) > n {
		s = s[:n] + "..."
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// contextKind is context.Canceled or context.DeadlineExceeded when err is
// one of them, else nil.
func contextKind(err error) error {
	for _, k := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
