// Package e2e runs the fleet as users run it: the embargo binary as real
// processes (`embargo serve`, `embargo agent`, `embargo admin`), talking
// over loopback, with SQLite and a real PostgreSQL, and Debian's chromium
// driving the dashboard.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "embargo-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "embargo")
	// The IP data's table cache stays out of the user's home.
	os.Setenv("EMBARGO_CACHE_DIR", filepath.Join(dir, "cache"))
	os.Setenv("EMBARGO_DATA_DIR", filepath.Join(dir, "feed")) // no data feed installed
	if out, err := exec.Command("go", "build", "-o", binary, "../cmd/embargo").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// store is where a server keeps its state: the arguments every command
// that opens it takes.
type backend struct {
	name string
	args []string
}

// embargo runs the binary to completion and returns its standard output.
func embargo(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("embargo %s: %v\n%s", strings.Join(args, " "), err, e.String())
	}
	return o.String()
}

// server is a running `embargo serve`.
type server struct {
	url  string
	cmd  *exec.Cmd
	log  *bytes.Buffer
	args []string
	env  []string // added to the test's environment
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer starts `embargo serve` on a free loopback port and waits
// until it is ready; the test's cleanup stops it.
func startServer(t *testing.T, st backend, extra ...string) *server {
	t.Helper()
	addr := freePort(t)
	s := &server{url: "http://" + addr, log: &bytes.Buffer{}}
	s.args = append(append([]string{"serve", "--listen", addr}, st.args...), extra...)
	s.start(t)
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *server) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(binary, s.args...)
	s.cmd.Env = append(os.Environ(), s.env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("embargo serve did not become ready:\n%s", s.log.String())
}

// kill ends the server at once, as a crash or a power cut would.
func (s *server) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
		s.cmd = nil
	}
}

// user is a logged-in API client.
type user struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func login(t *testing.T, base, name, password string) *user {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &user{t: t, base: base, c: &http.Client{Jar: jar, Timeout: time.Minute}}
	var out struct {
		CSRF string `json:"csrf"`
	}
	if code := u.do("POST", "/api/v1/login", map[string]string{"username": name, "password": password}, &out); code != http.StatusOK {
		t.Fatalf("login %s: %d", name, code)
	}
	u.csrf = out.CSRF
	return u
}

// do sends a JSON request and decodes a JSON answer into out (when not
// nil and the status is 2xx); it returns the status.
func (u *user) do(method, path string, body, out any) int {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			u.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u.base+path, rd)
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if u.csrf != "" {
		req.Header.Set("X-CSRF-Token", u.csrf)
	}
	resp, err := u.c.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		u.t.Fatal(err)
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			u.t.Fatalf("%s %s: %v\n%s", method, path, err, data)
		}
	}
	return resp.StatusCode
}

// get fetches path and returns the status and body.
func (u *user) get(path string) (int, string) {
	u.t.Helper()
	resp, err := u.c.Get(u.base + path)
	if err != nil {
		u.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// dpkgTarget writes a folder that scans as a Debian system with the
// given packages (name, version, maintainer).
func dpkgTarget(t *testing.T, pkgs ...[3]string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "var", "lib", "dpkg")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&b, "Package: %s\nStatus: install ok installed\nMaintainer: %s\nArchitecture: amd64\nVersion: %s\nDescription: %s\n\n", p[0], p[2], p[1], p[0])
	}
	if err := os.WriteFile(filepath.Join(dir, "status"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

var (
	kesl = [3]string{"kesl", "12.1.0.1297", "AO Kaspersky Lab <support@kaspersky.com>"}
	curl = [3]string{"curl", "7.88.1-10", "Debian Curl Maintainers <team+curl@tracker.debian.org>"}
)

// exitCode is a finished command's exit code.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func newJar() http.CookieJar {
	jar, _ := cookiejar.New(nil)
	return jar
}
