package server

import (
	"net/http"
	"strings"
)

// revokeAgent revokes an agent's credential: its next upload gets 401
// and its host shows it revoked.
func (s *Server) revokeAgent(w http.ResponseWriter, r *http.Request) error {
	if err := s.st.RevokeAgent(r.Context(), viewer(r), r.PathValue("id"), s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type rotateRequest struct {
	Secret string `json:"secret"`
}

type rotateResponse struct {
	AgentID string `json:"agent_id"`
}

// minSecret is the shortest secret an agent may rotate to: 32 bytes of
// randomness base64-encoded are 43 characters.
const minSecret = 43

// rotateAgent replaces the calling agent's secret with the one it
// proposes; the one it called with stops working at once. The agent
// keeps the new secret before it asks (`embargo agent` writes
// credential.next.json first), so a lost answer loses nothing.
func (s *Server) rotateAgent(w http.ResponseWriter, r *http.Request) error {
	var req rotateRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if len(req.Secret) < minSecret || len(req.Secret) > 512 || strings.ContainsFunc(req.Secret, func(c rune) bool { return c <= ' ' || c >= 0x7f }) {
		return errorf(http.StatusBadRequest, "secret: want %d to 512 printable characters (32 random bytes, base64)", minSecret)
	}
	a := agentFrom(r)
	if err := s.st.RotateAgentSecret(r.Context(), a.ID, hashToken(req.Secret)); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rotateResponse{AgentID: a.ID})
}

type revokeTokenRequest struct {
	Token string `json:"token"`
}

// revokeEnrollmentToken spends the remaining uses of an enrolment token,
// named by its value (the server keeps only its hash).
func (s *Server) revokeEnrollmentToken(w http.ResponseWriter, r *http.Request) error {
	var req revokeTokenRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Token) == "" {
		return errorf(http.StatusBadRequest, "give the token to revoke")
	}
	if err := s.st.RevokeEnrollmentToken(r.Context(), viewer(r), hashToken(strings.TrimSpace(req.Token))); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// disableUser disables an account and ends its sessions.
func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	if err := s.st.DisableUser(r.Context(), viewer(r), r.PathValue("username"), s.now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
