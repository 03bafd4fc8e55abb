package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// APITokenPrefix begins every API token, so that it is told apart from
// an agent's credential and found by secret scanners.
const APITokenPrefix = "embt_"

// DefaultAPITokenLife is how long an API token lasts unless told.
const DefaultAPITokenLife = 90 * 24 * time.Hour

// NewAPIToken makes a token and its record: the token is shown once, the
// record keeps its hash.
func NewAPIToken(name string, role store.Role, department string, life time.Duration, now time.Time) (string, store.APIToken) {
	token := APITokenPrefix + randomToken()
	return token, store.APIToken{Name: name, Hash: hashToken(token), Role: role, Department: department, Created: now, Expires: now.Add(life)}
}

// bearerToken is the API token a request bears, if it bears one.
func bearerToken(r *http.Request) (string, bool) {
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !strings.HasPrefix(cred, APITokenPrefix) || len(cred) > 128 {
		return "", false
	}
	return cred, true
}

// authToken is the viewer of a request bearing an API token: the token's
// scope, named "token:NAME". No CSRF token is asked: no browser sends a
// bearer token by itself.
func (s *Server) authToken(r *http.Request, token string) (store.Viewer, error) {
	t, err := s.st.APITokenByHash(r.Context(), hashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return store.Viewer{}, errorf(http.StatusUnauthorized, "API token unknown, expired or revoked")
	}
	if err != nil {
		return store.Viewer{}, err
	}
	return t.Viewer(), nil
}

type apiTokenRequest struct {
	Name       string     `json:"name"`
	Role       store.Role `json:"role"`
	Department string     `json:"department"`
	// Days is how long it lasts (0: 90).
	Days int `json:"days"`
}

type apiTokenResponse struct {
	store.APIToken
	Token string `json:"token"` // shown this once
}

func (s *Server) createAPIToken(w http.ResponseWriter, r *http.Request) error {
	var b apiTokenRequest
	if err := readJSON(r, &b); err != nil {
		return err
	}
	life := DefaultAPITokenLife
	if b.Days < 0 || b.Days > int(store.MaxTokenLife.Hours()/24) {
		return errorf(http.StatusBadRequest, "days %d: want 1-%d", b.Days, int(store.MaxTokenLife.Hours()/24))
	}
	if b.Days > 0 {
		life = time.Duration(b.Days) * 24 * time.Hour
	}
	token, rec := NewAPIToken(b.Name, b.Role, b.Department, life, s.now())
	t, err := s.st.CreateAPIToken(r.Context(), viewer(r), rec)
	if err != nil {
		return err
	}
	t.Hash = nil
	return writeJSON(w, http.StatusCreated, apiTokenResponse{APIToken: t, Token: token})
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.st.APITokens(r.Context(), viewer(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNil(ts))
}

func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errorf(http.StatusBadRequest, "token id %q: want a number", r.PathValue("id"))
	}
	if err := s.st.RevokeAPIToken(r.Context(), viewer(r), id, s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// withToken puts a token's viewer on the request as a session's would be.
func withToken(r *http.Request, v store.Viewer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), viewerKey, v))
}
