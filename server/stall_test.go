package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// stall opens a connection to the fixture's server as agent a, sends an
// upload's headers with a large Content-Length and "{", and stops.
func stall(t *testing.T, f *fixture, a *agentClient) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", f.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	fmt.Fprintf(c, "POST /api/v1/uploads/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s.%s\r\n%s: %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{", a.id, a.secret, DigestHeader, digestOf([]byte("{}")))
	return c
}

func TestStalledUploads(t *testing.T) { testStalledUploads(t, sqliteEngine) }

// Agents that send headers and then stall hold nothing but their own
// turn: another agent's upload goes through at once, a second upload of a
// stalling agent is told to wait, and the stalled bodies are answered 408
// once they fall behind the minimum rate (issue 14).
func testStalledUploads(t *testing.T, e engine) {
	f := newFixture(t, e, func(c *Config) {
		c.UploadBody = BodyLimits{Grace: 500 * time.Millisecond, MinRate: 64 << 10, Deadline: 10 * time.Second}
	})
	var conns []net.Conn
	var hostile []*agentClient
	for i := range maxUploadsInFlight + 2 {
		a := f.enroll(fmt.Sprintf("ws-%d", i), "DWP")
		hostile = append(hostile, a)
		conns = append(conns, stall(t, f, a))
	}
	time.Sleep(100 * time.Millisecond) // the stalled requests are in
	// An upload that gets no answer in 30 s is one the stalled ones block.
	report := scanReport(t)
	answer := func(a *agentClient) (int, string) {
		type reply struct {
			code int
			body []byte
		}
		done := make(chan reply, 1)
		go func() {
			code, body, _ := a.upload("inventory", report, nil)
			done <- reply{code, body}
		}()
		select {
		case r := <-done:
			return r.code, string(r.body)
		case <-time.After(30 * time.Second):
			t.Fatal("an upload got no answer while others stalled")
			return 0, ""
		}
	}
	// A second upload of a stalling agent is turned away, not queued.
	if code, body := answer(hostile[0]); code != http.StatusTooManyRequests || !strings.Contains(body, "already in progress") {
		t.Errorf("a second upload of a stalling agent: %d %s; want 429", code, body)
	}
	if code, body := answer(f.enroll("ws-honest", "DWP")); code != http.StatusCreated {
		t.Errorf("the honest agent's upload: %d %s", code, body)
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(15 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("stalled upload %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("stalled upload %d: %d; want 408", i, resp.StatusCode)
		}
	}
}
