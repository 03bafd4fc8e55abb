package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/agent/agenttest"
)

// logBuffer collects an agent's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// lines returns the log records whose msg is msg.
func (l *logBuffer) lines(msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes()))
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// reports is a Scan that returns the report of the current content,
// generated at the current time, as a real scan of a host would.
type reports struct {
	mu      sync.Mutex
	content string
}

func (r *reports) set(c string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.content = c
}

func (r *reports) scan(context.Context) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fakeReport(r.content, time.Now()), nil
}

func fakeReport(content string, generated time.Time) []byte {
	return fmt.Appendf(nil, `{"tool":{"name":"embargo","version":"test"},"generated":%q,"inputs":[],`+
		`"summary":{"items":1},"items":[{"id":"I-1","type":"package","name":%q,"location":{"source":"/"}}],"unknowns":[]}`,
		generated.UTC().Format(time.RFC3339Nano), content)
}

// contentOf is the package name in a fakeReport.
func contentOf(t *testing.T, body []byte) string {
	t.Helper()
	var rep struct {
		Items []struct{ Name string } `json:"items"`
	}
	if err := json.Unmarshal(body, &rep); err != nil || len(rep.Items) != 1 {
		t.Fatalf("not a test report: %v: %s", err, body)
	}
	return rep.Items[0].Name
}

// contents lists what the server accepted, in order.
func contents(t *testing.T, srv *agenttest.Server) []string {
	t.Helper()
	var out []string
	for _, u := range srv.Uploads() {
		out = append(out, contentOf(t, u.Body))
	}
	return out
}

// testConfig is a Config against srv with fast backoff and the log in
// logs.
func testConfig(t *testing.T, srv *agenttest.Server, dir string, rep *reports, logs *logBuffer) Config {
	t.Helper()
	return Config{
		Server: srv.URL(), Token: "tok-1", Host: "ws-0142", StateDir: dir,
		Interval: time.Hour, Scan: rep.scan,
		Logger:      slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
	}
}

func spoolFiles(t *testing.T, dir, sub string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, sub))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// runLoop starts Run (not Once) and returns a function that stops it and
// returns its error.
func runLoop(t *testing.T, cfg Config) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg) }()
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
			return nil
		}
	}
}
