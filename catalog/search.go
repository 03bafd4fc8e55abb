package catalog

import (
	"sort"
	"strings"
)

// Hit is one result of a catalogue search.
type Hit struct {
	Entity  *Entity
	Product *Product // nil when the hit is the entity itself
	Why     string   // what matched, e.g. `alias "Kaspersky"` or `deb_package "kesl"`
	Score   int      // higher first: an identifier match beats a substring
}

// Search finds entities and products by any name, alias or identifier
// value. A value that an identifier would match (a publisher string in
// any script, a package name, a purl, a domain) comes first; then names
// that contain the query.
func (c *Catalog) Search(q string) []Hit {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	seen := map[string]bool{}
	var hits []Hit
	addHit := func(h Hit) {
		key := h.Entity.ID
		if h.Product != nil {
			key = "product:" + h.Product.ID
		}
		if !seen[key] {
			seen[key] = true
			hits = append(hits, h)
		}
	}
	for _, k := range kinds {
		for _, id := range c.index.Lookup(k.Kind, q) {
			why := string(id.Kind) + " " + quote(id.Value)
			if id.FromName != "" {
				why = string(id.FromName) + " name " + quote(id.Value)
			}
			addHit(Hit{Entity: id.Entity, Product: id.Product, Why: why, Score: 100})
		}
	}
	nq := Normalize(q)
	for _, e := range c.Entities {
		for _, n := range e.Names {
			if strings.Contains(Normalize(n.Value), nq) {
				addHit(Hit{Entity: e, Why: string(n.Kind) + " name " + quote(n.Value), Score: 50})
			}
		}
	}
	for _, p := range c.Products {
		if strings.Contains(Normalize(p.Name), nq) || strings.Contains(p.ID, strings.ToLower(q)) {
			addHit(Hit{Entity: c.entityByID[p.Supplier], Product: p, Why: "product name " + quote(p.Name), Score: 40})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	return hits
}

// ProductsOf lists the products an entity supplies.
func (c *Catalog) ProductsOf(e *Entity) []*Product {
	var out []*Product
	for _, p := range c.Products {
		if p.Supplier == e.ID {
			out = append(out, p)
		}
	}
	return out
}

// InstrumentsNaming lists the instruments that name an entity or product.
func (c *Catalog) InstrumentsNaming(entityID, productID string) []*Instrument {
	var out []*Instrument
	for _, in := range c.Instruments {
		if contains1(in.Entities, entityID) || (productID != "" && contains1(in.Products, productID)) {
			out = append(out, in)
		}
	}
	return out
}

func contains1(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quote(s string) string { return `"` + s + `"` }
