package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Session and login settings.
const (
	SessionCookie   = "embargo_session"
	CSRFHeader      = "X-CSRF-Token"
	csrfField       = "csrf"
	sessionLifetime = 12 * time.Hour
	// maxFormBody bounds a form or JSON request body.
	maxFormBody = 1 << 20
)

type ctxKey int

const (
	viewerKey ctxKey = iota
	sessionKey
	agentKey
)

// randomToken is 32 random bytes, URL-safe base64.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

// viewerFrom returns the logged-in user of a request.
func viewerFrom(r *http.Request) (store.Viewer, bool) {
	v, ok := r.Context().Value(viewerKey).(store.Viewer)
	return v, ok
}

// sessionFrom returns the request's session.
func sessionFrom(r *http.Request) (store.Session, bool) {
	s, ok := r.Context().Value(sessionKey).(store.Session)
	return s, ok
}

// csrfToken is the CSRF token of the request's session, for forms.
func csrfToken(r *http.Request) string {
	s, _ := sessionFrom(r)
	return s.CSRF
}

// session looks up the request's session cookie; ok is false when there
// is none or it has expired.
func (s *Server) session(r *http.Request) (store.Session, store.Viewer, bool, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return store.Session{}, store.Viewer{}, false, nil
	}
	sess, err := s.st.SessionByToken(r.Context(), hashToken(c.Value), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, store.Viewer{}, false, nil
	}
	if err != nil {
		return store.Session{}, store.Viewer{}, false, fmt.Errorf("looking up a session: %w", err)
	}
	u, err := s.st.UserByID(r.Context(), sess.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, store.Viewer{}, false, nil
	}
	if err != nil {
		return store.Session{}, store.Viewer{}, false, fmt.Errorf("looking up a session's user: %w", err)
	}
	return sess, store.Viewer{UserID: u.ID, Username: u.Username, Role: u.Role, Department: u.Department}, true, nil
}

// withUser puts a session and its viewer in the request's context.
func withUser(r *http.Request, sess store.Session, v store.Viewer) *http.Request {
	ctx := context.WithValue(r.Context(), sessionKey, sess)
	ctx = context.WithValue(ctx, viewerKey, v)
	noteActor(ctx, "user", v.Username)
	return r.WithContext(ctx)
}

// checkCSRF compares the request's token (header, or form field) with
// the session's in constant time.
func checkCSRF(r *http.Request, sess store.Session) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" && isForm(r) {
		r.Body = http.MaxBytesReader(nil, r.Body, maxFormBody)
		if err := r.ParseForm(); err == nil {
			got = r.PostForm.Get(csrfField)
		}
	}
	return got != "" && sess.CSRF != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// withSession attaches the session, if any, to dashboard requests and
// refuses unsafe ones without the session's CSRF token.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, v, ok, err := s.session(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead
		if ok {
			r = withUser(r, sess, v)
		}
		if unsafe && (!ok || !checkCSRF(r, sess)) {
			http.Error(w, "missing or wrong CSRF token; reload the page", http.StatusForbidden)
			return
		}
		if unsafe && ok && v.Role == store.Auditor {
			http.Error(w, "auditors change nothing", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// startSession creates a session for u and sets its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User) (store.Session, error) {
	token := randomToken()
	now := s.now()
	sess := store.Session{TokenHash: hashToken(token), UserID: u.ID, CSRF: randomToken(), Created: now, Expires: now.Add(sessionLifetime)}
	if err := s.st.CreateSession(r.Context(), sess); err != nil {
		return sess, fmt.Errorf("creating a session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	s.metrics.sessions.Inc()
	return sess, nil
}

// endSession deletes the request's session and clears its cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		if err := s.st.DeleteSession(r.Context(), hashToken(c.Value)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("ending a session: %w", err)
		}
		s.metrics.sessions.Dec()
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return nil
}

// login checks a username and password under the per-address rate limit
// and the back-off per account name and address (loginBackoff). Unknown
// and known names answer alike; no account is ever locked.
func (s *Server) login(r *http.Request, username, password string) (store.User, error) {
	now := s.now()
	ip := clientIP(r)
	if ok, wait := s.loginLim.allow("ip:"+ip, now); !ok {
		s.metrics.loginFailures.WithLabelValues("rate").Inc()
		return store.User{}, &rateError{wait: wait, msg: "too many login attempts from this address"}
	}
	key := backoffKey(username, ip)
	if wait := s.backoff.wait(key, now); wait > 0 {
		s.metrics.loginFailures.WithLabelValues("backoff").Inc()
		return store.User{}, &rateError{wait: wait, msg: "too many failed logins for this name from this address"}
	}
	u, err := s.st.UserByName(r.Context(), username)
	if errors.Is(err, store.ErrNotFound) {
		CheckPassword(dummyHash(), password) // as slow as a real check
		s.metrics.loginFailures.WithLabelValues("password").Inc()
		s.backoff.failed(key, now)
		return store.User{}, errorf(http.StatusUnauthorized, "wrong username or password")
	}
	if err != nil {
		return store.User{}, fmt.Errorf("looking up user %q: %w", username, err)
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		s.log.Error("unreadable password hash", "user", u.Username, "err", err)
	}
	// A disabled account answers as a wrong password does: the answer
	// says nothing of which accounts exist or stand.
	if !ok || !u.Disabled.IsZero() {
		s.metrics.loginFailures.WithLabelValues("password").Inc()
		s.backoff.failed(key, now)
		if err := s.st.LoginFailed(r.Context(), u.ID); err != nil {
			return store.User{}, fmt.Errorf("counting a failed login: %w", err)
		}
		return store.User{}, errorf(http.StatusUnauthorized, "wrong username or password")
	}
	s.backoff.succeeded(key)
	if err := s.st.LoginSucceeded(r.Context(), u.ID); err != nil {
		return store.User{}, fmt.Errorf("recording a login: %w", err)
	}
	return u, nil
}

// rateError is a 429 with its Retry-After.
type rateError struct {
	wait time.Duration
	msg  string
}

func (e *rateError) Error() string { return e.msg }

// clientIP is the peer's address. Forwarded headers are not trusted: a
// proxy in front would make every client one address, which is safer
// than letting clients choose theirs.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// TokenHash is what the store keeps of an enrolment token, a session or
// an agent secret: its SHA-256 (the command line's revoke-enrollment-token
// names a token by it).
func TokenHash(token string) []byte { return hashToken(strings.TrimSpace(token)) }
