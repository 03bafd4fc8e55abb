//go:build windows

package agent

import (
	"testing"
	"time"

	"golang.org/x/sys/windows/svc"

	"github.com/embargo-dev/embargo/agent/agenttest"
)

// These drive the service handler as the service manager does, over its
// two channels. They run where `go test` runs on Windows; on Linux,
// scripts/test only type-checks them (GOOS=windows go vet): Debian 12's
// Wine 8.0 cannot start a Go 1.26 Windows binary (it lacks
// bcryptprimitives.dll's ProcessPrng).

// nextStatus waits for the handler's next status report.
func nextStatus(t *testing.T, status <-chan svc.Status) svc.Status {
	t.Helper()
	select {
	case s := <-status:
		return s
	case <-time.After(30 * time.Second):
		t.Fatal("the service reported no status")
		return svc.Status{}
	}
}

func TestServiceRunsUntilStopped(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 5)
	rep, logs := &reports{}, &logBuffer{}
	rep.set("a")
	h := &handler{cfg: testConfig(t, srv, t.TempDir(), rep, logs)}
	req, status := make(chan svc.ChangeRequest), make(chan svc.Status, 8)
	type result struct {
		specific bool
		code     uint32
	}
	done := make(chan result, 1)
	go func() {
		s, c := h.Execute(nil, req, status)
		done <- result{s, c}
	}()
	if s := nextStatus(t, status); s.State != svc.StartPending {
		t.Fatalf("first status %v, want StartPending", s.State)
	}
	running := nextStatus(t, status)
	if running.State != svc.Running || running.Accepts&svc.AcceptStop == 0 || running.Accepts&svc.AcceptShutdown == 0 {
		t.Fatalf("second status %+v, want Running accepting Stop and Shutdown", running)
	}
	// The agent works while the service runs: its first scan arrives.
	waitFor(t, "the first upload", func() bool { return len(srv.Uploads()) == 1 })
	req <- svc.ChangeRequest{Cmd: svc.Interrogate, CurrentStatus: running}
	if s := nextStatus(t, status); s != running {
		t.Errorf("interrogated: %+v, want %+v", s, running)
	}
	req <- svc.ChangeRequest{Cmd: svc.Stop}
	if s := nextStatus(t, status); s.State != svc.StopPending {
		t.Errorf("after Stop: %v, want StopPending", s.State)
	}
	select {
	case r := <-done:
		if r.specific || r.code != 0 || h.err != nil {
			t.Errorf("stopped: exit (%v, %d), error %v; want a clean stop", r.specific, r.code, h.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the service did not stop\n%s", logs)
	}
}

func TestServiceFailureExitsNonZero(t *testing.T) {
	// A credential the server refuses ends Run for good: the service
	// must stop with a non-zero exit so that recovery actions apply.
	srv := agenttest.Start(t)
	rep, logs := &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, t.TempDir(), rep, logs)
	cfg.Token = "not-a-token"
	h := &handler{cfg: cfg}
	req, status := make(chan svc.ChangeRequest), make(chan svc.Status, 8)
	done := make(chan uint32, 1)
	go func() {
		_, c := h.Execute(nil, req, status)
		done <- c
	}()
	select {
	case c := <-done:
		if c == 0 || h.err == nil {
			t.Errorf("exit code %d, error %v; want non-zero and the error", c, h.err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the service kept running with a refused token\n%s", logs)
	}
}
