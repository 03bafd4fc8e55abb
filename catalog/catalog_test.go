package catalog

import "testing"

func TestEmbeddedLoads(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entities) == 0 || len(c.Products) == 0 {
		t.Fatalf("empty catalogue: %d entities, %d products", len(c.Entities), len(c.Products))
	}
}
