package macapp

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// FuzzPlist feeds arbitrary bytes to the property list decoding of both
// collectors: it must return an item or an error, never panic, recurse
// without bound or stall.
func FuzzPlist(f *testing.F) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(nestedBinary(3, true))
	f.Add([]byte(`{ CFBundleIdentifier = "a.b"; Label = x; ProgramArguments = (a, "b"); }`))
	lim := inventory.DefaultLimits
	lim.MaxDepth = 16
	f.Fuzz(func(t *testing.T, data []byte) {
		var info bundleInfo
		_ = plist.Decode("Info.plist", data, &info, lim)
		var j job
		_ = plist.Decode("job.plist", data, &j, lim)
		if err := plist.CheckDepth(data, lim.MaxDepth); err != nil && plist.OffsetOf(err) > int64(len(data)) {
			t.Errorf("error at byte %d of %d: %v", plist.OffsetOf(err), len(data), err)
		}
	})
}
