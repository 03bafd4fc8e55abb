package report

import (
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/ipdata"
)

// Traffic is what a report of network traffic (`embargo flows`) holds
// besides its findings: the IP data used, what was read, and the traffic
// added up per source system and destination.
type Traffic struct {
	// IPData names the IP data used, or is nil when none was.
	IPData *IPData `json:"ipdata,omitempty"`
	collect.Result
}

// IPData names the IP data a report used: which snapshot, built when,
// its digest, and the datasets with their licences and attribution.
type IPData struct {
	Name    string         `json:"name"`
	Built   time.Time      `json:"built,omitzero"`
	Digest  string         `json:"digest"`
	Sources []IPDataSource `json:"sources,omitempty"`
}

// IPDataSource is one dataset behind the IP data.
type IPDataSource struct {
	Name        string `json:"name"`
	Version     string `json:"version,omitempty"`
	License     string `json:"license,omitempty"`
	Attribution string `json:"attribution,omitempty"`
	URL         string `json:"url,omitempty"`
}

// IPDataOf names a snapshot of IP data for a report.
func IPDataOf(m ipdata.Meta) *IPData {
	d := &IPData{Name: m.Name, Built: m.Built, Digest: m.Digest}
	for _, s := range m.Sources {
		d.Sources = append(d.Sources, IPDataSource(s))
	}
	return d
}

// SetTraffic makes r the report of traffic read from inputs, added up in
// res, with the IP data ip. The summary counts aggregates (traffic from
// one source system to one destination) as a scan's counts items: those
// attributed to a catalogued entity, by entity and controlling country;
// each input's items are the records read from it (flows and DNS
// answers), its unknowns its bad records; the report's unknowns are the
// bad records kept.
func (r *Report) SetTraffic(inputs []collect.Input, res *collect.Result, ip *IPData) {
	r.Traffic = &Traffic{IPData: ip, Result: *res}
	r.Items = []Entry{}
	s := Summary{BySupplier: map[string]int{}, ByCountry: map[string]int{}, Unknown: int(min(res.Stats.Bad, 1<<31-1)),
		Items: len(res.Aggregates)}
	for _, in := range inputs {
		r.Inputs = append(r.Inputs, Input{Source: in.Source, Reader: in.Reader, Items: int(in.Records), Unknowns: int(in.Bad), Error: in.Error})
		if in.Error != "" {
			s.FailedInputs++
		}
	}
	for i := range res.Aggregates {
		a := &res.Aggregates[i]
		if a.Entity == "" {
			s.Unattributed++
			continue
		}
		s.Attributed++
		s.BySupplier[a.Entity]++
		s.ByCountry[a.ControllingCountry]++
	}
	r.Summary = s
	r.Unknowns = make([]inventory.Unknown, 0, len(res.Bads))
	for _, b := range res.Bads {
		r.Unknowns = append(r.Unknowns, inventory.Unknown{
			Location: inventory.Location{Source: b.Where.Source, Line: b.Where.Line, Offset: b.Where.Offset, Ref: b.Where.Record},
			Reason:   b.Reason,
		})
	}
}
