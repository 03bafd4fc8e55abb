package browserext

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// volume lays files out under a fresh directory, as on a mounted volume,
// and returns it.
func volume(t *testing.T, files map[string][]byte) string { return collecttest.Volume(t, files) }

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
	r := collecttest.Run(t, tgt, Collector{}, lim)
	return result{r.Items, r.Unknowns, r.Errs}
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
