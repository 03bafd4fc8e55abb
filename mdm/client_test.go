package mdm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7", 7 * time.Second, true},
		{" 120 ", 2 * time.Minute, true},
		{"0", 0, true},
		{"Mon, 02 Mar 2026 09:01:00 GMT", time.Minute, true},
		{"Mon, 02 Mar 2026 08:00:00 GMT", 0, true}, // in the past: now
		{"", 0, false},
		{"-3", 0, false},
		{"soon", 0, false},
		{"1.5", 0, false},
		{"99999999999999", 0, false},
	} {
		got, ok := retryAfter(c.in, now)
		if got != c.want || ok != c.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	c := &client{retry: RetryPolicy{BackoffBase: 2 * time.Second, BackoffMax: time.Minute}}
	var got []time.Duration
	for a := 1; a <= 8; a++ {
		got = append(got, c.backoff(a))
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute, time.Minute, time.Minute}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestSecretPrints: however a secret is printed, it prints redacted.
func TestSecretPrints(t *testing.T) {
	s := secret{v: testSecret}
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "secret", s, "ref", &s)
	j, _ := json.Marshal(struct{ S secret }{s})
	out := fmt.Sprintf("%v %s %q %x %+v %#v %d", s, s, s, s, s, s, s) + fmt.Sprint(s) + logs.String() + string(j)
	noSecrets(t, "printed secret", out)
	if !strings.Contains(out, redactedText) {
		t.Errorf("no %s in %q", redactedText, out)
	}
}

// TestSecretsNeverLeak: servers that echo what they were sent — the
// token request's form, the API request's headers — in error bodies do
// not get the client secret, the tenant code or a token into the error,
// the log (at debug level) or the manifest.
func TestSecretsNeverLeak(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request, status int) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":"echo","body":%q,"headers":%q}`, body, r.Header)
	}
	for _, c := range []struct {
		name  string
		setup func(s *fakeServer)
		want  string
	}{
		{"token refused", func(s *fakeServer) {
			s.tokenPath = "/elsewhere"
			s.routes["/connect/token"] = func(w http.ResponseWriter, r *http.Request) { echo(w, r, http.StatusUnauthorized) }
		}, "HTTP 401"},
		{"api refused", func(s *fakeServer) {
			s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) { echo(w, r, http.StatusForbidden) }
		}, "HTTP 403"},
		{"secret at the cut", func(s *fakeServer) {
			s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, strings.Repeat("x", 195)+"aw-Tenant-Code-0123456789")
			}
		}, "HTTP 400"},
		{"api throttled", func(s *fakeServer) {
			s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) { echo(w, r, http.StatusTooManyRequests) }
		}, "HTTP 429"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			s := ws1Server(t)
			c.setup(s)
			if c.name == "token refused" {
				s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if h, ok := s.routes[r.URL.Path]; ok {
						h(w, r)
					}
				})
			}
			res, err := h.pull(t, h.connector(t, ws1OAuthConfig(s)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %s", err, c.want)
			}
			if c.name != "secret at the cut" && !strings.Contains(err.Error(), redactedText) {
				t.Errorf("the echo was not redacted: %v", err)
			}
			noSecrets(t, "error", err.Error())
			noSecrets(t, "log", h.logs.String())
			noSecrets(t, "result", fmt.Sprintf("%+v", res))
			for name, content := range tree(t, h.out) {
				if strings.HasSuffix(name, ManifestName) {
					noSecrets(t, name, content)
				}
			}
		})
	}
}

// TestSecretLoadErrors: errors name the file or variable, never hold
// the value.
func TestSecretLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	env := func(k string) (string, bool) {
		v, ok := map[string]string{"EMPTY": "  ", "SET": testSecret}[k]
		return v, ok
	}
	for _, c := range []struct {
		ref  SecretRef
		want string // value, or error text
		err  bool
	}{
		{SecretRef{File: write("ok", testSecret+"\r\n")}, testSecret, false},
		{SecretRef{Env: "SET"}, testSecret, false},
		{SecretRef{File: write("empty", "\n")}, "is empty", true},
		{SecretRef{File: write("two", testSecret+"\nsecond-line-"+testSecret)}, "more than one line", true},
		{SecretRef{File: write("big", strings.Repeat("x", maxSecretFile+1))}, "over 65536 bytes", true},
		{SecretRef{File: filepath.Join(dir, "missing")}, "no such file", true},
		{SecretRef{Env: "UNSET"}, "UNSET is not set", true},
		{SecretRef{Env: "EMPTY"}, "EMPTY is empty", true},
	} {
		s, err := c.ref.load(env)
		switch {
		case c.err && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: err %v, want %q", c.ref, err, c.want)
		case c.err:
			noSecrets(t, "error", err.Error())
		case err != nil || s.value() != c.want:
			t.Errorf("%+v: %v", c.ref, err)
		}
	}
}

// TestRedirectElsewhere: the default client does not follow a redirect
// to another host, where the aw-tenant-code header would go too.
func TestRedirectElsewhere(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the redirect was followed, with aw-tenant-code %v", r.Header.Get("aw-tenant-code") != "")
	}))
	defer other.Close()
	h := newHarness(t)
	s := ws1Server(t)
	s.routes["/api/mdm/devices/search"] = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
	}
	if _, err := h.pull(t, h.connector(t, ws1OAuthConfig(s))); err == nil || !strings.Contains(err.Error(), "refusing a redirect") {
		t.Fatalf("err %v", err)
	}
}

func TestResponseTooLarge(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	o := h.options()
	o.MaxResponseBytes = 100
	_, err := Pull(context.Background(), h.connector(t, jamfConfig(s, "pro")), o)
	if err == nil || !strings.Contains(err.Error(), "over the size limit") {
		t.Fatalf("err %v", err)
	}
}

// TestTokenResponses: a token answer without a token, or of another
// type, is refused.
func TestTokenResponses(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`{"token_type":"Bearer","expires_in":3599}`, "no access_token"},
		{`{"token_type":"MAC","access_token":"abcdefgh"}`, `token_type "MAC"`},
		{`<html>`, "not a token response"},
	} {
		h := newHarness(t)
		s := jamfServer(t)
		s.tokenPath = "/elsewhere"
		s.routes["/api/oauth/token"] = func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, c.body) }
		s.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.routes[r.URL.Path](w, r) })
		if _, err := h.pull(t, h.connector(t, jamfConfig(s, "pro"))); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want %q", c.body, err, c.want)
		}
	}
	for _, c := range []struct {
		raw  string
		want int64
		ok   bool
	}{{`3599`, 3599, true}, {`"599"`, 599, true}, {`0`, 0, false}, {`-5`, 0, false}, {`null`, 0, false}, {``, 0, false}} {
		if got, ok := expiresIn(json.RawMessage(c.raw)); got != c.want || ok != c.ok {
			t.Errorf("expiresIn(%s) = %d, %v", c.raw, got, ok)
		}
	}
}

// TestCancel: a cancelled context stops a pull waiting to retry, and the
// run is kept aside.
func TestCancel(t *testing.T) {
	h := newHarness(t)
	s := jamfServer(t)
	s.always["/api/v2/mobile-devices/detail"] = fault{status: 503, header: map[string]string{"Retry-After": "30"}}
	ctx, cancel := context.WithCancel(context.Background())
	o := h.options()
	o.Sleep = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	res, err := Pull(ctx, h.connector(t, jamfConfig(s, "pro")), o)
	if !errors.Is(err, context.Canceled) || res.Status != StatusFailed || res.Dir == "" {
		t.Fatalf("err %v, status %s, dir %q", err, res.Status, res.Dir)
	}
}
