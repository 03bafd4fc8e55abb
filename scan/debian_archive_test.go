package scan

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestDebianArchive scans every package this machine's apt sources offer
// (apt-cache dumpavail: Debian's whole archive on a stock machine, about
// 65,000 packages, their maintainers included) as one dpkg status file.
// None of them is a restricted supplier's, and none may be attributed:
// names are matched whole, maintainers by one rule, and a consumer
// mailbox is nobody's employer.
func TestDebianArchive(t *testing.T) {
	aptCache := testtool.Command(t, "apt-cache", "apt")
	if lists, _ := filepath.Glob("/var/lib/apt/lists/*_Packages*"); len(lists) == 0 {
		testtool.Unavailable(t, "the apt package lists (/var/lib/apt/lists/*_Packages*)", "apt-get update", nil)
	}
	out, err := exec.Command(aptCache, "dumpavail").Output()
	if err != nil {
		t.Fatalf("apt-cache dumpavail: %v", err)
	}
	// dumpavail writes Packages stanzas: make each an installed package.
	var status bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	packages := 0
	for sc.Scan() {
		line := sc.Bytes()
		status.Write(line)
		status.WriteByte('\n')
		if bytes.HasPrefix(line, []byte("Package: ")) {
			status.WriteString("Status: install ok installed\n")
			packages++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if packages < 10000 {
		t.Fatalf("apt-cache dumpavail listed %d packages: the apt lists are missing (run apt-get update)", packages)
	}
	path := filepath.Join(t.TempDir(), "status")
	if err := os.WriteFile(path, status.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), attribute.New(cat), []string{path}, Options{Reader: "dpkg"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Items < packages*9/10 {
		t.Fatalf("%d items of %d packages", rep.Summary.Items, packages)
	}
	for _, e := range rep.Attributed() {
		ev := e.Attribution.Evidence[0]
		t.Errorf("%s %s attributed to %s by %s=%q (%s %s)", e.Name, e.Version, e.Attribution.Entity.ID, ev.Field, ev.Value, ev.Kind, ev.Identifier)
	}
	t.Logf("%d packages, %d items, %d attributed", packages, rep.Summary.Items, rep.Summary.Attributed)
}
