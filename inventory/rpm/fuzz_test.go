package rpm

import (
	"context"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// seeds are databases of each format holding the smallest package header
// of go-rpmdb's SLE 15 or Fedora 35 test database, made here rather than
// taken whole: the fuzzer spends up to a minute minimising each new input,
// in steps that grow with its size.
func seeds(t testing.TB) map[string][]byte {
	t.Helper()
	dbs := testDatabases(t)
	sle := smallest(blobsOf(t, dbs["sle15-bci"]), 1)
	return map[string][]byte{
		"Packages":     bdbFile(sle, 512),
		"Packages.db":  ndbFile(sle),
		"rpmdb.sqlite": sqliteFile(t, smallest(blobsOf(t, dbs["fedora35"]), 1)),
	}
}

func FuzzReadFile(f *testing.F) {
	for _, data := range seeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := inventory.Limits{MaxBytes: 4 << 20, MaxItems: 1000, MaxString: 4096, MaxDepth: 8}
		inv, err := ReadFile(context.Background(), "fuzz", writeTemp(t, "db", data), lim)
		if err != nil {
			return
		}
		for _, it := range inv.Items {
			if it.Name == "" || it.Ecosystem != "rpm" {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
