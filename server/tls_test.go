package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIsLoopback(t *testing.T) {
	for listen, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:8080": true, "localhost:80": true, "127.3.2.1:1": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:443": false, "192.0.2.7:8080": false, "example.org:80": false,
	} {
		got, err := IsLoopback(listen)
		if err != nil || got != want {
			t.Errorf("IsLoopback(%q) = %v, %v; want %v", listen, got, err, want)
		}
	}
	if _, err := IsLoopback("no-port"); err == nil {
		t.Error("IsLoopback without a port: no error")
	}
}

// TestServeTLSGenerated: listening beyond loopback without a certificate
// generates one into the data folder (key 0600), serves HTTPS with it,
// and keeps it across restarts.
func TestServeTLSGenerated(t *testing.T) {
	dir := t.TempDir()
	st := openSQLite(t)
	start := func() (Endpoint, context.CancelFunc, chan error) {
		t.Helper()
		s, err := New(Config{Store: st, Listen: "0.0.0.0:0", DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		ln, ep, err := s.Listen()
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, ln) }()
		return ep, cancel, done
	}
	ep, cancel, done := start()
	if !strings.HasPrefix(ep.URL, "https://") || len(ep.Fingerprint) != 64 || !ep.Generated {
		t.Fatalf("endpoint %+v; want https with a generated certificate's fingerprint", ep)
	}
	fi, err := os.Stat(filepath.Join(dir, GeneratedKeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("generated key: %v, mode %v; want 0600", err, fi.Mode())
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ep.URL, "https://"))
	url := "https://127.0.0.1:" + port + "/healthz"

	// The client trusts the certificate by its fingerprint alone, as an
	// agent pins it.
	pinned := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true,
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || Fingerprint(raw[0]) != ep.Fingerprint {
				return errors.New("fingerprint mismatch")
			}
			return nil
		},
	}}}
	resp, err := pinned.Get(url)
	if err != nil {
		t.Fatalf("HTTPS with the pinned fingerprint: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("GET /healthz over TLS: %d %q", resp.StatusCode, body)
	}
	if resp, err := http.Get(strings.Replace(url, "https", "http", 1)); err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Fatal("plain HTTP served beyond loopback")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not shut down")
	}

	ep2, cancel2, done2 := start()
	defer func() { cancel2(); <-done2 }()
	if ep2.Fingerprint != ep.Fingerprint {
		t.Fatal("a restart generated a new certificate; agents pinning the old one would break")
	}
}

func TestListenRules(t *testing.T) {
	st := openSQLite(t)
	for _, tc := range []struct {
		cfg    Config
		scheme string
		err    string
	}{
		{Config{Listen: "127.0.0.1:0"}, "http://", ""},
		{Config{Listen: "0.0.0.0:0"}, "", "needs TLS"},
		{Config{Listen: "127.0.0.1:0", TLSCert: "x.pem"}, "", "both"},
	} {
		tc.cfg.Store = st
		s, err := New(tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		ln, ep, err := s.Listen()
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Listen(%+v) error %v; want %q", tc.cfg.Listen, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.HasPrefix(ep.URL, tc.scheme) {
			t.Errorf("Listen(%q) = %+v, %v", tc.cfg.Listen, ep, err)
			continue
		}
		ln.Close()
	}
}
