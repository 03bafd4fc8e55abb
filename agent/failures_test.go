package agent

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/agent/agenttest"
)

func TestAgentHonoursRetryAfter(t *testing.T) {
	for _, once := range []bool{false, true} {
		t.Run(map[bool]string{false: "loop", true: "once"}[once], func(t *testing.T) {
			srv := agenttest.Start(t)
			srv.AddToken("tok-1", "DWP", 1)
			var mu sync.Mutex
			var at []time.Time
			srv.Before = func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasPrefix(r.URL.Path, "/api/v1/uploads/") {
					return false
				}
				mu.Lock()
				defer mu.Unlock()
				at = append(at, time.Now())
				if len(at) == 1 {
					w.Header().Set("Retry-After", "1")
					agenttest.Fail(w, http.StatusTooManyRequests, "slow down")
					return true
				}
				return false
			}
			dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
			rep.set("a")
			cfg := testConfig(t, srv, dir, rep, logs)
			if once {
				if err := Once(ctx, cfg); err != nil {
					t.Fatal(err)
				}
			} else {
				stop := runLoop(t, cfg)
				waitFor(t, "the upload", func() bool { return len(srv.Uploads()) == 1 })
				stop()
			}
			mu.Lock()
			defer mu.Unlock()
			if len(at) != 2 {
				t.Fatalf("%d upload requests, want 2", len(at))
			}
			// The backoff alone would have retried within 50 ms.
			if gap := at[1].Sub(at[0]); gap < time.Second {
				t.Errorf("retried after %v, before the server's Retry-After of 1s", gap)
			}
		})
	}
}

func TestAgentSpoolBoundDropsTheOldestWithACount(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	srv.Stop()
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	cfg := testConfig(t, srv, dir, rep, logs)
	cfg.SpoolMaxCount = 2
	for _, c := range []string{"a", "b", "c", "d"} {
		rep.set(c)
		if err := Once(ctx, cfg); err == nil {
			t.Fatal("server down: no error")
		}
	}
	srv.Restart()
	if err := Once(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c", "d"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	acks := logs.lines("upload acknowledged")
	if len(acks) != 2 {
		t.Fatalf("%d acknowledgements, want 2", len(acks))
	}
	if acks[0]["dropped"] != 2.0 || !strings.Contains(acks[0]["note"].(string), "2 older upload(s) were dropped") {
		t.Errorf("first acknowledgement %v, want a note of 2 dropped", acks[0])
	}
	if _, ok := acks[1]["dropped"]; ok {
		t.Errorf("second acknowledgement %v repeats the note", acks[1])
	}
}

func TestAgentSetsAsideWhatTheServerRefuses(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	refuse := true
	srv.Before = func(w http.ResponseWriter, r *http.Request) bool {
		if refuse && strings.HasPrefix(r.URL.Path, "/api/v1/uploads/") {
			agenttest.Fail(w, http.StatusRequestEntityTooLarge, "too large")
			return true
		}
		return false
	}
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)
	err := Once(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "refused 1 upload") {
		t.Fatalf("err = %v, want the refusal", err)
	}
	if got := spoolFiles(t, dir, "rejected"); len(got) != 1 {
		t.Errorf("rejected/ %v, want the refused upload", got)
	}
	// A corrupt spool file is set aside too, and does not block the rest.
	if err := os.WriteFile(filepath.Join(dir, "spool", "00000000000000000001-inventory.upload"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	refuse = false
	rep.set("b")
	err = Once(ctx, cfg)
	if err == nil || !strings.Contains(err.Error(), "refused 1 upload") {
		t.Fatalf("err = %v, want the corrupt file counted", err)
	}
	if diff := cmp.Diff([]string{"b"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	if got := spoolFiles(t, dir, "rejected"); len(got) != 2 {
		t.Errorf("rejected/ %v, want 2 files", got)
	}
	if got := spoolFiles(t, dir, "spool"); len(got) != 0 {
		t.Errorf("spool %v, want empty", got)
	}
	if n := len(logs.lines("upload rejected; set aside")); n != 2 {
		t.Errorf("%d 'rejected' log lines, want 2", n)
	}
}

func TestAgentRefusedCredentialStops(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)
	if err := Once(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	srv.Before = func(w http.ResponseWriter, r *http.Request) bool {
		agenttest.Fail(w, http.StatusUnauthorized, "agent revoked")
		return true
	}
	rep.set("b")
	err := Run(ctx, cfg)
	if !errors.Is(err, errPermanent) || !strings.Contains(err.Error(), "agent revoked") {
		t.Fatalf("err = %v, want a permanent refusal", err)
	}
	if got := spoolFiles(t, dir, "spool"); len(got) != 1 {
		t.Errorf("spool %v: the report must wait for a new credential", got)
	}
}
