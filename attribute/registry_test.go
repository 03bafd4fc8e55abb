package attribute

import (
	"bufio"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/pkgname"
	"github.com/embargo-dev/embargo/inventory"
)

// TestRegistryTruth scans the packages of testdata/registry-truth.tsv as
// an SBOM would list them (by package URL): the packages that suppliers
// publish themselves must be attributed, at least 90 % of them and each
// one that the file gives an entity to with that entity and tier; no
// lookalike, placeholder or community package may be.
func TestRegistryTruth(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := New(cat)
	f, err := os.Open("testdata/registry-truth.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type tally struct{ rows, hit int }
	byEco := map[string]*tally{}
	var supplierRows, supplierHits int
	sc := bufio.NewScanner(f)
	header := true
	for line := 0; sc.Scan(); {
		line++
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		if len(col) != 6 {
			t.Fatalf("registry-truth.tsv:%d: %d columns", line, len(col))
		}
		eco, name, verdict, entity, tier := col[0], col[1], col[2], col[3], col[4]
		it := &inventory.Item{Type: inventory.Library, Ecosystem: eco, Name: name}
		it.Add(inventory.PURL, purlOf(eco, name))
		at := a.Attribute(it)
		switch verdict {
		case "supplier", "service-client":
			if verdict == "supplier" {
				supplierRows++
				if byEco[eco] == nil {
					byEco[eco] = &tally{}
				}
				byEco[eco].rows++
			}
			if entity == "" {
				continue // researched as the supplier's, not (yet) catalogued: counts as a miss
			}
			if at == nil {
				t.Errorf("registry-truth.tsv:%d: %s %s not attributed (want %s, %s)", line, eco, name, entity, tier)
				continue
			}
			if at.Entity.ID != entity || string(at.Tier) != tier {
				t.Errorf("registry-truth.tsv:%d: %s %s attributed to %s, %s; want %s, %s", line, eco, name, at.Entity.ID, at.Tier, entity, tier)
				continue
			}
			if verdict == "supplier" {
				supplierHits++
				byEco[eco].hit++
			}
		default:
			if at != nil {
				t.Errorf("registry-truth.tsv:%d: %s %s (%s) attributed to %s by %s %q", line, eco, name, verdict, at.Entity.ID, at.Evidence[0].Kind, at.Evidence[0].Identifier)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	ecos := make([]string, 0, len(byEco))
	for e := range byEco {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	for _, e := range ecos {
		t.Logf("%-6s %4d of %4d supplier packages attributed", e, byEco[e].hit, byEco[e].rows)
	}
	if supplierRows < 1000 {
		t.Fatalf("only %d supplier rows: the ground truth is truncated", supplierRows)
	}
	if recall := float64(supplierHits) / float64(supplierRows); recall < 0.90 {
		t.Errorf("%d of %d supplier packages attributed (%.1f %%), want at least 90 %%", supplierHits, supplierRows, 100*recall)
	}
}

// purlOf is the package URL an SBOM generator writes for a package of the
// ecosystem (Maven names are group:artifact).
func purlOf(eco, name string) string {
	switch eco {
	case "npm":
		if scope, rest, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
			return "pkg:npm/%40" + url.PathEscape(scope[1:]) + "/" + url.PathEscape(rest) + "@1.0.0"
		}
		return "pkg:npm/" + url.PathEscape(name) + "@1.0.0"
	case "pypi":
		return "pkg:pypi/" + pkgname.PyPI(name) + "@1.0.0"
	case "go":
		return "pkg:golang/" + name + "@v1.0.0"
	case "maven":
		group, artifact, _ := strings.Cut(name, ":")
		return "pkg:maven/" + group + "/" + artifact + "@1.0.0"
	case "nuget":
		return "pkg:nuget/" + name + "@1.0.0"
	}
	return "pkg:generic/" + name
}
