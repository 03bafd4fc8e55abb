package web

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"

	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// Destination is the traffic of the estate to one destination, added up
// over its hosts, with the instruments whose rules judge it.
type Destination struct {
	store.DestinationTotal
	Instruments []string
}

// CountryBytes is the bytes sent to destinations controlled from one
// country.
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
	// Judged counts the destinations a rule in force judges.
	Judged int
}

func (d *dashboard) egress(w http.ResponseWriter, r *http.Request, v store.Viewer) error {
	dests, err := d.st.Destinations(r.Context(), v, 0)
	if err != nil {
		return fmt.Errorf("adding up egress: %w", err)
	}
	flows, err := d.st.FlowFindings(r.Context(), v, store.FindingFilter{OpenOrReopened: true, NoEvidence: true})
	if err != nil {
		return fmt.Errorf("listing traffic findings: %w", err)
	}
	d.render(w, http.StatusOK, "egress", egressData(d.page(r, v, "Egress"), dests, flows))
	return nil
}

// topDestinations is how many destinations the bar chart shows.
const topDestinations = 15

// egressData is the page of the estate's traffic to catalogued and
// listed destinations (all of it, whether a rule judges it or not), with
// the instruments of the open traffic findings about each.
func egressData(p Page, totals []store.DestinationTotal, flows []store.FlowFinding) egressPage {
	insts := map[string]map[string]bool{}
	for _, f := range flows {
		if insts[f.Destination] == nil {
			insts[f.Destination] = map[string]bool{}
		}
		insts[f.Destination][f.Instrument] = true
	}
	byCountry := map[string]uint64{}
	var total uint64
	page := egressPage{Page: p}
	var bars []Bar
	for i, x := range totals {
		dst := Destination{DestinationTotal: x}
		for inst := range insts[x.Destination] {
			dst.Instruments = append(dst.Instruments, inst)
		}
		sort.Strings(dst.Instruments)
		if len(dst.Instruments) > 0 {
			page.Judged++
		}
		page.Destinations = append(page.Destinations, dst)
		if x.Country != "" {
			byCountry[x.Country] = store.AddCounters(byCountry[x.Country], x.BytesOut)
		}
		total = store.AddCounters(total, x.BytesOut)
		if i < topDestinations {
			bars = append(bars, Bar{Label: x.Name, Value: float64(x.BytesOut), Text: report.Bytes(x.BytesOut)})
		}
	}
	page.Map, page.NotOnMap = worldMap("Bytes sent, by the country the destination is controlled from", byCountry)
	for cc, n := range byCountry {
		page.Countries = append(page.Countries, CountryBytes{cc, n})
	}
	sort.Slice(page.Countries, func(i, j int) bool {
		if page.Countries[i].Bytes != page.Countries[j].Bytes {
			return page.Countries[i].Bytes > page.Countries[j].Bytes
		}
		return page.Countries[i].Country < page.Countries[j].Country
	})
	page.Chart, page.Total = barChart("Bytes sent by destination", bars), total
	return page
}
