package djicloud

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// TestAttribution reads the lists with the shipped catalogue: every
// device is DJI's, and a model DJI's documentation names is the product
// dji-enterprise-drones; a model it does not name ("Test Aircraft X") is
// DJI's by the manufacturer alone, with no product.
func TestAttribution(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	got := map[string]string{}
	for _, f := range []string{"cloudapi-topology.json", "fh2-org-devices.json", "fh-sync-project-devices-2.json"} {
		inv := readFile(t, f)
		for i := range inv.Items {
			it := &inv.Items[i]
			at := a.Attribute(it)
			if at == nil || at.Entity == nil {
				t.Errorf("%s %s: not attributed", f, it.Name)
				continue
			}
			product := "-"
			if at.Product != nil {
				product = at.Product.ID
			}
			got[it.Name] = at.Entity.ID + " " + product
		}
	}
	want := map[string]string{
		"Matrice 30T":                     "dji dji-enterprise-drones",
		"Matrice 300 RTK":                 "dji dji-enterprise-drones",
		"Matrice 3TD":                     "dji dji-enterprise-drones",
		"Matrice 4T":                      "dji dji-enterprise-drones",
		"DJI RC Plus":                     "dji dji-enterprise-drones",
		"DJI RC Plus 2":                   "dji dji-enterprise-drones",
		"DJI Smart Controller Enterprise": "dji dji-enterprise-drones",
		"DJI Dock 2":                      "dji dji-enterprise-drones",
		"DJI Dock 3":                      "dji dji-enterprise-drones",
		"Test Aircraft X":                 "dji -",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attributions (-want +got):\n%s", diff)
	}
}

// TestModelsCatalogued: each model the table names is the catalogue's
// product by its name alone, so that the table and the catalogue do not
// drift apart. Mavic 3M is named only by DJI's demo server, not by DJI's
// documentation, and is not catalogued.
func TestModelsCatalogued(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	a := attribute.New(cat)
	for key, name := range models {
		it := &inventory.Item{Type: inventory.Device, Ecosystem: "network", Name: name}
		at := a.Attribute(it)
		got := ""
		if at != nil && at.Product != nil {
			got = at.Product.ID
		}
		want := "dji-enterprise-drones"
		if name == "Mavic 3M" {
			want = ""
		}
		if got != want {
			t.Errorf("%s %q: product %q, want %q", key, name, got, want)
		}
	}
}

// TestParseKey reads model keys as DJI writes them, and nothing else.
func TestParseKey(t *testing.T) {
	for in, want := range map[string]string{
		"0-67-1": "0-67-1", " 3-2-0 ": "3-2-0", "0-067-01": "0-67-1", "2-174-0": "2-174-0",
		"0-+67-1": "", "1234567-0-0": "", "0-67-1-2": "", "0-67": "", "": "", "a-b-c": "", "0--1": "",
	} {
		got, ok := parseKey(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseKey(%q) = %q, %v", in, got, ok)
		}
	}
}
