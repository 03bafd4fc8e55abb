package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

func TestEnrollOnce(t *testing.T) { testEnrollOnce(t, sqliteEngine) }

func testEnrollOnce(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	token, rec, err := NewEnrollmentToken("DWP", 1, 3600e9, "test", f.srv.now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.CreateEnrollmentToken(context.Background(), store.System, rec); err != nil {
		t.Fatal(err)
	}
	body := map[string]string{"token": token, "host": "ws-0001"}
	if code, b := f.anon().do("POST", "/api/v1/enroll", body, nil); code != http.StatusCreated {
		t.Fatalf("first enrolment: %d %s", code, b)
	}
	body["host"] = "ws-0002"
	if code, b := f.anon().do("POST", "/api/v1/enroll", body, nil); code != http.StatusUnauthorized {
		t.Fatalf("second use of a one-time token: %d %s; want 401", code, b)
	}
	body["token"] = "made-up"
	if code, _ := f.anon().do("POST", "/api/v1/enroll", body, nil); code != http.StatusUnauthorized {
		t.Fatalf("unknown token: %d; want 401", code)
	}
}

func TestUploadInventory(t *testing.T) { testUploadInventory(t, sqliteEngine) }

func testUploadInventory(t *testing.T, e engine) {
	f := newFixture(t, e, nil)
	a := f.enroll("ws-0142", "DWP")
	rep := scanReport(t)

	code, body, _ := a.upload("inventory", rep, nil)
	var first uploadResponse
	json.Unmarshal(body, &first)
	if code != http.StatusCreated || first.Duplicate || first.Findings == 0 {
		t.Fatalf("first upload: %d %s; want 201 with findings", code, body)
	}
	code, body, _ = a.upload("inventory", rep, nil)
	var second uploadResponse
	json.Unmarshal(body, &second)
	if code != http.StatusOK || !second.Duplicate || second.Digest != first.Digest {
		t.Fatalf("same upload again: %d %s; want 200 duplicate", code, body)
	}

	admin := f.login("admin")
	var fs []store.Finding
	admin.getJSON("/api/v1/findings?host="+a.id, http.StatusOK, &fs)
	if len(fs) != first.Findings {
		t.Fatalf("%d findings stored after two identical uploads; want %d", len(fs), first.Findings)
	}
	var kesl bool
	for _, x := range fs {
		kesl = kesl || x.Item == "kesl" && x.Department == "DWP" && x.Instrument != "" && len(x.Evidence) > 0
	}
	if !kesl {
		t.Fatalf("no finding on kesl with its instrument and evidence: %+v", fs)
	}
	var h store.Host
	admin.getJSON("/api/v1/hosts/"+a.id, http.StatusOK, &h)
	if h.SystemID != "secure-desks" || h.Classification != "SECRET" || h.LastScan.IsZero() {
		t.Fatalf("host = %+v; want the register's secure-desks, scanned", h)
	}
	// The stored report is the uploaded items as the server attributed
	// and counted them.
	code, inv := admin.do("GET", "/api/v1/hosts/"+a.id+"/inventory", nil, nil)
	var sent, kept report.Report
	if code != http.StatusOK || json.Unmarshal(rep, &sent) != nil || json.Unmarshal(inv, &kept) != nil {
		t.Fatalf("inventory: %d, %.200s", code, inv)
	}
	itemNames := func(r report.Report) (names []string) {
		for _, e := range r.Items {
			names = append(names, e.ID+" "+e.Name)
		}
		return names
	}
	if diff := cmp.Diff(itemNames(sent), itemNames(kept)); diff != "" || kept.Summary.Items != len(sent.Items) || kept.Summary.Attributed == 0 {
		t.Fatalf("inventory: summary %+v, items (-sent +kept):\n%s", kept.Summary, diff)
	}
	if !strings.Contains(f.logs.String(), `"agent":"`+a.id+`"`) {
		t.Error("request log does not name the agent")
	}
}

func TestUploadRefused(t *testing.T) { testUploadRefused(t, sqliteEngine) }

func testUploadRefused(t *testing.T, e engine) {
	f := newFixture(t, e, func(c *Config) { c.MaxUpload = UploadLimits{Compressed: 256 << 10, Uncompressed: 2 << 20} })
	a := f.enroll("ws-0142", "DWP")
	rep := scanReport(t)
	huge := bytes.Repeat([]byte(" "), 3<<20) // compresses small, decompresses past the limit
	random := make([]byte, 300<<10)          // does not compress: over the wire limit
	rand.NewChaCha8([32]byte{}).Read(random)
	for _, tc := range []struct {
		name string
		body []byte
		hdr  map[string]string
		want int
		msg  string
	}{
		{"digest mismatch", rep, map[string]string{DigestHeader: digestOf([]byte("x"))}, http.StatusBadRequest, "does not match"},
		{"no digest", rep, map[string]string{DigestHeader: ""}, http.StatusBadRequest, DigestHeader},
		{"malformed JSON", []byte(`{"tool": {"name": "embargo"}, "items": [}`), nil, http.StatusBadRequest, "offset"},
		{"unknown field", []byte(`{"tool": {"name": "embargo"}, "bogus": true}`), nil, http.StatusBadRequest, "offset"},
		{"gzip bomb", huge, nil, http.StatusRequestEntityTooLarge, "decompresses"},
		{"oversized", random, nil, http.StatusRequestEntityTooLarge, "limit"},
		{"bad credential", rep, map[string]string{"Authorization": "Bearer " + a.id + ".wrong"}, http.StatusUnauthorized, "credential"},
		{"no credential", rep, map[string]string{"Authorization": ""}, http.StatusUnauthorized, "credential"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := a.upload("inventory", tc.body, tc.hdr)
			var r struct{ Error string }
			json.Unmarshal(body, &r)
			if code != tc.want || !strings.Contains(r.Error, tc.msg) {
				t.Fatalf("%d %s; want %d with an error saying %q", code, body, tc.want, tc.msg)
			}
		})
	}
	if !strings.Contains(f.logs.String(), `"msg":"upload refused"`) || !strings.Contains(f.logs.String(), "decompresses to over") {
		t.Error("refused uploads are not logged with their reason")
	}
	var fs []store.Finding
	f.login("admin").getJSON("/api/v1/findings", http.StatusOK, &fs)
	if len(fs) != 0 {
		t.Fatalf("%d findings stored from refused uploads", len(fs))
	}
}

