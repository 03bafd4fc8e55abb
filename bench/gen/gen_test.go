package gen

import (
	"bytes"
	"context"
	"testing"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/cyclonedx"
)

// The generator is deterministic, writes what the CycloneDX reader reads,
// and every planted component is attributed by the embedded catalogue.
func TestGenerate(t *testing.T) {
	o := Defaults
	o.Components = 6000
	data, st, err := Bytes(o)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Bytes(o)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Fatal("two runs with the same options differ")
	}
	if st.Components != o.Components || st.Files+st.Packages != st.Components {
		t.Fatalf("stats %+v for %d components", st, o.Components)
	}
	if want := int(float64(o.Components) * o.RestrictedShare); st.Planted != want {
		t.Fatalf("planted %d, want %d", st.Planted, want)
	}
	inv, err := cyclonedx.Reader{}.Read(context.Background(), "gen.cdx.json", bytes.NewReader(data), inventory.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Items) != o.Components+1 || len(inv.Unknowns) != 0 {
		t.Fatalf("read %d items and %d unknowns, want %d and 0", len(inv.Items), len(inv.Unknowns), o.Components+1)
	}
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	attributed := 0
	for i := range inv.Items {
		if a.Attribute(&inv.Items[i]) != nil {
			attributed++
		}
	}
	if attributed < st.Planted {
		t.Errorf("%d items attributed, fewer than the %d planted (by template: %v)", attributed, st.Planted, st.PlantedBy)
	}
	if attributed > st.Planted {
		t.Logf("%d items attributed, %d planted: the catalogue matches some generated filler", attributed, st.Planted)
	}
}
