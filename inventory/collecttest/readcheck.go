package collecttest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// CheckRead checks what an inventory reader made of data, as every
// reader's fuzz target must: an error is an InputError naming the input
// (name); an inventory keeps the item limit and gives every item an id
// and a name within the string limit; for a line-oriented input (lines
// set) every item and unknown is at a line of data, and every unknown
// says why. It reports whether an inventory came back, for the reader's
// own checks.
func CheckRead(t testing.TB, name string, data []byte, inv *inventory.Inventory, err error, lim inventory.Limits, lines bool) bool {
	t.Helper()
	if err != nil {
		var ie *inventory.InputError
		if !errors.As(err, &ie) || ie.Source != name {
			t.Fatalf("error %v is not an InputError naming the input", err)
		}
		return false
	}
	if inv == nil {
		t.Fatal("no error and no inventory")
	}
	if len(inv.Items) > lim.MaxItems {
		t.Fatalf("%d items, over the limit of %d", len(inv.Items), lim.MaxItems)
	}
	n := bytes.Count(data, []byte("\n")) + 1
	for _, it := range inv.Items {
		if it.ID == "" || len(it.Name) > lim.MaxString || lines && (it.Location.Line < 1 || it.Location.Line > n) {
			t.Fatalf("item %+v", it)
		}
	}
	if lines {
		for _, u := range inv.Unknowns {
			if u.Location.Line < 1 || u.Location.Line > n || u.Reason == "" {
				t.Fatalf("unknown %+v", u)
			}
		}
	}
	return true
}
