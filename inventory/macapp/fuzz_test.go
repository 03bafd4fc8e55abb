package macapp

import (
	"os"
	"path/filepath"
	"testing"

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
		_ = decodePlist("Info.plist", data, &info, lim)
		var j job
		_ = decodePlist("job.plist", data, &j, lim)
		if err := checkDepth(data, lim.MaxDepth); err != nil && offsetOf(err) > int64(len(data)) {
			t.Errorf("error at byte %d of %d: %v", offsetOf(err), len(data), err)
		}
	})
}
