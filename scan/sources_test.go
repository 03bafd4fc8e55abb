package scan

import (
	"os"
	"path/filepath"
	"testing"
)

// Each input goes to the first source that accepts it: a directory of
// documents only is those documents, any other directory a host's files,
// an image tarball (or an input forced as one) an image, a file no reader
// recognises a lone file for the collectors, anything else a document for
// the readers.
func TestSourceOf(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bom.json")
	if err := os.WriteFile(file, []byte(`{"bomFormat":"CycloneDX"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	program := filepath.Join(t.TempDir(), "setup.exe")
	if err := os.WriteFile(program, []byte("MZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	host := t.TempDir()
	if err := os.MkdirAll(filepath.Join(host, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ input, forced, want string }{
		{dir, "", "documents"},
		{host, "", "host"},
		{file, "", "document"},
		{program, "", "file"},
		{program, "cyclonedx", "document"},
		{file, "image", "image"},
		{file, "cyclonedx", "document"},
		{"-", "", "document"},
		{"-", "image", "document"},
		{filepath.Join(dir, "missing"), "", "document"},
	} {
		if got := sourceOf(tc.input, tc.forced).Name(); got != tc.want {
			t.Errorf("sourceOf(%s, forced %q) = %s, want %s", tc.input, tc.forced, got, tc.want)
		}
	}
	seen := map[string]bool{}
	for _, s := range Sources() {
		if seen[s.Name()] {
			t.Errorf("two sources named %s", s.Name())
		}
		seen[s.Name()] = true
	}
}
