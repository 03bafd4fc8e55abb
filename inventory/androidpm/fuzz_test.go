package androidpm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// FuzzRead: any input gives an inventory or an InputError naming the
// input, never a panic; every item is a valid package name within the
// limits, at a line of the input.
func FuzzRead(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.txt"))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("package:/a==/b=c.d versionCode:1  installer=null uid:1,100001\nsdk:x:1\n"))
	lim := inventory.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxString: 64, MaxDepth: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Reader{}.Read(context.Background(), "fuzz.txt", bytes.NewReader(data), lim)
		if !collecttest.CheckRead(t, "fuzz.txt", data, inv, err, lim, true) {
			return
		}
		if len(inv.Items) == 0 {
			t.Fatal("an inventory without a package")
		}
		for _, it := range inv.Items {
			if !inventory.ValidAndroidPackage(it.Name) {
				t.Fatalf("item %+v", it)
			}
		}
	})
}
