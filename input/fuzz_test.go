package input

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzOpen: any bytes, compressed or not, open and read to the end or to
// an error that names the input, within the decompression bound, and
// never panic.
func FuzzOpen(f *testing.F) {
	f.Add([]byte("#separator \\x09\n"))
	f.Add(gzipOf(f, []byte(`{"bomFormat":"CycloneDX"}`)))
	f.Add(gzipOf(f, make([]byte, 4096)))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "input")
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		in, err := Open(name, Options{HeadSize: 64, MaxDecompressed: 1 << 12})
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q does not name the input", err)
			}
			return
		}
		defer in.Close()
		if len(in.Head) > 64 {
			t.Fatalf("head of %d bytes", len(in.Head))
		}
		n, err := io.Copy(io.Discard, io.LimitReader(in.R, 1<<13))
		if in.Compressed && n > 1<<12 {
			t.Fatalf("read %d bytes past the bound of %d", n, 1<<12)
		}
		if err != nil && !strings.Contains(err.Error(), name) && !strings.Contains(err.Error(), "gzip") && !strings.Contains(err.Error(), "flate") {
			t.Fatalf("read error %q says neither the input nor what failed", err)
		}
		if !in.Compressed && err == nil && n != int64(len(data)) {
			t.Fatalf("read %d of %d bytes", n, len(data))
		}
		if !in.Compressed && !bytes.HasPrefix(data, in.Head) {
			t.Fatal("the head is not the start of the content")
		}
	})
}

func gzipOf(f *testing.F, data []byte) []byte {
	f.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}
