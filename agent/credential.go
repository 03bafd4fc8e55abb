package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// maxStateFile bounds credential.json and state.json when read back: they
// are a few hundred bytes, and a larger file is not one we wrote.
const maxStateFile = 64 << 10

// Credential is what enrolment gave this agent; it is kept in
// StateDir/credential.json, readable by its owner only.
type Credential struct {
	AgentID    string    `json:"agent_id"`
	Secret     string    `json:"secret"`
	Department string    `json:"department,omitempty"`
	Server     string    `json:"server"`
	Enrolled   time.Time `json:"enrolled"`
	// Rotated is when the secret was last replaced (rotate.go).
	Rotated time.Time `json:"rotated,omitzero"`
}

func credentialPath(stateDir string) string { return filepath.Join(stateDir, "credential.json") }

// ReadCredential reads a credential file. A missing file is an error
// wrapping fs.ErrNotExist; a corrupt one is an error naming the file.
func ReadCredential(path string) (Credential, error) {
	data, err := readBounded(path)
	if err != nil {
		return Credential{}, err
	}
	return decodeCredential(path, data)
}

func decodeCredential(path string, data []byte) (Credential, error) {
	var c Credential
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Credential{}, fmt.Errorf("credential %q is corrupt: %w", path, err)
	}
	if err := checkToken("agent id", c.AgentID); err != nil {
		return Credential{}, fmt.Errorf("credential %q: %w", path, err)
	}
	if err := checkToken("secret", c.Secret); err != nil {
		return Credential{}, fmt.Errorf("credential %q: %w", path, err)
	}
	return c, nil
}

// checkToken accepts what can travel in an Authorization header as
// "Bearer <agent-id>.<secret>": printable ASCII without spaces.
func checkToken(what, s string) error {
	if s == "" || len(s) > 512 {
		return fmt.Errorf("%s is empty or longer than 512 bytes", what)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return fmt.Errorf("%s holds a byte (%#x) that cannot be sent in a header", what, s[i])
		}
	}
	return nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %q: %w", path, err)
	}
	if len(data) > maxStateFile {
		return nil, fmt.Errorf("%q is larger than %d bytes", path, maxStateFile)
	}
	return data, nil
}

// errPermanent marks failures that retrying cannot mend (a refused
// token, a revoked credential); Run returns them.
var errPermanent = errors.New("permanent failure")

// credential returns the saved credential, enrolling with the token
// first when there is none. It never enrols when a credential exists,
// so a token that leaked later is worth nothing against this host.
func (a *agent) credential(ctx context.Context) (Credential, error) {
	path := credentialPath(a.cfg.StateDir)
	c, err := ReadCredential(path)
	if err == nil {
		if c.Server != a.cfg.Server.String() {
			a.log.Warn("the credential was issued by another server URL; if that server refuses it, remove the credential and enrol again",
				"credential", path, "issued_by", c.Server, "server", a.cfg.Server.String())
		}
		return a.recoverRotation(ctx, c)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Credential{}, fmt.Errorf("%w: %w (remove it to enrol again)", errPermanent, err)
	}
	if a.cfg.Token == "" {
		return Credential{}, fmt.Errorf("%w: not enrolled and no enrolment token given", errPermanent)
	}
	body, _ := json.Marshal(map[string]string{"token": a.cfg.Token, "host": a.cfg.Host})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint("enroll"), bytes.NewReader(body))
	if err != nil {
		return Credential{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.do(req)
	if err != nil {
		return Credential{}, fmt.Errorf("enrolling with %q: %w", a.cfg.Server.String(), err)
	}
	if resp.status != http.StatusCreated && resp.status != http.StatusOK {
		err := fmt.Errorf("enrolling with %q: %s", a.cfg.Server.String(), resp.describe())
		if resp.status >= 400 && resp.status < 500 && resp.status != http.StatusTooManyRequests {
			return Credential{}, fmt.Errorf("%w: %w", errPermanent, err)
		}
		return Credential{}, &retryError{err: err, after: resp.retryAfter}
	}
	if err := json.Unmarshal(resp.body, &c); err != nil {
		return Credential{}, fmt.Errorf("enrolling with %q: bad answer: %w", a.cfg.Server.String(), err)
	}
	c.Server, c.Enrolled = a.cfg.Server.String(), a.cfg.Now().UTC()
	if err := checkToken("agent id", c.AgentID); err != nil {
		return Credential{}, fmt.Errorf("enrolling with %q: %w", a.cfg.Server.String(), err)
	}
	if err := checkToken("secret", c.Secret); err != nil {
		return Credential{}, fmt.Errorf("enrolling with %q: %w", a.cfg.Server.String(), err)
	}
	data, _ := json.MarshalIndent(c, "", "  ")
	if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
		// The token is spent; say so, since enrolling again needs a new one.
		return Credential{}, fmt.Errorf("%w: enrolled as %q but could not save the credential: %w", errPermanent, c.AgentID, err)
	}
	a.log.Info("enrolled", "agent_id", c.AgentID, "department", c.Department, "server", c.Server)
	return c, nil
}
