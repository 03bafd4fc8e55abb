package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/embargo-dev/embargo"

// stages are the pipeline's stages in order, each with the packages (and
// the packages below them) that belong to it; the most specific prefix
// decides.
var stages = [][]string{
	{"internal", "input", "catalog", "ipdata", "oui", "inventory", "egress"},                      // models, data and opening
	{"inventory/", "egress/", "attribute", "policy/systems", "policy/waivers", "mdm", "discover"}, // mdm, discover: fetching inventories from device managers and the network
	{"policy", "egress/collect", "egress/parts", "feed"},                                          // feed: the signed catalogue and packs in use
	{"finding"},
	{"judge"},
	{"report"},
	{"scan", "flows", "enforce"},
	{"store", "agent", "server", "cmd", "bench", "e2e", "release"},
}

// stageOf is the stage of a package path below the module: its most
// specific prefix's.
func stageOf(rel string) int {
	best, bestLen := -1, -1
	for i, prefixes := range stages {
		for _, p := range prefixes {
			match := rel == strings.TrimSuffix(p, "/") || strings.HasPrefix(rel, strings.TrimSuffix(p, "/")+"/")
			if strings.HasSuffix(p, "/") {
				match = strings.HasPrefix(rel, p) // the packages below, not the root
			}
			if match && len(p) > bestLen {
				best, bestLen = i, len(p)
			}
		}
	}
	return best
}

// TestNoImportUpTheLayers: no package imports one of a later stage (the
// items' judge importing the report that imports the policy was such an
// arrow), and every package has a stage.
func TestNoImportUpTheLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		from := stageOf(pkg)
		if from < 0 {
			t.Errorf("package %s is in no stage: add it to stages", pkg)
			continue
		}
		n++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(imp, module+"/")
			if to := stageOf(dep); to > from {
				t.Errorf("%s (stage %d) imports %s (stage %d): an arrow up the layers", pkg, from, dep, to)
			}
		}
	}
	if n < 50 {
		t.Errorf("only %d packages listed", n)
	}
}

// The stages are as documented: a sample of packages and their stages.
func TestStageOf(t *testing.T) {
	for rel, want := range map[string]int{
		"egress": 0, "egress/zeek": 1, "egress/collect": 2, "inventory": 0, "inventory/dpkg": 1,
		"policy": 2, "policy/systems": 1, "judge": 4, "report": 5, "scan": 6, "cmd/embargo": 7, "internal/layers": 0,
		"attribute/destination": 1, "nothing": -1,
	} {
		if got := stageOf(rel); got != want {
			t.Errorf("stageOf(%s) = %d, want %d", rel, got, want)
		}
	}
}
