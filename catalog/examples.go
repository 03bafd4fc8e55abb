package catalog

import "fmt"

// exampleErrors runs the examples of the identifiers and entity names
// that sel chooses (by whether they come from a local file): each match
// example must be found by its identifier, and no nomatch example may be
// taken for any identifier of the same supplier. It returns what failed
// and how many identifiers were checked. The tests run it over the whole
// catalogue; WithLocal over what local files add.
func (c *Catalog) exampleErrors(sel func(local bool) bool) ([]error, int) {
	var errs []error
	bad := func(p Position, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", p, fmt.Sprintf(format, args...)))
	}
	ix := c.Index()
	check := func(id *Identifier, owner string) {
		for _, ex := range id.Match {
			if !hasIdentifier(ix.Lookup(id.Kind, ex), id) {
				bad(id.Pos, "%s %s %q: match example %q is not matched", owner, id.Kind, id.Value, ex)
			}
		}
		for _, ex := range id.NoMatch {
			for _, hit := range ix.Lookup(id.Kind, ex) {
				if hit.Entity == id.Entity {
					bad(id.Pos, "%s %s %q: nomatch example %q is matched by %s %q", owner, id.Kind, id.Value, ex, hit.Kind, hit.Value)
				}
			}
		}
	}
	n := 0
	for _, p := range c.Products {
		for i := range p.Identifiers {
			if sel(p.Identifiers[i].Local) {
				check(&p.Identifiers[i], "product "+p.ID)
				n++
			}
		}
	}
	for _, e := range c.Entities {
		if !sel(e.Local) {
			continue
		}
		for i := range e.Identifiers {
			check(&e.Identifiers[i], "entity "+e.ID)
			n++
		}
		for _, name := range e.Names {
			for _, ex := range name.Match {
				if !hasEntity(ix.Lookup(OrgName, ex), e) {
					bad(name.Pos, "entity %s name %q: match example %q is not matched", e.ID, name.Value, ex)
				}
			}
			for _, ex := range name.NoMatch {
				if hasEntity(ix.Lookup(OrgName, ex), e) {
					bad(name.Pos, "entity %s name %q: nomatch example %q is matched", e.ID, name.Value, ex)
				}
			}
		}
	}
	for _, r := range c.Rebrands {
		if sel(r.Local) {
			rebrandExampleErrors(ix, r, bad)
		}
	}
	return errs, n
}

// hasIdentifier reports whether want, or one of the identifiers expanded
// from its values, is among ids.
func hasIdentifier(ids []*Identifier, want *Identifier) bool {
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