func TestAgentRateLimit(t *testing.T) { testAgentRateLimit(t, sqliteEngine) }

func testAgentRateLimit(t *testing.T, e engine) {
	f := newFixture(t, e, func(c *Config) { c.AgentRate = 2 })
	a, b := f.enroll("ws-0001", "DWP"), f.enroll("ws-0002", "DWP")
	rep := scanReport(t)
	for i := range 2 {
		if code, body, _ := a.upload("inventory", rep, nil); code >= 300 {
			t.Fatalf("upload %d: %d %s", i, code, body)
		}
	}
	code, body, hdr := a.upload("inventory", rep, nil)
	if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" {
		t.Fatalf("third upload in a minute at 2/min: %d %s (Retry-After %q); want 429 with Retry-After", code, body, hdr.Get("Retry-After"))
	}
	if code, body, _ := b.upload("inventory", rep, nil); code != http.StatusCreated {
		t.Fatalf("another agent's upload: %d %s; the limit is per agent", code, body)
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, sqliteEngine, func(c *Config) { c.MetricsToken = "s3cret-metrics-token" })
	a := f.enroll("ws-0142", "DWP")
	if code, body, _ := a.upload("inventory", scanReport(t), nil); code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	// On the main listener, only with the token.
	for _, tc := range []struct {
		auth string
		want int
	}{{"", http.StatusUnauthorized}, {"Bearer wrong", http.StatusUnauthorized}, {"Bearer s3cret-metrics-token", http.StatusOK}} {
		code, _ := f.anon().do("GET", "/metrics", nil, map[string]string{"Authorization": tc.auth})
		if code != tc.want {
			t.Errorf("/metrics with %q: %d, want %d", tc.auth, code, tc.want)
		}
	}
	// Its own listener serves them to whoever reaches it.
	ms := httptest.NewServer(f.srv.MetricsHandler())
	defer ms.Close()
	resp, err := http.Get(ms.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`embargo_uploads_total{kind="inventory",result="new"} 1`,
		`embargo_http_requests_total{code="201",route="POST /api/v1/uploads/inventory"} 1`,
		`embargo_upload_bytes_total{kind="inventory"} ` + fmt.Sprint(len(scanReport(t))),
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Without a token the main listener has no /metrics at all.
	plain := newFixture(t, sqliteEngine, nil)
	if code, body := plain.anon().do("GET", "/metrics", nil, nil); code != http.StatusNotFound || !strings.Contains(string(body), "--metrics-listen") {
		t.Errorf("/metrics on the main listener without a token: %d %s; want 404", code, body)
	}
	for _, p := range []string{"/healthz", "/readyz", "/api/openapi.yaml"} {
		resp, err := http.Get(f.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
}
