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
	Registered   []CountryBytes // by the country the addresses are registered in, most bytes first
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
	byCountry, byRegistered := map[string]uint64{}, map[string]uint64{}
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
		if x.Registered != "" {
			byRegistered[x.Registered] = store.AddCounters(byRegistered[x.Registered], x.BytesOut)
		}
		total = store.AddCounters(total, x.BytesOut)
		if i < topDestinations {
			bars = append(bars, Bar{Label: x.Name, Value: float64(x.BytesOut), Text: report.Bytes(x.BytesOut)})
		}
	}
	page.Map, page.NotOnMap = worldMap("Bytes sent, by the country the destination is controlled from", byCountry)
	page.Countries, page.Registered = countryList(byCountry), countryList(byRegistered)
	page.Chart, page.Total = barChart("Bytes sent by destination", bars), total
	return page
}

// countryList is bytes by country, most first, then by code.
func countryList(m map[string]uint64) []CountryBytes {
	out := make([]CountryBytes, 0, len(m))
	for cc, n := range m {
		out = append(out, CountryBytes{cc, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Country < out[j].Country
	})
	return out
}
