package flows

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
// a Reader is in Readers (a new reader is one folder plus one line there).
func TestEveryReaderRegistered(t *testing.T) {
	registered := map[string]bool{}
	for _, r := range Readers() {
		registered[r.Name()] = true
	}
	dirs, err := os.ReadDir("../egress")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join("../egress", d.Name(), "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if sniffs.Match(src) && !registered[d.Name()] {
				t.Errorf("package egress/%s implements a reader but Readers does not list it", d.Name())
			}
		}
	}
}
