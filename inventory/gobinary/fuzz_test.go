package gobinary

import (
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/embargo-dev/embargo/inventory"
)

// FuzzCollect: any file in a program folder is read as a Go program or
// passed over, never a panic; every item read names a module.
func FuzzCollect(f *testing.F) {
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil && len(b) > 1<<16 {
			f.Add(b[:1<<16]) // a cut program: headers without the build information
		}
	}
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add([]byte("MZ\x90\x00"))
	f.Add([]byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"usr/bin/x": {Data: data}}
		items, _, _ := Collector{}.Collect(context.Background(), &inventory.Target{Name: "/", FS: fsys}, inventory.TargetFile{Path: "usr/bin/x", Size: int64(len(data))}, inventory.DefaultLimits)
		for _, it := range items {
			if it.Name == "" {
				t.Fatalf("item without a name: %+v", it)
			}
		}
	})
}
