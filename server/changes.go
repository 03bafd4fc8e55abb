package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/store"
)

// getRegister returns the systems register YAML (empty when none); an
// officer reads only the systems of their department.
func (s *Server) getRegister(w http.ResponseWriter, r *http.Request) error {
	data, err := s.st.Register(r.Context())
	if err != nil {
		return err
	}
	if v := viewer(r); v.Role == store.Officer && len(data) > 0 {
		if data, err = registerOf(data, v.Department); err != nil {
			return fmt.Errorf("the stored systems register: %w", err)
		}
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(data)
	return err
}

// putRegister replaces the register after checking it loads.
func (s *Server) putRegister(w http.ResponseWriter, r *http.Request) error {
	data, err := readBody(r, systems.MaxFileSize)
	if err != nil {
		return err
	}
	if _, err := systems.Load(RegisterName, data); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := s.st.PutRegister(r.Context(), viewer(r), data); err != nil {
		return err
	}
	s.forget()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type policiesBody struct {
	Packs []string `json:"packs"`
}

func (s *Server) getPolicies(w http.ResponseWriter, r *http.Request) error {
	ps, err := s.policyState(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policiesBody{Packs: nonNil(ps.packIDs)})
}

// putPolicies sets the built-in packs in force (none: all of them).
func (s *Server) putPolicies(w http.ResponseWriter, r *http.Request) error {
	var b policiesBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	// Built-in packs only: the server reads no files named by its API.
	if _, err := policy.ResolveIn(s.dataNow().packs, b.Packs, nil, s.dataNow().cat); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := s.st.PutPolicies(r.Context(), viewer(r), b.Packs); err != nil {
		return err
	}
	s.forget()
	return s.getPolicies(w, r)
}

func (s *Server) waivers(w http.ResponseWriter, r *http.Request) error {
	state := store.WaiverState(r.URL.Query().Get("state"))
	switch state {
	case "", store.Requested, store.Approved, store.Rejected:
	default:
		return errorf(http.StatusBadRequest, "state=%q: want requested, approved or rejected", state)
	}
	ws, err := s.st.Waivers(r.Context(), viewer(r), state)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, nonNil(ws))
}

func waiverID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, errorf(http.StatusNotFound, "not found")
	}
	return id, nil
}

func (s *Server) waiver(w http.ResponseWriter, r *http.Request) error {
	id, err := waiverID(r)
	if err != nil {
		return err
	}
	wv, err := s.st.Waiver(r.Context(), viewer(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wv)
}

type waiverRequest struct {
	FindingID string    `json:"finding_id"`
	Reason    string    `json:"reason"`
	Expiry    time.Time `json:"expiry"`
}

// requestWaiver asks for a finding to be excused until an expiry.
func (s *Server) requestWaiver(w http.ResponseWriter, r *http.Request) error {
	var req waiverRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	switch {
	case req.FindingID == "":
		return errorf(http.StatusBadRequest, "finding_id is required")
	case req.Reason == "" || len(req.Reason) > 4000:
		return errorf(http.StatusBadRequest, "reason is required (at most 4000 bytes)")
	case !req.Expiry.After(s.now()):
		return errorf(http.StatusBadRequest, "expiry must be in the future")
	}
	wv, err := s.st.RequestWaiver(r.Context(), viewer(r), store.Waiver{FindingID: req.FindingID, Reason: req.Reason, Expiry: req.Expiry})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, wv)
}

type decisionBody struct {
	Note string `json:"note"`
}

func (s *Server) approveWaiver(w http.ResponseWriter, r *http.Request) error {
	return s.decide(w, r, true)
}
func (s *Server) rejectWaiver(w http.ResponseWriter, r *http.Request) error {
	return s.decide(w, r, false)
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, approve bool) error {
	id, err := waiverID(r)
	if err != nil {
		return err
	}
	var b decisionBody
	if err := readJSON(r, &b); err != nil {
		return err
	}
	wv, err := s.st.DecideWaiver(r.Context(), viewer(r), id, approve, b.Note, s.now())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, wv)
}

type userRequest struct {
	Username   string     `json:"username"`
	Password   string     `json:"password"`
	Role       store.Role `json:"role"`
	Department string     `json:"department,omitempty"`
}

