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
	ix := c.Index()
	check := func(id *Identifier, owner string) {
		for _, ex := range id.Match {
			if !contains(ix.Lookup(id.Kind, ex), id) {
				t.Errorf("%s: %s %s %q: match example %q is not matched", id.Pos, owner, id.Kind, id.Value, ex)
			}
		}
		for _, ex := range id.NoMatch {
			for _, hit := range ix.Lookup(id.Kind, ex) {
				if hit.Entity == id.Entity {
					t.Errorf("%s: %s %s %q: nomatch example %q is matched by %s %q", id.Pos, owner, id.Kind, id.Value, ex, hit.Kind, hit.Value)
				}
			}
		}
	}
	n := 0
	for _, p := range c.Products {
		for i := range p.Identifiers {
			check(&p.Identifiers[i], "product "+p.ID)
			n++
		}
	}
	for _, e := range c.Entities {
		for i := range e.Identifiers {
			check(&e.Identifiers[i], "entity "+e.ID)
			n++
		}
		for _, name := range e.Names {
			id := &Identifier{Kind: OrgName, Value: name.Value, Match: name.Match, NoMatch: name.NoMatch, Fact: name.Fact, Entity: e}
			for _, ex := range id.Match {
				if !hasEntity(ix.Lookup(OrgName, ex), e) {
					t.Errorf("%s: entity %s name %q: match example %q is not matched", name.Pos, e.ID, name.Value, ex)
				}
			}
			for _, ex := range id.NoMatch {
				if hasEntity(ix.Lookup(OrgName, ex), e) {
					t.Errorf("%s: entity %s name %q: nomatch example %q is matched", name.Pos, e.ID, name.Value, ex)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no identifiers checked")
	}
	t.Logf("%d identifiers checked", n)
}

// contains reports whether want, or one of the identifiers expanded from
// its values, is among ids.
func contains(ids []*Identifier, want *Identifier) bool {
	for _, id := range ids {
		if id.Origin() == want {
			return true
		}
	}
	return false
}

func hasEntity(ids []*Identifier, e *Entity) bool {
	for _, id := range ids {
		if id.Entity == e {
			return true
		}
	}
	return false
}
