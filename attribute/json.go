package attribute

import (
	"encoding/json"
	"time"

	"github.com/embargo-dev/embargo/catalog"
)

// Ref names a catalogued product or entity in output.
type Ref struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Category string       `json:"category,omitempty"`
	Tier     catalog.Tier `json:"tier,omitempty"`
	Country  string       `json:"country,omitempty"`
	// Local: the product or entity is defined by a local catalogue file.
	Local bool `json:"local,omitempty"`
}

// FactRef is the source of a fact in output.
type FactRef struct {
	Source     string             `json:"source"`
	URL        string             `json:"url,omitempty"`
	Confidence catalog.Confidence `json:"confidence"`
	Note       string             `json:"note,omitempty"`
	// Local: the source is defined by a local catalogue file.
	Local bool `json:"local,omitempty"`
}

// ChainLink is one entity of a control chain in output.
type ChainLink struct {
	Ref
	ControlledFrom string   `json:"controlled_from,omitempty"`
	Via            *FactRef `json:"via,omitempty"` // the fact linking it to the entity before
}

// View is the attribution as it is written in reports.
type View struct {
	Product            *Ref               `json:"product"`
	Supplier           Ref                `json:"supplier"`
	ControlChain       []ChainLink        `json:"control_chain"`
	ControllingCountry string             `json:"controlling_country"`
	ControlBasis       FactRef            `json:"control_basis"`
	Confidence         catalog.Confidence `json:"confidence"`
	Score              int                `json:"score"`
	// Tier is what the item is to its supplier: product, embedded,
	// service-client or hosting.
	Tier catalog.Tier `json:"tier"`
	// DecidedBy is the strongest evidence: the namespace, signer, name or
	// pattern that decided, and its verification basis.
	DecidedBy Evidence   `json:"decided_by"`
	Evidence  []Evidence `json:"evidence"`
	Ties      []TieView  `json:"ties,omitempty"`
	// SoldAs is the brand on the item's label when the evidence names
	// another maker: the rebrand fact that covers it, or that the label
	// disagrees.
	SoldAs *SoldAs `json:"sold_as,omitempty"`
	// AsOf is the day the control chain was taken on.
	AsOf string `json:"as_of,omitempty"`
	// Local: a fact from a local catalogue file decided the attribution
	// (the product, the supplier, an entity of the chain, the evidence
	// or a source); each such part is marked local too.
	Local bool `json:"local,omitempty"`
}

// TieView is a candidate that scored as high as the one chosen.
type TieView struct {
	Product  *Ref       `json:"product"`
	Supplier Ref        `json:"supplier"`
	Score    int        `json:"score"`
	Evidence []Evidence `json:"evidence"`
}

// View builds the output form of an attribution.
func (a *Attribution) View() View {
	v := View{
		Product:            productRef(a.Product),
		Supplier:           entityRef(a.Entity),
		ControllingCountry: a.Chain.Country,
		ControlBasis:       a.fact(a.Chain.Basis),
		Confidence:         a.Confidence,
		Score:              a.Score,
		Tier:               a.Tier,
		Evidence:           a.Evidence,
		AsOf:               a.Chain.AsOf,
		Local:              a.Local(),
		SoldAs:             a.SoldAs,
	}
	if len(a.Evidence) > 0 {
		v.DecidedBy = a.Evidence[0]
	}
	for _, l := range a.Chain.Links {
		cl := ChainLink{Ref: entityRef(l.Entity)}
		if cf := l.Entity.ControlledFrom; cf != nil && (a.Chain.AsOf == "" || cf.Period.Holds(day(a.Chain.AsOf))) {
			cl.ControlledFrom = cf.Code
		}
		if l.Via != nil {
			f := a.fact(l.Via.Fact)
			cl.Via = &f
		}
		v.ControlChain = append(v.ControlChain, cl)
	}
	for _, t := range a.Ties {
		v.Ties = append(v.Ties, TieView{Product: productRef(t.Product), Supplier: entityRef(t.Entity), Score: t.Score, Evidence: t.Evidence})
	}
	return v
}

// MarshalJSON writes the View.
func (a *Attribution) MarshalJSON() ([]byte, error) { return json.Marshal(a.View()) }

func (a *Attribution) fact(f catalog.Fact) FactRef {
	r := FactRef{Source: f.Source, Confidence: f.Confidence, Note: f.Note}
	if a.cat != nil {
		if s := a.cat.Sources[f.Source]; s != nil {
			r.URL, r.Local = s.URL, s.Local
		}
	}
	return r
}

// Local reports whether a fact from a local catalogue file decided the
// attribution: its product, its supplier or an entity of its control
// chain, the evidence, or a source they cite.
func (a *Attribution) Local() bool {
	if (a.Product != nil && a.Product.Local) || (a.Entity != nil && a.Entity.Local) || a.sourceLocal(a.Chain.Basis.Source) {
		return true
	}
	for _, l := range a.Chain.Links {
		if l.Entity.Local || (l.Via != nil && a.sourceLocal(l.Via.Source)) {
			return true
		}
	}
	for _, e := range a.Evidence {
		if e.Local {
			return true
		}
	}
	return false
}

func (a *Attribution) sourceLocal(id string) bool {
	if a.cat == nil {
		return false
	}
	s := a.cat.Sources[id]
	return s != nil && s.Local
}

func productRef(p *catalog.Product) *Ref {
	if p == nil {
		return nil
	}
	return &Ref{ID: p.ID, Name: p.Name, Category: p.Category, Tier: p.Tier, Local: p.Local}
}

// day reads a chain's AsOf (YYYY-MM-DD).
func day(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

func entityRef(e *catalog.Entity) Ref {
	return Ref{ID: e.ID, Name: e.Name, Country: e.Country.Code, Local: e.Local}
}
