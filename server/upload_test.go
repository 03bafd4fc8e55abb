package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// gz compresses b.
func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256=" + hex.EncodeToString(s[:])
}

func TestReadUpload(t *testing.T) {
	lim := UploadLimits{Compressed: 1 << 10, Uncompressed: 4 << 10}
	body := []byte(`{"tool":{"name":"embargo","version":"t"}}`)
	zeros := make([]byte, 64<<10) // compresses to ~100 bytes: a small bomb
	for _, tc := range []struct {
		name     string
		body     []byte
		encoding string
		digest   string
		want     int // 0: accepted
	}{
		{"gzip", gz(t, body), "gzip", digestOf(body), 0},
		{"identity", body, "", digestOf(body), 0},
		{"no digest", gz(t, body), "gzip", "", http.StatusBadRequest},
		{"bad digest syntax", gz(t, body), "gzip", "md5=abc", http.StatusBadRequest},
		{"digest mismatch", gz(t, body), "gzip", digestOf([]byte("other")), http.StatusBadRequest},
		{"digest of compressed body", gz(t, body), "gzip", digestOf(gz(t, body)), http.StatusBadRequest},
		{"not gzip", body, "gzip", digestOf(body), http.StatusBadRequest},
		{"too large on the wire", bytes.Repeat([]byte("x"), 2<<10), "", digestOf(nil), http.StatusRequestEntityTooLarge},
		{"gzip bomb", gz(t, zeros), "gzip", digestOf(zeros), http.StatusRequestEntityTooLarge},
		{"truncated gzip", gz(t, body)[:20], "gzip", digestOf(body), http.StatusBadRequest},
		{"brotli", body, "br", digestOf(body), http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/uploads/inventory", bytes.NewReader(tc.body))
			r.Header.Set("Content-Encoding", tc.encoding)
			if tc.digest != "" {
				r.Header.Set(DigestHeader, tc.digest)
			}
			got, digest, err := readUpload(r, lim)
			if tc.want == 0 {
				if err != nil || !bytes.Equal(got, body) || "sha256="+digest != digestOf(body) {
					t.Fatalf("readUpload = %q, %q, %v", got, digest, err)
				}
				return
			}
			he, ok := err.(*httpError)
			if !ok || he.status != tc.want {
				t.Fatalf("readUpload error = %v, want status %d", err, tc.want)
			}
		})
	}
}

func TestDecodeScanReportErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"tool": 5}`, "offset"},
		{`{"tool": {"name": "x"}, "surprise": 1}`, `unknown field "surprise"`},
		{`{"items": [null]}`, "item 0 is empty"},
		{`{"items": [{"id": "a"`, "offset"},
		{`{} {}`, "data after the report"},
		{`{} xyz`, "data after the report"},
		{`{"tool": {"name": "x", "name": "y"}}`, "offset"},                                    // duplicate name
		{"{\"notes\": [\"\xff\"]}", "offset"},                                                 // invalid UTF-8
		{`{"items": [{"id": "a", "location": {"surprise": 1}}]}`, `unknown field "surprise"`}, // nested
		{`[]`, "offset"},
	} {
		_, err := decodeScanReport([]byte(tc.body))
		he, ok := err.(*httpError)
		if !ok || he.status != http.StatusBadRequest || !strings.Contains(he.msg, tc.want) {
			t.Errorf("decodeScanReport(%s) = %v; want a 400 saying %q", tc.body, err, tc.want)
		}
	}
}

// FuzzUpload: whatever bytes and headers an agent sends, reading and
// decoding the upload gives a report or a 4xx, never a panic.
func FuzzUpload(f *testing.F) {
	body := []byte(`{"tool":{"name":"embargo","version":"t"},"items":[{"id":"I-1","type":"package","name":"kesl","location":{"source":"s"}}]}`)
	f.Add(gz(f, body), true, true)
	f.Add(body, false, true)
	f.Add([]byte(`{"traffic":{"stats":{"flows":1,"dns_answers":0,"bad":0},"aggregates":[{"destination":"entity:kaspersky","bytes_out":5}]}}`), false, false)
	f.Add(gz(f, make([]byte, 1<<16)), true, true)
	f.Fuzz(func(t *testing.T, data []byte, gzipped, scan bool) {
		r := httptest.NewRequest("POST", "/u", bytes.NewReader(data))
		if gzipped {
			r.Header.Set("Content-Encoding", "gzip")
		}
		// The digest is of the data as sent, so that uncompressed bodies
		// reach the JSON decoder.
		r.Header.Set(DigestHeader, digestOf(data))
		got, _, err := readUpload(r, UploadLimits{Compressed: 1 << 20, Uncompressed: 4 << 20})
		if err != nil {
			if he, ok := err.(*httpError); !ok || he.status < 400 || he.status > 499 {
				t.Fatalf("readUpload error %v is not a 4xx", err)
			}
			return
		}
		if scan {
			_, err = decodeScanReport(got)
		} else {
			_, err = decodeFlowsReport(got)
		}
		if err != nil {
			if he, ok := err.(*httpError); !ok || he.status != http.StatusBadRequest {
				t.Fatalf("decode error %v is not a 400", err)
			}
		}
	})
}

// readUpload is what an upload route does with a request before judging
// it: the headers checked, the body read under DefaultBodyLimits, then
// decompressed and checked against its digest.
func readUpload(r *http.Request, lim UploadLimits) ([]byte, string, error) {
	if err := checkUploadHeaders(r, lim); err != nil {
		return nil, "", err
	}
	raw, err := readUploadBody(httptest.NewRecorder(), r, lim.Compressed, BodyLimits{})
	if err != nil {
		return nil, "", err
	}
	return openUpload(r, raw, lim)
}

// TestUploadNamesItsData: a report of `embargo scan -o json` names the
// data it was judged by; the server takes it (and judges by its own).
func TestUploadNamesItsData(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(scanReport(t), &doc); err != nil {
		t.Fatal(err)
	}
	doc["data"] = map[string]any{"source": "feed", "feed_version": 3, "catalog": map[string]any{"digest": "sha256:00"}, "packs": map[string]any{"digest": "00"}}
	body, _ := json.Marshal(doc)
	if _, err := decodeScanReport(body); err != nil {
		t.Errorf("a scan report naming its data: %v", err)
	}
}
