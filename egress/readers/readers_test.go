package readers

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sniffs finds a method implementing egress.Reader's Sniff.
var sniffs = regexp.MustCompile(`(?m)^func \([^)]*\) Sniff\(`)

// TestEveryReaderRegistered: each package under egress/ that implements
// a Reader is in All (a new reader is one folder plus one line here).
func TestEveryReaderRegistered(t *testing.T) {
	registered := map[string]bool{}
	for _, r := range All() {
		registered[r.Name()] = true
	}
	dirs, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("..", d.Name(), "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if sniffs.Match(src) && !registered[d.Name()] {
				t.Errorf("package egress/%s implements a reader but All does not list it", d.Name())
			}
		}
	}
}
