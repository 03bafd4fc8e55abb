package macapp

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// volume lays files out under a fresh directory, as on a mounted macOS
// volume, and returns it.
func volume(t *testing.T, files map[string][]byte) string { return collecttest.Volume(t, files) }

// result is what a collector made of a volume: items, unknowns, and the
// errors of files it could not read, by path.
type result struct {
	items    []inventory.Item
	unknowns []inventory.Unknown
	errs     map[string]string
}

// collect offers every regular file of root to c, as the walker does.
func collect(t *testing.T, root string, c inventory.Collector) result {
	t.Helper()
	tgt := &inventory.Target{Name: "/mnt/mac", FS: os.DirFS(root), Host: "mac1"}
	r := collecttest.Run(t, tgt, c, inventory.DefaultLimits)
	return result{r.Items, r.Unknowns, r.Errs}
}

// plistutil converts an XML property list to binary with libplist's
// plistutil, the real tool.
func plistutil(t *testing.T, xml []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.plist"), filepath.Join(dir, "out.bplist")
	if err := os.WriteFile(in, xml, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(testtool.Command(t, "plistutil", "libplist-utils"), "-i", in, "-o", out, "-f", "bin").CombinedOutput(); err != nil {
		t.Fatalf("plistutil (Debian package libplist-utils): %v\n%s", err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(bin[:8]) != "bplist00" {
		t.Fatalf("plistutil wrote %q, not a binary property list", bin[:8])
	}
	return bin
}

func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
