package e2e

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// MaxHostileRSS is the documented bound on the server's peak memory
// while the hostile-agent suite runs (README, "Uploads are untrusted").
const MaxHostileRSS = 256 << 20

// TestHostileAgents runs `embargo serve` (each store) against enrolled
// agents behaving as an insider with a credential would (issue 14):
// overflowing counters, oversized fields, forged summaries, a host named
// like another department's system, stalled bodies and gzip bombs at
// once. Each is refused or neutralised, every honest upload still goes
// through, and the server's peak memory stays under MaxHostileRSS.
func TestHostileAgents(t *testing.T) {
	for _, mk := range stores(t) {
		st := mk(t)
		t.Run(st.name, func(t *testing.T) {
			f := newFleet(t, st)
			base := f.srv.url
			admin := login(t, base, "admin", passwords["admin"])
			register := "default:\n  classification: OFFICIAL\nsystems:\n  - id: dwp-desks\n    department: DWP\n    classification: SECRET\n    match:\n      hosts: [\"dwp-*\"]\n"
			if code := putRaw(t, admin, "/api/v1/register", register); code != http.StatusNoContent {
				t.Fatalf("PUT register: %d", code)
			}
			honest := []byte(embargoOut(t, "scan", dpkgTarget(t, kesl, curl), "-o", "json"))
			flows := []byte(embargoOut(t, "flows", "../egress/zeek/testdata/conn.log", "-o", "json"))
			good := enrolAgent(t, base, f.tokens["DWP"], "dwp-ws-01")
			evil := enrolAgent(t, base, f.tokens["DWP"], "dwp-ws-66")

			// Counters past what a store keeps are refused; the pages stay up.
			huge := edit(t, flows, func(doc map[string]any) {
				aggs := doc["traffic"].(map[string]any)["aggregates"].([]any)
				aggs[0].(map[string]any)["bytes_out"] = uint64(math.MaxUint64)
			})
			if code := upload(base, evil, "flows", huge); code != http.StatusBadRequest {
				t.Errorf("flows with 2^64-1 bytes: %d; want 400", code)
			}
			if code := upload(base, evil, "flows", flows); code != http.StatusCreated {
				t.Errorf("honest flows: %d", code)
			}
			for _, p := range []string{"/", "/egress", "/api/v1/overview", "/api/v1/flows"} {
				if code, _ := admin.get(p); code != http.StatusOK {
					t.Errorf("%s after hostile counters: %d", p, code)
				}
			}
			// An oversized field is refused by name.
			fat := edit(t, honest, func(doc map[string]any) {
				doc["items"].([]any)[0].(map[string]any)["attributes"] = []any{map[string]any{"field": "description", "value": strings.Repeat("A", 2<<20)}}
			})
			if code := upload(base, evil, "inventory", fat); code != http.StatusRequestEntityTooLarge {
				t.Errorf("a 2 MiB attribute: %d; want 413", code)
			}
			// A forged summary is not what the server shows.
			forged := edit(t, honest, func(doc map[string]any) {
				doc["summary"] = map[string]any{"items": 0, "attributed": 0, "unattributed": 0, "unknown": 0, "failed_inputs": 0,
					"by_supplier": map[string]any{}, "by_country": map[string]any{}}
			})
			if code := upload(base, evil, "inventory", forged); code != http.StatusCreated {
				t.Errorf("forged summary upload: %d", code)
			}
			var inv struct {
				Summary struct{ Items, Attributed int } `json:"summary"`
			}
			if code := admin.do("GET", "/api/v1/hosts/"+strings.Split(evil, ".")[0]+"/inventory", nil, &inv); code != http.StatusOK || inv.Summary.Items == 0 || inv.Summary.Attributed == 0 {
				t.Errorf("stored summary of a forged upload: %d %+v; want the server's count", code, inv.Summary)
			}
			// A host named like another department's system gets its own
			// department's default; the admin sees the clash.
			posing := enrolAgent(t, base, f.tokens["HMRC"], "dwp-ws-07")
			if code := upload(base, posing, "inventory", honest); code != http.StatusCreated {
				t.Errorf("posing host's upload: %d", code)
			}
			var h struct {
				SystemID, Classification, Clash string
			}
			admin.do("GET", "/api/v1/hosts/"+strings.Split(posing, ".")[0], nil, &h)
			if h.SystemID != "" || h.Classification == "SECRET" || !strings.Contains(h.Clash, "dwp-desks") {
				t.Errorf("host named like DWP's system, enrolled by HMRC: %+v", h)
			}

			// Stalled bodies and gzip bombs at once, from agents of their
			// own; an honest agent's upload goes through meanwhile.
			var stalls []net.Conn
			for i := range 6 {
				cred := enrolAgent(t, base, f.tokens["DWP"], fmt.Sprintf("dwp-stall-%d", i))
				stalls = append(stalls, stall(t, base, cred))
			}
			bomb := gzipBomb(t, 1<<30)
			var wg sync.WaitGroup
			codes := make([]int, 4)
			for i := range codes {
				cred := enrolAgent(t, base, f.tokens["DWP"], fmt.Sprintf("dwp-bomb-%d", i))
				wg.Go(func() { codes[i] = uploadGz(base, cred, "inventory", bomb, []byte("{}")) })
			}
			done := make(chan int, 1)
			go func() { done <- upload(base, good, "inventory", honest) }()
			select {
			case code := <-done:
				if code != http.StatusCreated {
					t.Errorf("the honest upload among hostile ones: %d", code)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("the honest upload got no answer among hostile ones")
			}
			wg.Wait()
			for i, c := range codes {
				if c != http.StatusRequestEntityTooLarge {
					t.Errorf("bomb %d: %d; want 413", i, c)
				}
			}
			for _, c := range stalls {
				c.Close()
			}
			rss := peakRSS(t, f.srv.cmd.Process.Pid)
			t.Logf("server peak RSS during the hostile suite: %.1f MiB (bound %d MiB)", float64(rss)/(1<<20), MaxHostileRSS>>20)
			if rss > MaxHostileRSS {
				t.Errorf("server peak RSS %d MiB, over the documented %d MiB", rss>>20, MaxHostileRSS>>20)
			}
		})
	}
}

// embargoOut runs the binary and returns its standard output whatever
// its exit code (scan and flows exit 1 when they find something).
func embargoOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, args...).Output()
	if len(out) == 0 {
		t.Fatalf("embargo %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// putRaw PUTs a YAML body as u.
func putRaw(t *testing.T, u *user, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest("PUT", u.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/yaml")
	req.Header.Set("X-CSRF-Token", u.csrf)
	resp, err := u.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func edit(t *testing.T, doc []byte, change func(map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// upload sends body gzipped with its digest, as an agent does.
func upload(base, cred, kind string, body []byte) int {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	return uploadGz(base, cred, kind, gz.Bytes(), body)
}

func uploadGz(base, cred, kind string, gz, body []byte) int {
	sum := sha256.Sum256(body)
	req, _ := http.NewRequest("POST", base+"/api/v1/uploads/"+kind, bytes.NewReader(gz))
	req.Header.Set("Authorization", "Bearer "+cred)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Embargo-Digest", "sha256="+hex.EncodeToString(sum[:]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// stall sends an upload's headers and "{", then nothing.
func stall(t *testing.T, base, cred string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("{}"))
	fmt.Fprintf(c, "POST /api/v1/uploads/inventory HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nEmbargo-Digest: sha256=%s\r\n"+
		"Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{", cred, hex.EncodeToString(sum[:]))
	return c
}

// gzipBomb is n zero bytes, gzipped.
func gzipBomb(t *testing.T, n int64) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for w := int64(0); w < n; w += int64(len(zero)) {
		zw.Write(zero)
	}
	zw.Close()
	return b.Bytes()
}

// peakRSS is a process's peak resident set (VmHWM), in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}
