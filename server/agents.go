package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// hostPattern is what an enrolling agent may call its host: a DNS-like
// name, so that it matches the register and prints safely.
var hostPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]{0,252})$`)

// authAgent checks "Authorization: Bearer <agent-id>.<secret>" against
// the agent's stored SHA-256 in constant time.
func (s *Server) authAgent(r *http.Request) (store.Agent, error) {
	unauth := errorf(http.StatusUnauthorized, "agent credential missing or wrong")
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || len(cred) > 256 {
		return store.Agent{}, unauth
	}
	id, secret, ok := strings.Cut(cred, ".")
	if !ok || id == "" || secret == "" {
		return store.Agent{}, unauth
	}
	a, err := s.st.AgentByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Agent{}, unauth
	}
	if err != nil {
		return store.Agent{}, fmt.Errorf("looking up agent %q: %w", id, err)
	}
	if subtle.ConstantTimeCompare(hashToken(secret), a.SecretHash) != 1 {
		return store.Agent{}, unauth
	}
	if !a.Revoked.IsZero() {
		return store.Agent{}, errorf(http.StatusUnauthorized, "this agent's credential was revoked on %s; enrol it again with a new token", a.Revoked.UTC().Format(time.DateOnly))
	}
	return a, nil
}

func agentFrom(r *http.Request) store.Agent {
	a, _ := r.Context().Value(agentKey).(store.Agent)
	return a
}

type enrollRequest struct {
	Token string `json:"token"`
	Host  string `json:"host"`
}

type enrollResponse struct {
	AgentID    string `json:"agent_id"`
	Secret     string `json:"secret"`
	Department string `json:"department"`
}

// enroll spends one use of an enrolment token and returns the agent's
// credential, shown this once (the store keeps its hash).
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) error {
	now := s.now()
	if ok, wait := s.enrollLim.allow(clientIP(r), now); !ok {
		return &rateError{wait: wait, msg: "too many enrolment attempts from this address"}
	}
	var req enrollRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if !hostPattern.MatchString(req.Host) {
		return errorf(http.StatusBadRequest, "host %q: want a host name (letters, digits, '.', '-', '_')", req.Host)
	}
	if req.Token == "" || len(req.Token) > 256 {
		return errorf(http.StatusUnauthorized, "enrolment token unknown, used up or expired")
	}
	idb := make([]byte, 16)
	rand.Read(idb)
	secret := randomToken()
	a := store.Agent{ID: hex.EncodeToString(idb), Host: strings.ToLower(req.Host), SecretHash: hashToken(secret), Enrolled: now, LastSeen: now}
	a, err := s.st.Enroll(r.Context(), hashToken(req.Token), a, now)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusUnauthorized, "enrolment token unknown, used up or expired")
	}
	if err != nil {
		return fmt.Errorf("enrolling host %q: %w", req.Host, err)
	}
	noteActor(r.Context(), "agent", a.ID)
	s.log.InfoContext(r.Context(), "agent enrolled", "agent", a.ID, "host", a.Host, "department", a.Department)
	return writeJSON(w, http.StatusCreated, enrollResponse{AgentID: a.ID, Secret: secret, Department: a.Department})
}

type agentConfigResponse struct {
	IntervalSeconds int      `json:"interval_seconds"`
	Policies        []string `json:"policies"`
}

// agentConfig tells an agent how often to scan and which packs judge it.
func (s *Server) agentConfig(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.policyState(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, agentConfigResponse{IntervalSeconds: int(s.cfg.AgentInterval.Seconds()), Policies: ps.packIDs})
}
