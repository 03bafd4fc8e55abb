package androidpm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
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
		if err != nil {
			var ie *inventory.InputError
			if !errors.As(err, &ie) || ie.Source != "fuzz.txt" {
				t.Fatalf("error %v is not an InputError naming the input", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(inv.Items) == 0 || len(inv.Items) > lim.MaxItems {
			t.Fatalf("%d items", len(inv.Items))
		}
		for _, it := range inv.Items {
			if it.ID == "" || !validName(it.Name) || len(it.Name) > lim.MaxString || it.Location.Line < 1 || it.Location.Line > lines {
				t.Fatalf("item %+v", it)
			}
		}
		for _, u := range inv.Unknowns {
			if u.Location.Line < 1 || u.Location.Line > lines || u.Reason == "" {
				t.Fatalf("unknown %+v", u)
			}
		}
	})
}
