package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// upload enrols -hosts simulated agents and uploads the report as each
// of theirs, -c at a time; enrolment is not timed.
func upload(args []string) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	server := fs.String("server", "http://127.0.0.1:8080", "server URL")
	tokensFile := fs.String("tokens", "", "file of enrolment tokens, one per line")
	reportFile := fs.String("report", "", "scan report (embargo scan -o json) of a host")
	hosts := fs.Int("hosts", 1000, "simulated hosts")
	conc := fs.Int("c", 8, "concurrent uploads")
	first := fs.Int("first", 0, "number of the first host (to add hosts to an earlier run)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tokens, err := readLines(*tokensFile)
	if err != nil {
		return err
	}
	body, err := os.ReadFile(*reportFile)
	if err != nil {
		return err
	}
	if !bytes.Contains(body, []byte(hostMarker)) {
		return fmt.Errorf("%s: no %s marker (make it from `fleetload status`)", *reportFile, hostMarker)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc}, Timeout: 5 * time.Minute}
	start := time.Now()
	lat, failed := measure(*hosts, *conc, func(i int) (time.Duration, error) {
		n := *first + i
		host := fmt.Sprintf("bench-%06d", n)
		cred, err := enrol(client, *server, tokens[n%len(tokens)], host)
		if err != nil {
			return 0, fmt.Errorf("enrol %s: %w", host, err)
		}
		mine := bytes.Replace(body, []byte(hostMarker), fmt.Appendf(nil, "%010d", n), 1)
		t0 := time.Now() // enrolment is not timed
		if err := send(client, *server, cred, mine); err != nil {
			return 0, fmt.Errorf("upload %s: %w", host, err)
		}
		return time.Since(t0), nil
	})
	summary("Upload", lat, time.Since(start), failed)
	if failed > 0 {
		return fmt.Errorf("%d of %d hosts failed", failed, *hosts)
	}
	return nil
}
func enrol(c *http.Client, server, token, host string) (string, error) {
	req, _ := json.Marshal(map[string]string{"token": token, "host": host})
	resp, err := c.Post(server+"/api/v1/enroll", "application/json", bytes.NewReader(req))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AgentID string `json:"agent_id"`
		Secret  string `json:"secret"`
	}
	if err := decode(resp, http.StatusCreated, &out); err != nil {
		return "", err
	}
	return out.AgentID + "." + out.Secret, nil
}

func send(c *http.Client, server, cred string, body []byte) error {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	req, err := http.NewRequest(http.MethodPost, server+"/api/v1/uploads/inventory", &gz)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+cred)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Embargo-Digest", "sha256="+hex.EncodeToString(sum[:]))
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decode(resp, http.StatusCreated, nil)
}

func decode(resp *http.Response, want int, v any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(data)))
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}

func readLines(name string) ([]string, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no tokens", name)
	}
	return out, nil
}