type userResponse struct {
	ID         int64      `json:"id"`
	Username   string     `json:"username"`
	Role       store.Role `json:"role"`
	Department string     `json:"department,omitempty"`
}

// createUser adds a local account; the password is hashed here and the
// store never sees it.
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var req userRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	u, err := NewUser(req.Username, req.Password, req.Role, req.Department)
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	u.Created = s.now()
	if u, err = s.st.CreateUser(r.Context(), viewer(r), u); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, userResponse{ID: u.ID, Username: u.Username, Role: u.Role, Department: u.Department})
}

// MinPasswordLen is the shortest password accepted for a new account.
const MinPasswordLen = 12

// NewUser checks a new account's fields and hashes its password; the
// command line's create-user uses it too.
func NewUser(username, password string, role store.Role, department string) (store.User, error) {
	switch {
	case !hostPattern.MatchString(username) || len(username) > 64:
		return store.User{}, fmt.Errorf("username %q: want 1-64 letters, digits, '.', '-', '_'", username)
	case !role.Valid():
		return store.User{}, fmt.Errorf("role %q: want admin, officer or auditor", role)
	case role == store.Officer && department == "":
		return store.User{}, errors.New("an officer needs a department")
	case role != store.Officer && department != "":
		return store.User{}, fmt.Errorf("only officers have a department (a %s sees every one)", role)
	case len(password) < MinPasswordLen:
		return store.User{}, fmt.Errorf("password: want at least %d characters", MinPasswordLen)
	}
	h, err := HashPassword(password)
	if err != nil {
		return store.User{}, err
	}
	return store.User{Username: username, Role: role, Department: department, PasswordHash: h}, nil
}

type tokenRequest struct {
	Department     string `json:"department"`
	Uses           int    `json:"uses"`
	ExpiresSeconds int64  `json:"expires_seconds"`
}

// Enrolment token defaults and bounds.
const (
	DefaultTokenLifetime = 24 * time.Hour
	maxTokenLifetime     = 365 * 24 * time.Hour
	maxTokenUses         = 100_000
)

// createEnrollmentToken returns a new token, shown this once.
func (s *Server) createEnrollmentToken(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := readJSON(r, &req); err != nil {
		return err
	}
	life := time.Duration(req.ExpiresSeconds) * time.Second
	if req.ExpiresSeconds == 0 {
		life = DefaultTokenLifetime
	}
	token, t, err := NewEnrollmentToken(req.Department, req.Uses, life, viewer(r).Username, s.now())
	if err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := s.st.CreateEnrollmentToken(r.Context(), viewer(r), t); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"token": token, "department": t.Department, "uses": t.Uses, "expires": t.Expires})
}

// NewEnrollmentToken makes a random token and the record the store keeps
// of it (its hash); uses 0 means one.
func NewEnrollmentToken(department string, uses int, life time.Duration, by string, now time.Time) (string, store.EnrollmentToken, error) {
	if uses == 0 {
		uses = 1
	}
	switch {
	case department == "" || len(department) > 128:
		return "", store.EnrollmentToken{}, errors.New("department is required")
	case uses < 0 || uses > maxTokenUses:
		return "", store.EnrollmentToken{}, fmt.Errorf("uses %d: want 1 to %d", uses, maxTokenUses)
	case life <= 0 || life > maxTokenLifetime:
		return "", store.EnrollmentToken{}, fmt.Errorf("lifetime %s: want up to %s", life, maxTokenLifetime)
	}
	token := randomToken()
	return token, store.EnrollmentToken{Hash: hashToken(token), Department: department, CreatedBy: by, Created: now,
		Expires: now.Add(life), Uses: uses}, nil
}

// policyStatus is the fleet's policy version and how far re-judging has
// gone: what the dashboard shows while the estate is judged again.
func (s *Server) policyStatus(w http.ResponseWriter, r *http.Request) error {
	p, err := s.st.PolicyVersion(r.Context())
	if err != nil {
		return err
	}
	if viewer(r).Role == store.Officer {
		p.Owner = "" // a server's name is for operators
	}
	return writeJSON(w, http.StatusOK, p)
}
