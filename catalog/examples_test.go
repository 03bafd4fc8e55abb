package catalog

import "testing"

// TestIdentifierExamples runs every identifier's examples: each match
// example must be found by that identifier, and no nomatch example may be
// taken for any identifier of the same supplier.
func TestIdentifierExamples(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	errs, n := c.exampleErrors(func(bool) bool { return true })
	for _, err := range errs {
		t.Error(err)
	}
	if n == 0 {
		t.Fatal("no identifiers checked")
	}
	t.Logf("%d identifiers checked", n)
}
