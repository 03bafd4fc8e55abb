package jamf

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// fixture reads a file of testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func read(r inventory.Reader, name string, data []byte, lim inventory.Limits) (*inventory.Inventory, error) {
	return r.Read(context.Background(), name, bytes.NewReader(data), lim)
}

// item is what a test checks of an item.
type item struct {
	Host, Name, Version, BundleID, Ref string
	Line                               int
}

// items is what the tests check of inv's items; it also checks what every
// item must be: an application of the ios ecosystem with an id, at its
// position, found in source.
func items(t *testing.T, inv *inventory.Inventory) []item {
	t.Helper()
	var got []item
	for i, it := range inv.Items {
		if it.Type != inventory.Application || it.Ecosystem != "ios" || it.ID == "" || it.Index != i || it.Location.Source != inv.Source {
			t.Errorf("item %+v", it)
		}
		got = append(got, item{it.Location.Host, it.Name, it.Version, it.Get(inventory.BundleID), it.Location.Ref, it.Location.Line})
	}
	return got
}

// unknown is what a test checks of an unknown.
type unknown struct{ Host, Ref, Name, Reason string }

func unknowns(inv *inventory.Inventory) []unknown {
	var got []unknown
	for _, u := range inv.Unknowns {
		got = append(got, unknown{u.Location.Host, u.Location.Ref, u.Name, u.Reason})
	}
	return got
}

// loc is a location in source at ref and line.
func loc(source, ref string, line int) inventory.Location {
	return inventory.Location{Source: source, Ref: ref, Line: line}
}
