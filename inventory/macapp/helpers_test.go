package macapp

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// volume lays files out under a fresh directory, as on a mounted macOS
// volume, and returns it.
func volume(t *testing.T, files map[string][]byte) string {
	t.Helper()
	root := t.TempDir()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

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
	res := result{errs: map[string]string{}}
	err := fs.WalkDir(tgt.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !c.Wants(p) {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		items, unknowns, err := c.Collect(context.Background(), tgt, inventory.TargetFile{Path: p, Size: fi.Size()}, inventory.DefaultLimits)
		if err != nil {
			res.errs[p] = err.Error()
		}
		res.items = append(res.items, items...)
		res.unknowns = append(res.unknowns, unknowns...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
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
	if b, err := exec.Command("plistutil", "-i", in, "-o", out, "-f", "bin").CombinedOutput(); err != nil {
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
