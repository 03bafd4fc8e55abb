package agent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// Credentials are rotated so that a secret that leaked stops working:
// every Config.RotateEvery the agent makes a new secret, keeps it in
// credential.next.json, has the server take it (POST
// /api/v1/agent/rotate, with the old secret) and only then makes it its
// credential. A crash in between leaves both files; the next start asks
// the server which one it takes. The spool is not touched: uploads
// waiting in it go out with whichever secret stands.

func nextCredentialPath(stateDir string) string {
	return filepath.Join(stateDir, "credential.next.json")
}

// lastChange is when the credential's secret was last set.
func (c Credential) lastChange() time.Time {
	if c.Rotated.After(c.Enrolled) {
		return c.Rotated
	}
	return c.Enrolled
}

// recoverRotation settles a rotation a crash interrupted: when a next
// credential is there, the one the server accepts stays.
func (a *agent) recoverRotation(ctx context.Context, c Credential) (Credential, error) {
	path := nextCredentialPath(a.cfg.StateDir)
	next, err := ReadCredential(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil || next.AgentID != c.AgentID {
		a.log.Warn("a next credential that is not this agent's; removed", "file", path, "error", err)
		return c, os.Remove(path)
	}
	status, err := a.probe(ctx, c)
	if err != nil {
		return c, &retryError{err: fmt.Errorf("checking which credential the server takes: %w", err)}
	}
	if status != http.StatusUnauthorized {
		a.log.Info("an interrupted rotation did not reach the server; the credential stands", "agent_id", c.AgentID)
		return c, os.Remove(path)
	}
	if err := os.Rename(path, credentialPath(a.cfg.StateDir)); err != nil {
		return c, err
	}
	a.log.Info("an interrupted rotation reached the server; its new credential now stands", "agent_id", c.AgentID)
	return next, nil
}

// probe is the server's answer to an authenticated GET with c.
func (a *agent) probe(ctx context.Context, c Credential) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.endpoint("agent/config"), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.AgentID+"."+c.Secret)
	resp, err := a.do(req)
	return resp.status, err
}

// maybeRotate rotates the credential when it is RotateEvery old.
func (a *agent) maybeRotate(ctx context.Context) error {
	c := *a.cred
	if a.cfg.RotateEvery <= 0 || a.cfg.Now().Sub(c.lastChange()) < a.cfg.RotateEvery {
		return nil
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	next := c
	next.Secret, next.Rotated = base64.RawURLEncoding.EncodeToString(b[:]), a.cfg.Now().UTC()
	data, _ := json.MarshalIndent(next, "", "  ")
	path := nextCredentialPath(a.cfg.StateDir)
	if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("keeping the next credential: %w", err)
	}
	body, _ := json.Marshal(map[string]string{"secret": next.Secret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.endpoint("agent/rotate"), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.AgentID+"."+c.Secret)
	resp, err := a.do(req)
	if err != nil || resp.status != http.StatusOK {
		// The next credential stays: whether the server took it is
		// settled at the next start (recoverRotation).
		a.log.Warn("rotating the credential failed; trying again next round", "error", err, "status", resp.status)
		return nil
	}
	if err := os.Rename(path, credentialPath(a.cfg.StateDir)); err != nil {
		return fmt.Errorf("%w: the server took a new credential that could not be saved: %w", errPermanent, err)
	}
	a.cred = &next
	a.log.Info("credential rotated", "agent_id", next.AgentID)
	return nil
}
