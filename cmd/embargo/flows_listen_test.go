//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFlowsListenSignals: `embargo flows listen` judges what it received
// and writes its report when stopped by SIGTERM — how systemd stops a
// service — as when stopped by Ctrl-C (SIGINT). The listener runs as a
// subprocess; a NetFlow datagram is sent once it listens, the signal once
// a summary counts the flow.
func TestFlowsListenSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := pc.LocalAddr().String()
			pc.Close()
			file := filepath.Join(t.TempDir(), "report.json")
			cmd := exec.Command(binary, "flows", "listen", "--netflow", addr, "--interval", "20ms", "-o", "json", "--output-file", file)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stderr)
			var seen strings.Builder
			waitFor := func(what string) {
				t.Helper()
				for lines.Scan() {
					seen.WriteString(lines.Text() + "\n")
					if strings.Contains(lines.Text(), what) {
						return
					}
				}
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("the listener ended before %q:\n%s", what, seen.String())
			}
			waitFor("listening for NetFlow/IPFIX on")
			conn, err := net.Dial("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := conn.Write(netflowV5(time.Now())); err != nil {
				t.Fatal(err)
			}
			waitFor("1 datagrams, 1 flows")
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			go io.Copy(io.Discard, stderr)
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Fatalf("exit %v, want 1 (traffic to a catalogued entity)", err)
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("no report after %s: %v", sig, err)
			}
			var r struct {
				flowsReport
				Notes []string `json:"notes"`
			}
			if err := json.Unmarshal(data, &r); err != nil {
				t.Fatalf("%v\n%s", err, data)
			}
			if len(r.Traffic.Aggregates) != 1 || r.Traffic.Aggregates[0].Entity != "kaspersky-lab-switzerland" ||
				!strings.Contains(strings.Join(r.Notes, "\n"), "NetFlow listener: 1 datagrams, 1 flows") {
				t.Errorf("report after %s: aggregates %+v, notes %q", sig, r.Traffic.Aggregates, r.Notes)
			}
		})
	}
}
