package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

// api wraps a route's handler with its access rule and turns the error
// it returns into a JSON response.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch rt.Access {
		case agent:
			a, err := s.authAgent(r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), agentKey, a))
			noteActor(r.Context(), "agent", a.ID)
		case user, admin:
			if token, ok := bearerToken(r); ok {
				v, err := s.authToken(r, token)
				if err != nil {
					s.fail(w, r, err)
					return
				}
				r = withToken(r, v)
				noteActor(r.Context(), "user", v.Username)
				// A token is never an admin's; an auditor's changes
				// nothing. The store checks again.
				if rt.Access == admin || rt.unsafe() && !rt.ReadOnly && v.Role == store.Auditor {
					s.fail(w, r, errorf(http.StatusForbidden, "a %s token may not do this", v.Role))
					return
				}
				break
			}
			sess, v, ok, err := s.session(r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if !ok {
				s.fail(w, r, errorf(http.StatusUnauthorized, "log in first (POST /api/v1/login)"))
				return
			}
			r = withUser(r, sess, v)
			if rt.unsafe() && !checkCSRF(r, sess) {
				s.fail(w, r, errorf(http.StatusForbidden, "missing or wrong %s header", CSRFHeader))
				return
			}
			// Auditors read everything and change nothing; admin routes
			// are for admins. The store checks again: this is the
			// first of two locks.
			if rt.unsafe() && !rt.ReadOnly && v.Role == store.Auditor || rt.Access == admin && v.Role != store.Admin {
				s.fail(w, r, errorf(http.StatusForbidden, "a %s may not do this", v.Role))
				return
			}
		}
		if err := rt.handle(s, w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail writes err as the JSON error response; store errors map to their
// statuses, anything unexpected is logged and shown as a 500 without
// detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	var re *rateError
	var se *midStreamError
	switch {
	case errors.As(err, &se):
		// The status and part of the body are sent: log it, and leave
		// the body cut short for the client to notice.
		s.log.ErrorContext(r.Context(), "response cut short", "method", r.Method, "path", r.URL.Path, "err", se.err)
		noteError(r.Context(), "response cut short: "+se.err.Error())
		return
	case errors.As(err, &re):
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(re.wait)))
		err = errorf(http.StatusTooManyRequests, "%s; retry after %d s", re.msg, retryAfter(re.wait))
	case errors.As(err, &he):
	case errors.Is(err, store.ErrNotFound):
		err = errorf(http.StatusNotFound, "not found")
	case errors.Is(err, store.ErrForbidden):
		err = errorf(http.StatusForbidden, "forbidden")
	case errors.Is(err, store.ErrConflict):
		err = errorf(http.StatusConflict, "%v", err)
	case errors.Is(err, store.ErrInvalid):
		err = errorf(http.StatusBadRequest, "%v", err)
	case errors.Is(err, context.Canceled):
		err = errorf(499, "request cancelled")
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		err = errorf(http.StatusInternalServerError, "internal error")
	}
	errors.As(err, &he)
	noteError(r.Context(), he.msg)
	if !isAPI(r.URL.Path) {
		http.Error(w, he.msg, he.status)
		return
	}
	writeError(w, he)
}

// midStreamError is a failure after a response began: nothing more can
// be said to the client but a cut body.
type midStreamError struct{ err error }

func (e *midStreamError) Error() string { return e.err.Error() }

func streamError(err error) error { return &midStreamError{err} }

func writeError(w http.ResponseWriter, he *httpError) {
	writeJSON(w, he.status, map[string]string{"error": he.msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readJSON decodes a small JSON request body into v, strictly.
func readJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errorf(http.StatusUnsupportedMediaType, "content type %q: want application/json", ct)
	}
	body, err := readSmall(r)
	if err != nil {
		return err
	}
	return decodeStrict(body, v)
}

// readSmall reads a request body of at most maxFormBody bytes.
func readSmall(r *http.Request) ([]byte, error) { return readBody(r, maxFormBody) }

// ready answers 200 when the store answers.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if err := s.st.Ping(r.Context()); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err)
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ready\n"))
}

// readBody reads a request body of at most max bytes.
func readBody(r *http.Request, max int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "body is over the %d-byte limit", max)
		}
		return nil, errorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	return body, nil
}
