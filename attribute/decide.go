package attribute

import (
	"sort"
	"strings"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// Evidence is one match: which field of the item matched which identifier.
type Evidence struct {
	Field      inventory.Field    `json:"field"`
	Value      string             `json:"value"`
	Kind       catalog.Kind       `json:"identifier_kind"`
	Identifier string             `json:"identifier"`
	Note       string             `json:"note,omitempty"` // e.g. "alias", "legal form differs"
	Source     string             `json:"source"`
	SourceURL  string             `json:"source_url"`
	FactConf   catalog.Confidence `json:"fact_confidence"`
	Score      int                `json:"score"`
	// Basis is why a match of this kind is evidence: who can publish
	// under the identifier and how that is verified.
	Basis string `json:"basis"`
	// Local: the identifier, or the source it cites, is defined by a
	// local catalogue file.
	Local bool `json:"local,omitempty"`

	ident *catalog.Identifier
}

// Candidate is one product (or, when no product is known, one entity)
// that an item may belong to.
type Candidate struct {
	Product  *catalog.Product `json:"-"`
	Entity   *catalog.Entity  `json:"-"`
	Score    int              `json:"score"`
	Evidence []Evidence       `json:"evidence"`
}

// Attribution is the decision for one item.
type Attribution struct {
	Candidate
	Confidence catalog.Confidence
	// Tier is what the item is to its supplier: its product, its code
	// embedded in another product, a client of its service, or its
	// hosting network.
	Tier  catalog.Tier
	Chain catalog.ControlChain
	// Ties are other candidates with the same score, shown rather than
	// silently dropped.
	Ties []Candidate
	// SoldAs is the brand the item's label gives when the evidence names
	// another maker (equipment sold under an OEM label); nil otherwise.
	SoldAs *SoldAs

	cat *catalog.Catalog
}

// Level turns a score into a confidence level.
func Level(score int) catalog.Confidence {
	switch {
	case score >= 80:
		return catalog.High
	case score >= 60:
		return catalog.Medium
	}
	return catalog.Low
}

var factWeight = map[catalog.Confidence]int{catalog.High: 100, catalog.Medium: 90, catalog.Low: 75}

type matcher struct {
	item *inventory.Item
	ev   []Evidence
}

// address is what a party field's e-mail address says: whether it has
// one, and the catalogued domains it is at.
type address struct {
	present bool
	domains []*catalog.Identifier
}

// of reports whether the address is at one of e's domains.
func (a address) of(e *catalog.Entity) bool {
	for _, id := range a.domains {
		if id.Entity == e {
			return true
		}
	}
	return false
}

func (m *matcher) idents(at inventory.Attr, ids []*catalog.Identifier) {
	for _, id := range ids {
		info, _ := catalog.LookupKind(id.Kind)
		m.add(at, id, info.Strength, "")
	}
}

// fieldKind says whether a field holds an organisation (publisher,
// supplier, signer) or may hold a person (maintainer, author, packager).
type fieldKind bool

const (
	orgField    fieldKind = false
	personField fieldKind = true
)

// party matches a publisher, supplier, maintainer, author or packager
// field, as every reader fills them: the organisation name (without an
// e-mail address) and the address's domain.
func (m *matcher) party(ix *catalog.Index, at inventory.Attr, fk fieldKind) {
	var addr address
	if strings.IndexByte(at.Value, '@') >= 0 {
		addr = address{present: catalog.EmailDomainOf(at.Value) != "", domains: ix.Email(at.Value)}
		m.idents(at, addr.domains)
	}
	m.orgs(at, ix.Org(stripEmail(at.Value)), catalog.OrgName, fk, addr)
}

// orgs adds organisation-name hits for a field whose identifiers are of
// kind as (organisation name or signer) or entity names, by one rule for
// every reader: names match whole once normalised, the legal form may
// differ (weaker), and when a name matches exactly, matches that needed
// the legal form dropped are ignored ("AO Example Lab" is not "Example
// Lab, Inc."). In a person field (maintainer, author), a name that is also
// a person's name never counts, and a name other than a legal name counts
// only when the field has no e-mail address or one at the supplier's own
// domain: "Dahua <dahua@example.org>" is a person.
func (m *matcher) orgs(at inventory.Attr, hits []catalog.OrgHit, as catalog.Kind, fk fieldKind, addr address) {
	info, _ := catalog.LookupKind(as)
	type accepted struct {
		id       *catalog.Identifier
		strength int
		note     string
		exact    bool
	}
	var acc []accepted
	anyExact := false
	for _, h := range hits {
		id := h.Ident
		strength, note := info.Strength, ""
		if id.FromName == "" && id.Kind != as {
			continue
		}
		if fk == personField {
			if id.PersonName {
				continue
			}
			if (id.FromName == catalog.AliasName || !h.Exact) && addr.present && !addr.of(id.Entity) {
				continue
			}
		}
		switch {
		case id.FromName == catalog.AliasName:
			strength, note = strength-5, "alias"
		case id.FromName != "":
			note = string(id.FromName) + " name"
		}
		if !h.Exact {
			strength, note = strength-5, joinNote(note, "legal form differs")
		}
		acc = append(acc, accepted{id, strength, note, h.Exact})
		anyExact = anyExact || h.Exact
	}
	for _, a := range acc {
		if a.exact || !anyExact {
			m.add(at, a.id, a.strength, a.note)
		}
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func (m *matcher) add(at inventory.Attr, id *catalog.Identifier, strength int, note string) {
	for _, e := range m.ev {
		if e.ident == id {
			return // the same identifier reached through another field
		}
	}
	info, _ := catalog.LookupKind(id.Kind)
	m.ev = append(m.ev, Evidence{
		Field: at.Field, Value: at.Value, Kind: id.Kind, Identifier: id.Value, Note: note,
		Source: id.Source, FactConf: id.Confidence,
		Score: strength * factWeight[id.Confidence] / 100, Basis: info.Basis, ident: id,
	})
}

// decide groups evidence into candidates and picks the strongest. Evidence
// for an entity as a whole (its publisher name, say) corroborates every
// product of that entity that also matched.
func (a *Attributor) decide(ev []Evidence, it *inventory.Item) *Attribution {
	type key struct {
		p *catalog.Product
		e *catalog.Entity
	}
	byKey := map[key]*Candidate{}
	var order []key
	var entityEv []Evidence
	for _, e := range ev {
		e.Local = e.ident.Local
		if s := a.cat.Sources[e.Source]; s != nil {
			e.SourceURL, e.Local = s.URL, e.Local || s.Local
		}
		if e.ident.Product == nil {
			entityEv = append(entityEv, e)
		}
		k := key{e.ident.Product, e.ident.Entity}
		c := byKey[k]
		if c == nil {
			c = &Candidate{Product: k.p, Entity: k.e}
			byKey[k] = c
			order = append(order, k)
		}
		c.Evidence = append(c.Evidence, e)
	}
	var cands []Candidate
	for _, k := range order {
		c := byKey[k]
		if k.p == nil && hasProductOf(byKey, k.e) {
			continue // folded into that entity's products below
		}
		if k.p != nil {
			for _, e := range entityEv {
				if e.ident.Entity == k.e {
					c.Evidence = append(c.Evidence, e)
				}
			}
		}
		c.Score = score(c.Evidence)
		sort.SliceStable(c.Evidence, func(i, j int) bool { return c.Evidence[i].Score > c.Evidence[j].Score })
		cands = append(cands, *c)
	}
	// Equal scores are decided by the more specific namespace: a match
	// of com.tencent.mm.opensdk says more than one of com.tencent.
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Score != cands[j].Score {
			return cands[i].Score > cands[j].Score
		}
		return specificity(cands[i]) > specificity(cands[j])
	})
	best := cands[0]
	at := &Attribution{Candidate: best, Confidence: Level(best.Score), Tier: tierOf(best, it), Chain: a.cat.Chain(best.Entity), cat: a.cat}
	for _, c := range cands[1:] {
		if c.Score == best.Score && specificity(c) == specificity(best) {
			at.Ties = append(at.Ties, c)
		}
	}
	return at
}

// specificity is how narrow a candidate's strongest evidence is when it
// is a namespace or prefix read from the same value as another's (the
// length of the namespace matched); 0 for other kinds, which never
// break a tie.
func specificity(c Candidate) int {
	e := c.Evidence[0]
	switch e.Kind {
	case catalog.PURLPrefix, catalog.MavenGroup, catalog.GoModule, catalog.NuGetPrefix, catalog.OCINamespace,
		catalog.BundleID, catalog.AndroidPackage, catalog.Domain, catalog.EmailDomain, catalog.NPMScope, catalog.GitHubOrg:
		v := strings.TrimPrefix(strings.ToLower(e.Identifier), "*.")
		if e.Kind == catalog.PURLPrefix {
			// pkg:maven/com.tencent.mm.opensdk/ against com.tencent: the
			// namespace part only.
			if p, ok := catalog.ParsePURL(strings.TrimSuffix(v, "/") + "/x"); ok {
				v = strings.ReplaceAll(p.Namespace, "/", ".")
			}
		}
		return len(v)
	}
	return 0
}

func hasProductOf[K comparable](m map[K]*Candidate, e *catalog.Entity) bool {
	for _, c := range m {
		if c.Product != nil && c.Entity == e {
			return true
		}
	}
	return false
}

// score is the strongest evidence plus 5 for each other field that
// agrees, up to 100.
func score(ev []Evidence) int {
	best := 0
	fields := map[inventory.Field]bool{}
	for _, e := range ev {
		if e.Score > best {
			best = e.Score
		}
		fields[e.Field] = true
	}
	if fields[inventory.MAC] {
		// A scanner's MAC vendor is read from the MAC's block: the same
		// evidence, not a second field agreeing.
		delete(fields, inventory.MACVendor)
	}
	s := best + 5*(len(fields)-1)
	if s > 100 {
		s = 100
	}
	return s
}

// tierOf is the tier of the strongest evidence that states one (an
// identifier's own, or its product's); with none (an entity's names), a
// language dependency is the supplier's embedded code and anything else
// its product.
func tierOf(c Candidate, it *inventory.Item) catalog.Tier {
	for _, e := range c.Evidence {
		if t := e.ident.TierOf(); t != "" {
			return t
		}
	}
	if c.Product != nil {
		return c.Product.Tier
	}
	if it.Type == inventory.Library || it.Type == inventory.Model {
		return catalog.TierEmbedded
	}
	return catalog.TierProduct
}
