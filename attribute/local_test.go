package attribute

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// localAttributor attributes with the test catalogue and the local file
// testdata/local/dept.yaml added to it.
func localAttributor(t *testing.T) *Attributor {
	t.Helper()
	cat, err := catalog.Load(os.DirFS("testdata/catalog"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/local/dept.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cat, err = cat.WithLocal([]catalog.LocalFile{{Name: "dept.yaml", Data: data}}); err != nil {
		t.Fatal(err)
	}
	return New(cat)
}

// localMarks is what a test checks of an attribution with local facts:
// who, and which parts are marked local.
type localMarks struct {
	Product, Entity string
	Local           bool // the attribution as a whole
	ProductLocal    bool
	SupplierLocal   bool
	Chain           []bool // each link
	DecidedByLocal  bool
}

func marks(a *Attribution) *localMarks {
	if a == nil {
		return nil
	}
	v := a.View()
	m := &localMarks{Entity: v.Supplier.ID, Local: v.Local, SupplierLocal: v.Supplier.Local, DecidedByLocal: v.DecidedBy.Local}
	if v.Product != nil {
		m.Product, m.ProductLocal = v.Product.ID, v.Product.Local
	}
	for _, l := range v.ControlChain {
		m.Chain = append(m.Chain, l.Local)
	}
	return m
}

// TestAttributeLocal: local identifiers go through the same index as the
// catalogue's, so they match exactly as theirs do (never by substring or
// prefix); what they decide is marked local in the attribution, down to
// the part that is local, and built-in attributions are not.
func TestAttributeLocal(t *testing.T) {
	a := localAttributor(t)
	tests := []struct {
		name string
		item *inventory.Item
		want *localMarks
	}{
		{"local product of a catalogued supplier", item(inventory.Package, "deb", "dept-exav"),
			&localMarks{Product: "dept-exav", Entity: "lab-ao", Local: true, ProductLocal: true, Chain: []bool{false, false}, DecidedByLocal: true}},
		{"a longer package name", item(inventory.Package, "deb", "dept-exav-tools"), nil},
		{"a shorter package name", item(inventory.Package, "deb", "dept-ex"), nil},
		{"built-in product", item(inventory.Package, "deb", "exav"),
			&localMarks{Product: "lab-av", Entity: "lab-ao", Chain: []bool{false, false}}},
		{"local entity by its legal name", item(inventory.Application, "", "Reseller Remote", "publisher", "DEPT RESELLER LIMITED"),
			&localMarks{Entity: "dept-reseller", Local: true, SupplierLocal: true, Chain: []bool{true, false, false}, DecidedByLocal: true}},
		{"a longer organisation name", item(inventory.Application, "", "Other", "publisher", "Dept Reseller Holdings Ltd"), nil},
		{"local npm package", item(inventory.Library, "npm", "dept-sdk", "purl", "pkg:npm/dept-sdk@1.0.0"),
			&localMarks{Product: "dept-sdk", Entity: "dept-reseller", Local: true, ProductLocal: true, SupplierLocal: true, Chain: []bool{true, false, false}, DecidedByLocal: true}},
		{"an npm name the local one is a prefix of", item(inventory.Library, "npm", "dept-sdk-extra", "purl", "pkg:npm/dept-sdk-extra@1.0.0"), nil},
		{"the npm name in another scope", item(inventory.Library, "npm", "@other/dept-sdk", "purl", "pkg:npm/%40other/dept-sdk@1.0.0"), nil},
		{"a Go module below the local path", item(inventory.Library, "golang", "git.reseller.example/sdk/v2", "purl", "pkg:golang/git.reseller.example/sdk/v2@v2.0.1"),
			&localMarks{Product: "dept-sdk", Entity: "dept-reseller", Local: true, ProductLocal: true, SupplierLocal: true, Chain: []bool{true, false, false}, DecidedByLocal: true}},
		{"a Go module beside it", item(inventory.Library, "golang", "git.reseller.example/sdkx", "purl", "pkg:golang/git.reseller.example/sdkx@v1.0.0"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, marks(a.Attribute(tc.item))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
