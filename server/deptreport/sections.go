package deptreport

import (
	"sort"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/store"
)

// Names gives people's names for the catalogue's ids; CatalogNames is
// the catalogue's. A report built without names shows the ids.
type Names interface {
	Product(id string) string // "" when unknown
	Entity(id string) string
	// Instrument is the instrument's title and the address of its text.
	Instrument(id string) (title, url string)
}

// CatalogNames names ids from cat.
func CatalogNames(cat *catalog.Catalog) Names { return catNames{cat} }

type catNames struct{ cat *catalog.Catalog }

func (n catNames) Product(id string) string {
	if p := n.cat.Product(id); p != nil {
		return p.Name
	}
	return ""
}

func (n catNames) Entity(id string) string {
	if e := n.cat.Entity(id); e != nil {
		return e.Name
	}
	return ""
}

func (n catNames) Instrument(id string) (string, string) {
	if in := n.cat.Instrument(id); in != nil {
		return in.Title, in.URL
	}
	return "", ""
}

// Section is one instrument's part of the report: its products, each on
// how many hosts, with whom to act and by when.
type Section struct {
	Instrument string `json:"instrument"` // the pack's instrument id
	Title      string `json:"title"`
	URL        string `json:"url,omitempty"`
	Open       int    `json:"open"`
	Overdue    int    `json:"overdue"`
	Rows       []Row  `json:"rows"`
}

// Row is one product (or traffic destination) under an instrument.
type Row struct {
	Product  string    `json:"product"` // its name
	Supplier string    `json:"supplier,omitempty"`
	Traffic  bool      `json:"traffic,omitempty"`
	Effect   string    `json:"effect"`
	Hosts    int       `json:"hosts"`
	Open     int       `json:"open"`
	Waived   int       `json:"waived"`
	System   string    `json:"system"`
	Systems  int       `json:"systems"`
	Owner    string    `json:"owner"`
	Owners   int       `json:"owners"`
	Deadline time.Time `json:"deadline,omitzero"` // zero: no deadline
	DaysLeft int       `json:"days_left"`
	Overdue  bool      `json:"overdue"`
}

// sections groups the department's product rows by instrument, in the
// order of the instruments' open counts (ByInstrument), naming what the
// catalogue knows.
func sections(rows []store.ProductRow, byInst []store.Count, names Names, now time.Time) []Section {
	at := map[string]int{}
	var out []Section
	for _, p := range rows {
		i, ok := at[p.Instrument]
		if !ok {
			s := Section{Instrument: p.Instrument, Title: p.Title, URL: p.URL}
			if names != nil {
				if t, u := names.Instrument(p.Instrument); t != "" {
					s.Title, s.URL = t, u
				}
			}
			if s.Title == "" {
				s.Title = p.Instrument
			}
			for _, c := range byInst {
				if c.Name == p.Instrument {
					s.Open, s.Overdue = c.N, c.Overdue
				}
			}
			i = len(out)
			at[p.Instrument] = i
			out = append(out, s)
		}
		r := Row{Product: p.Product, Supplier: p.Supplier, Traffic: p.Kind == store.Traffic, Effect: p.Effect, Hosts: p.Hosts,
			Open: p.Open, Waived: p.Waived, System: p.System, Systems: p.Systems, Owner: p.Owner, Owners: p.Owners, Deadline: p.Deadline}
		if names != nil && !r.Traffic {
			if n := names.Product(p.Product); n != "" {
				r.Product = n
			}
			if n := names.Entity(p.Supplier); n != "" {
				r.Supplier = n
			}
		}
		if r.Traffic {
			r.Supplier = "" // the destination's name says who
		}
		if !r.Deadline.IsZero() {
			r.DaysLeft, r.Overdue = daysLeft(r.Deadline, now), r.Deadline.Before(now)
		}
		out[i].Rows = append(out[i].Rows, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Open != out[j].Open {
			return out[i].Open > out[j].Open
		}
		return out[i].Instrument < out[j].Instrument
	})
	return out
}
