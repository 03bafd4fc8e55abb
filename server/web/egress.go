package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// Destination is the traffic of the estate to one restricted
// destination, added up over its hosts.
type Destination struct {
	Name       string
	Country    string
	Instrument string
	BytesOut   uint64
	BytesIn    uint64
	Flows      uint64
	Hosts      int
}

// CountryBytes is the bytes sent to one country.
type CountryBytes struct {
	Country string
	Bytes   uint64
}

type egressPage struct {
	Page
	Destinations []Destination  // most bytes out first
	Countries    []CountryBytes // most bytes first
	Map          template.HTML
	NotOnMap     []string
	Chart        template.HTML
	Total        uint64
}

func (d *dashboard) egress(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	flows, err := d.st.FlowFindings(r.Context(), v, store.FindingFilter{})
	if err != nil {
		return fmt.Errorf("listing flow findings: %w", err)
	}
	d.render(w, http.StatusOK, "egress", egressData(d.page(r, v, "Egress"), flows))
	return nil
}

// topDestinations is how many destinations the bar chart shows.
const topDestinations = 15

func egressData(p Page, flows []store.FlowFinding) egressPage {
	byDest := map[string]*Destination{}
	hosts := map[string]map[string]bool{}
	byCountry := map[string]uint64{}
	var total uint64
	for _, f := range flows {
		k := f.Destination
		dst := byDest[k]
		if dst == nil {
			dst = &Destination{Name: k, Country: f.Country, Instrument: f.Instrument}
			byDest[k] = dst
			hosts[k] = map[string]bool{}
		}
		dst.BytesOut = store.AddCounters(dst.BytesOut, f.BytesOut)
		dst.BytesIn = store.AddCounters(dst.BytesIn, f.BytesIn)
		dst.Flows = store.AddCounters(dst.Flows, f.Flows)
		if !hosts[k][f.HostID] {
			hosts[k][f.HostID] = true
			dst.Hosts++
		}
		if f.Country != "" {
			byCountry[f.Country] = store.AddCounters(byCountry[f.Country], f.BytesOut)
		}
		total = store.AddCounters(total, f.BytesOut)
	}
	dests := make([]Destination, 0, len(byDest))
	for _, x := range byDest {
		dests = append(dests, *x)
	}
	sort.Slice(dests, func(i, j int) bool {
		if dests[i].BytesOut != dests[j].BytesOut {
			return dests[i].BytesOut > dests[j].BytesOut
		}
		return dests[i].Name < dests[j].Name
	})
	var bars []Bar
	for i, x := range dests {
		if i == topDestinations {
			break
		}
		bars = append(bars, Bar{Label: x.Name, Value: float64(x.BytesOut), Text: report.Bytes(x.BytesOut)})
	}
	m, missing := worldMap("Bytes sent to restricted destinations, by country", byCountry)
	countries := make([]CountryBytes, 0, len(byCountry))
	for cc, n := range byCountry {
		countries = append(countries, CountryBytes{cc, n})
	}
	sort.Slice(countries, func(i, j int) bool {
		if countries[i].Bytes != countries[j].Bytes {
			return countries[i].Bytes > countries[j].Bytes
		}
		return countries[i].Country < countries[j].Country
	})
	return egressPage{Page: p, Destinations: dests, Countries: countries, Map: m, NotOnMap: missing,
		Chart: barChart("Bytes sent by destination", bars), Total: total}
}
