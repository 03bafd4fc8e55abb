package agent

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testUpload is an upload of content whose gzip is about size bytes
// (incompressible filler).
func testUpload(t *testing.T, content string, size int) Upload {
	t.Helper()
	body := fakeReport(content, time.Unix(0, 0))
	filler := make([]byte, size)
	rand.Read(filler) // incompressible, so that file sizes follow size
	body = append(body[:len(body)-1], []byte(`,"pad":"`+base64.StdEncoding.EncodeToString(filler)+`"}`)...)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	c, err := ContentDigest(body)
	if err != nil {
		t.Fatal(err)
	}
	return Upload{Kind: KindInventory, Digest: hex.EncodeToString(sum[:]), Content: c, Created: time.Unix(0, 0).UTC(), Gzip: gz.Bytes()}
}

func TestAgentSpoolBounds(t *testing.T) {
	tests := []struct {
		name     string
		maxCount int
		maxBytes int64
		sizes    []int
		keep     []string
		dropped  int
	}{
		{"within bounds", 10, 1 << 20, []int{10, 10, 10}, []string{"u0", "u1", "u2"}, 0},
		{"count bound", 2, 1 << 20, []int{10, 10, 10, 10}, []string{"u2", "u3"}, 2},
		{"byte bound", 64, 9500, []int{4000, 4000, 4000}, []string{"u1", "u2"}, 1},
		{"newest kept alone over the byte bound", 64, 2000, []int{100, 5000}, []string{"u1"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := time.Unix(1_800_000_000, 0)
			sp := &spool{dir: dir, rejected: t.TempDir(), maxCount: tt.maxCount, maxBytes: tt.maxBytes,
				now: func() time.Time { return clock }} // a stopped clock: order comes from the names
			dropped := 0
			for i, size := range tt.sizes {
				n, err := sp.add(testUpload(t, "u"+string(rune('0'+i)), size))
				if err != nil {
					t.Fatal(err)
				}
				dropped += n
			}
			files, err := sp.list()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range files {
				u, err := ReadSpoolFile(f.path)
				if err != nil {
					t.Fatal(err)
				}
				body := gunzip(t, u.Gzip)
				got = append(got, contentOf(t, body)[:2])
			}
			if diff := cmp.Diff(tt.keep, got); diff != "" {
				t.Errorf("kept (-want +got):\n%s", diff)
			}
			if dropped != tt.dropped {
				t.Errorf("dropped %d, want %d", dropped, tt.dropped)
			}
		})
	}
}

func gunzip(t *testing.T, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A crash in the middle of a write leaves a temporary file, never a
// spool file; the next listing removes it.
func TestAgentSpoolIgnoresTornWrites(t *testing.T) {
	dir := t.TempDir()
	sp := &spool{dir: dir, rejected: t.TempDir(), maxCount: 64, maxBytes: 1 << 20, now: time.Now}
	torn := filepath.Join(dir, ".00000000000000000009-inventory.upload.tmp123")
	if err := os.WriteFile(torn, []byte("embargo-spool 1\n{\"ki"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.add(testUpload(t, "a", 10)); err != nil {
		t.Fatal(err)
	}
	files, err := sp.list()
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v, %v; want the one upload", files, err)
	}
	if _, err := os.Stat(torn); !os.IsNotExist(err) {
		t.Errorf("torn temporary file still there: %v", err)
	}
}

func TestAgentSpoolFileErrorsNameTheFile(t *testing.T) {
	good := encodeSpool(testUpload(t, "a", 10))
	tests := map[string][]byte{
		"empty":            nil,
		"bad magic":        []byte("embargo-spool 9\n{}\n"),
		"no header":        []byte(spoolMagic + "{"),
		"unknown kind":     []byte(spoolMagic + `{"kind":"x"}` + "\n"),
		"truncated body":   good[:len(good)-10],
		"body not matched": append(bytes.Clone(good[:len(good)-30]), good[len(good)-30:len(good)-1]...),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.upload")
			os.WriteFile(path, data, 0o600)
			_, err := ReadSpoolFile(path)
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want an error naming %q", err, path)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "f.upload")
	os.WriteFile(path, good, 0o600)
	if _, err := ReadSpoolFile(path); err != nil {
		t.Errorf("good file: %v", err)
	}
}
