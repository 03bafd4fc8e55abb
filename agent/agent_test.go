package agent

import (
	"context"
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

var ctx = context.Background()

func TestAgentEnrolsOnceAndReusesTheCredential(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 5)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	cfg := testConfig(t, srv, dir, rep, logs)

	rep.set("a")
	if err := Once(ctx, cfg); err != nil {
		t.Fatalf("first run: %v\n%s", err, logs)
	}
	fi, err := os.Stat(filepath.Join(dir, "credential.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("credential.json mode %v, want 0600", fi.Mode().Perm())
	}
	cred, err := ReadCredential(filepath.Join(dir, "credential.json"))
	if err != nil {
		t.Fatal(err)
	}
	if cred.Department != "DWP" || cred.Server != srv.URL().String() {
		t.Errorf("credential %+v", cred)
	}

	// Later runs use the credential, whatever token they are given.
	for i, tok := range []string{"", "some-other-token"} {
		cfg.Token = tok
		rep.set(string(rune('b' + i)))
		if err := Once(ctx, cfg); err != nil {
			t.Fatalf("run with token %q: %v", tok, err)
		}
	}
	if n := srv.Agents(); n != 1 {
		t.Errorf("%d agents enrolled, want 1", n)
	}
	for _, u := range srv.Uploads() {
		if u.Agent != cred.AgentID {
			t.Errorf("upload from %q, want %q", u.Agent, cred.AgentID)
		}
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
}

func TestAgentEnrolmentRefused(t *testing.T) {
	srv := agenttest.Start(t)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)
	cfg.Token = "unknown"
	err := Run(ctx, cfg) // the loop too gives up: retrying cannot mend a bad token
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("err = %v, want a 401", err)
	}
	// The report waits in the spool for an agent enrolled later.
	if got := spoolFiles(t, dir, "spool"); len(got) != 1 {
		t.Errorf("spool %v, want the one report", got)
	}
}

func TestAgentUnchangedReportIsNotUploaded(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	cfg := testConfig(t, srv, dir, rep, logs)
	for _, c := range []string{"a", "a", "b", "b", "a"} {
		rep.set(c)
		if err := Once(ctx, cfg); err != nil {
			t.Fatalf("run %q: %v", c, err)
		}
		time.Sleep(2 * time.Millisecond) // a new generation time
	}
	if diff := cmp.Diff([]string{"a", "b", "a"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	if n := srv.Requests(); n != 3 {
		t.Errorf("%d upload requests, want 3", n)
	}
	if n := len(logs.lines("report unchanged; not uploaded")); n != 2 {
		t.Errorf("%d 'unchanged' log lines, want 2", n)
	}
}

func TestAgentSpoolsWhileTheServerIsDownAndDrainsInOrder(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	cfg := testConfig(t, srv, dir, rep, logs)
	rep.set("a")
	if err := Once(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	for _, c := range []string{"b", "c", "d"} {
		rep.set(c)
		if err := Once(ctx, cfg); err == nil {
			t.Fatalf("run %q with the server down: no error", c)
		}
	}
	if got := spoolFiles(t, dir, "spool"); len(got) != 3 {
		t.Fatalf("spool %v, want 3 files", got)
	}
	srv.Restart()
	rep.set("e")
	if err := Once(ctx, cfg); err != nil {
		t.Fatalf("run after the server came back: %v\n%s", err, logs)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	if n := srv.Requests(); n != 5 {
		t.Errorf("%d upload requests, want 5 (nothing sent twice)", n)
	}
	if got := spoolFiles(t, dir, "spool"); len(got) != 0 {
		t.Errorf("spool %v after the drain, want empty", got)
	}
}

func TestAgentDeliversAcrossARestart(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	srv.Stop() // down from the start: not even enrolled
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)

	stop := runLoop(t, cfg)
	waitFor(t, "the report to be spooled and a retry to fail", func() bool {
		return len(logs.lines("upload failed; will retry")) > 0
	})
	if err := stop(); err != nil {
		t.Fatalf("stopped Run returned %v", err)
	}

	srv.Restart()
	stop = runLoop(t, cfg) // a new process, the same state directory
	waitFor(t, "the upload", func() bool { return len(srv.Uploads()) == 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, contents(t, srv)); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	if got := spoolFiles(t, dir, "spool"); len(got) != 0 {
		t.Errorf("spool %v, want empty", got)
	}
}

// The server commits an upload and dies before answering: the agent keeps
// it, sends it again, and the server recognises the duplicate.
func TestAgentLostAnswerIsNotDuplicated(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	var once sync.Once
	srv.LoseAnswer = func(*http.Request) (lose bool) {
		once.Do(func() { lose = true })
		return lose
	}
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)
	if err := Once(ctx, cfg); err == nil {
		t.Fatal("answer lost: no error")
	}
	if err := Once(ctx, cfg); err != nil { // the same content: nothing new spooled
		t.Fatal(err)
	}
	if n, m := len(srv.Uploads()), srv.Requests(); n != 1 || m != 2 {
		t.Errorf("%d uploads stored from %d requests, want 1 from 2", n, m)
	}
	acks := logs.lines("upload acknowledged")
	if len(acks) != 1 || acks[0]["duplicate"] != true {
		t.Errorf("acknowledgements %v, want one duplicate", acks)
	}
}

// With no Interval configured, the agent scans as often as the server
// says, moved by the jitter.
func TestAgentTakesTheServerInterval(t *testing.T) {
	srv := agenttest.Start(t)
	srv.AddToken("tok-1", "DWP", 1)
	srv.IntervalSeconds = 7200
	dir, rep, logs := t.TempDir(), &reports{}, &logBuffer{}
	rep.set("a")
	cfg := testConfig(t, srv, dir, rep, logs)
	if err := Once(ctx, cfg); err != nil { // enrols; the loop below then sends nothing
		t.Fatal(err)
	}
	cfg.Interval, cfg.Jitter = 0, 0.1
	start := time.Now()
	stop := runLoop(t, cfg)
	waitFor(t, "the next scan to be planned", func() bool { return len(logs.lines("next scan")) > 0 })
	stop()
	at, err := time.Parse(time.RFC3339, logs.lines("next scan")[0]["at"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if d := at.Sub(start); d < 108*time.Minute || d > 133*time.Minute {
		t.Errorf("next scan in %v, want 2h ± 10%%", d)
	}
}
