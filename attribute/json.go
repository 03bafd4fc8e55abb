package attribute

import (
	"encoding/json"

	"github.com/embargo-dev/embargo/catalog"
)

// Ref names a catalogued product or entity in output.
type Ref struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category,omitempty"`
	Country  string `json:"country,omitempty"`
}

// FactRef is the source of a fact in output.
type FactRef struct {
	Source     string             `json:"source"`
	URL        string             `json:"url,omitempty"`
	Confidence catalog.Confidence `json:"confidence"`
	Note       string             `json:"note,omitempty"`
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
	Evidence           []Evidence         `json:"evidence"`
	Ties               []TieView          `json:"ties,omitempty"`
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
		Evidence:           a.Evidence,
	}
	for _, l := range a.Chain.Links {
		cl := ChainLink{Ref: entityRef(l.Entity)}
		if cf := l.Entity.ControlledFrom; cf != nil {
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
			r.URL = s.URL
		}
	}
	return r
}

func productRef(p *catalog.Product) *Ref {
	if p == nil {
		return nil
	}
	return &Ref{ID: p.ID, Name: p.Name, Category: p.Category}
}

func entityRef(e *catalog.Entity) Ref {
	return Ref{ID: e.ID, Name: e.Name, Country: e.Country.Code}
}
