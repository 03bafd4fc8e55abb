package web

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/internal/country"
	"github.com/embargo-dev/embargo/store"
)

// cited is a fact as a page shows it: what, the source's title and
// address, and the confidence.
type cited struct {
	What       string
	Source     string
	URL        string
	Confidence string
	Period     string
}

type cataloguePage struct {
	Page
	E           *catalog.Entity
	Names       []cited
	Country     cited
	Controlled  *cited
	Parents     []parentRow
	Chain       []chainStep
	ControlFrom string // the controlling country's name
	Products    []*catalog.Product
	Instruments []*catalog.Instrument
	Identifiers int
}

type parentRow struct {
	ID, Name string
	Fact     cited
}

type chainStep struct {
	ID, Name, Country string
}

// catalogueEntity shows what the catalogue says of one entity, each fact
// with its source: where the dashboard's names and countries come from.
func (d *dashboard) catalogueEntity(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	cat := d.cat()
	if cat == nil {
		return fmt.Errorf("no catalogue: %w", store.ErrNotFound)
	}
	e := cat.Entity(r.PathValue("id"))
	if e == nil {
		return fmt.Errorf("catalogue entity %q: %w", r.PathValue("id"), store.ErrNotFound)
	}
	d.render(w, http.StatusOK, "catalogue", catalogueData(d.page(r, v, e.Name), cat, e))
	return nil
}

func catalogueData(p Page, cat *catalog.Catalog, e *catalog.Entity) cataloguePage {
	cite := func(what string, f catalog.Fact, per catalog.Period) cited {
		c := cited{What: what, Confidence: f.Confidence.String(), Source: f.Source}
		if s := cat.Sources[f.Source]; s != nil {
			c.URL = s.URL
			if s.Title != "" {
				c.Source = s.Title
			}
		}
		switch {
		case per.From != "" && per.Until != "":
			c.Period = per.From + " to " + per.Until
		case per.From != "":
			c.Period = "from " + per.From
		case per.Until != "":
			c.Period = "until " + per.Until
		}
		return c
	}
	pg := cataloguePage{Page: p, E: e, Identifiers: len(e.Identifiers)}
	for _, n := range e.Names {
		pg.Names = append(pg.Names, cite(n.Value+" ("+string(n.Kind)+")", n.Fact, catalog.Period{}))
	}
	pg.Country = cite(country.Label(e.Country.Code), e.Country.Fact, e.Country.Period)
	if e.ControlledFrom != nil {
		c := cite(country.Label(e.ControlledFrom.Code), e.ControlledFrom.Fact, e.ControlledFrom.Period)
		pg.Controlled = &c
	}
	for _, pa := range e.Parents {
		row := parentRow{ID: pa.ID, Name: pa.ID, Fact: cite("", pa.Fact, pa.Period)}
		if pe := cat.Entity(pa.ID); pe != nil {
			row.Name = pe.Name
		}
		pg.Parents = append(pg.Parents, row)
	}
	ch := cat.Chain(e)
	for _, l := range ch.Links {
		pg.Chain = append(pg.Chain, chainStep{ID: l.Entity.ID, Name: l.Entity.Name, Country: country.Name(l.Entity.Country.Code)})
	}
	pg.ControlFrom = country.Label(ch.Country)
	pg.Products = cat.ProductsOf(e)
	pg.Instruments = cat.InstrumentsNaming(e.ID, "")
	sort.SliceStable(pg.Instruments, func(i, j int) bool { return pg.Instruments[i].Date > pg.Instruments[j].Date })
	return pg
}
