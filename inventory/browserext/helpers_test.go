package browserext

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// volume lays files out under a fresh directory, as on a mounted volume,
// and returns it.
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

// result is what the collector made of a volume.
type result struct {
	items    []inventory.Item
	unknowns []inventory.Unknown
	errs     map[string]string
}

// collect offers every regular file of root to the collector, as the
// walker does.
func collect(t *testing.T, root string, lim inventory.Limits) result {
	t.Helper()
	tgt := &inventory.Target{Name: "/mnt/disk", FS: os.DirFS(root), Host: "pc1"}
	res := result{errs: map[string]string{}}
	c := Collector{}
	err := fs.WalkDir(tgt.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !c.Wants(p) {
			return err
		}
		items, unknowns, err := c.Collect(context.Background(), tgt, inventory.TargetFile{Path: p}, lim)
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

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func attr(f inventory.Field, v string) inventory.Attr { return inventory.Attr{Field: f, Value: v} }
