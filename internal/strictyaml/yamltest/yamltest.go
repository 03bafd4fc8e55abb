// Package yamltest runs the tests every strict YAML loader has: each file
// in a folder of invalid inputs must be refused with exactly the error
// kept beside it in a .err golden file.
package yamltest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Load loads one file, returning whether it produced a value (it must not
// when it fails) and the error.
type Load func(name string, data []byte) (loaded bool, err error)

// Invalid loads every dir/*.yaml file and compares its error with the
// .err file beside it; update rewrites the .err files instead.
func Invalid(t *testing.T, dir string, update bool, load Load) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		t.Fatalf("no invalid test files in %s", dir)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			loaded, err := load(name, data)
			if err == nil {
				t.Fatal("the file loaded, want an error")
			}
			if loaded {
				t.Error("a value was returned with the error: something was half-applied")
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if update {
				if err := os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if diff := cmp.Diff(strings.TrimSuffix(string(want), "\n"), err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
