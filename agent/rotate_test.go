package agent

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/server"
	"github.com/embargo-dev/embargo/store"
	"github.com/embargo-dev/embargo/store/sqlstore"
)

// realServer is `embargo serve`'s handler over a SQLite store, with an
// enrolment token for DWP.
func realServer(t *testing.T) (*url.URL, string, store.Store) {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "embargo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	token, rec, err := server.NewEnrollmentToken("DWP", 5, time.Hour, "test", time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateEnrollmentToken(context.Background(), store.System, rec); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	return u, token, st
}

// The agent rotates its credential once it is RotateEvery old, with the
// real server: the new secret stands in credential.json, the old one is
// refused, and uploads go on; a rotation a crash interrupted is settled
// at the next start either way (issue 14).
func TestRotateCredential(t *testing.T) {
	u, token, st := realServer(t)
	dir := t.TempDir()
	rep := &reports{content: "kesl"}
	logs := &logBuffer{}
	now := time.Now()
	cfg := Config{Server: u, Token: token, Host: "ws-0142", StateDir: dir, Interval: time.Hour, Scan: rep.scan,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		RotateEvery: 24 * time.Hour, Now: func() time.Time { return now }}
	if err := Once(context.Background(), cfg); err != nil {
		t.Fatalf("first run: %v\n%s", err, logs)
	}
	first, err := ReadCredential(credentialPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !first.Rotated.IsZero() {
		t.Fatalf("rotated on enrolment day: %+v", first)
	}
	// A day later the next run rotates, then uploads.
	now = now.Add(25 * time.Hour)
	rep.set("kesl-2")
	if err := Once(context.Background(), cfg); err != nil {
		t.Fatalf("second run: %v\n%s", err, logs)
	}
	second, _ := ReadCredential(credentialPath(dir))
	if second.Secret == first.Secret || second.Rotated.IsZero() || len(logs.lines("credential rotated")) != 1 {
		t.Fatalf("after a day: %+v; want a rotated credential\n%s", second, logs)
	}
	if code := status(t, u, first); code != http.StatusUnauthorized {
		t.Errorf("the old secret: %d; want 401", code)
	}
	if code := status(t, u, second); code != http.StatusOK {
		t.Errorf("the new secret: %d; want 200", code)
	}
	if _, err := os.Stat(nextCredentialPath(dir)); err == nil {
		t.Error("credential.next.json left behind")
	}
	h, err := st.Host(context.Background(), store.System, second.AgentID)
	if err != nil || h.Items == 0 {
		t.Errorf("host after the rotated run's upload: %+v, %v", h, err)
	}

	// Interrupted before the server took it: the old credential stands.
	stale := second
	stale.Secret, stale.Rotated = strings.Repeat("s", 43), now
	writeCredential(t, nextCredentialPath(dir), stale)
	rep.set("kesl-3")
	if err := Once(context.Background(), cfg); err != nil {
		t.Fatalf("run after an interrupted rotation: %v\n%s", err, logs)
	}
	if c, _ := ReadCredential(credentialPath(dir)); c.Secret != second.Secret {
		t.Error("a rotation the server never took replaced the credential")
	}
	// Interrupted after the server took it: the next credential stands.
	taken := second
	taken.Secret, taken.Rotated = strings.Repeat("t", 43), now
	writeCredential(t, nextCredentialPath(dir), taken)
	if code := rotateTo(t, u, second, taken.Secret); code != http.StatusOK {
		t.Fatalf("rotating by hand: %d", code)
	}
	rep.set("kesl-4")
	if err := Once(context.Background(), cfg); err != nil {
		t.Fatalf("run after a rotation the server took: %v\n%s", err, logs)
	}
	if c, _ := ReadCredential(credentialPath(dir)); c.Secret != taken.Secret {
		t.Error("the credential the server took did not replace the old one")
	}
}

func writeCredential(t *testing.T, path string, c Credential) {
	t.Helper()
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, u *url.URL, c Credential) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u.String()+"/api/v1/agent/config", nil)
	req.Header.Set("Authorization", "Bearer "+c.AgentID+"."+c.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func rotateTo(t *testing.T, u *url.URL, c Credential, secret string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", u.String()+"/api/v1/agent/rotate", strings.NewReader(`{"secret":"`+secret+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.AgentID+"."+c.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
