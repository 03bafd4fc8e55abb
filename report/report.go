// Package report is the result of a scan as users receive it, and the
// encoders that write it: table, json, csv, sarif, cyclonedx.
package report

import (
	"iter"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/oui"
)

// SchemaVersion is the version of the JSON report (schema/report.schema.json).
// It changes major when a field changes meaning or goes away.
const SchemaVersion = "1.0"

// Report is everything a scan found, read or could not read.
type Report struct {
	Tool      Tool      `json:"tool"`
	Generated time.Time `json:"generated"`
	Catalog   Catalog   `json:"catalog"`
	// Data names the catalogue and packs in use (set by the command
	// line: the binary's own, or an installed feed's).
	Data     *Data               `json:"data,omitempty"`
	Inputs   []Input             `json:"inputs"`
	Summary  Summary             `json:"summary"`
	Items    []Entry             `json:"items"`
	Unknowns []inventory.Unknown `json:"unknowns"`
	// Devices are the phones, tablets and computers that device managers'
	// inventories reported, one record per device however many files
	// named it; the findings on them name the device's host.
	Devices []inventory.ManagedDevice `json:"devices,omitempty"`
	// Traffic is set when the report is of network traffic (`embargo
	// flows`): its items are empty, and its summary counts aggregates.
	Traffic *Traffic `json:"traffic,omitempty"`
	// Notes say what a scan covered and did not, in words.
	Notes []string `json:"notes,omitempty"`
	// Policy and Findings are set when the scan was judged by policy
	// packs; Findings are ordered by instrument, deadline and system.
	Policy   *finding.PolicyRun `json:"policy,omitempty"`
	Findings []finding.Finding  `json:"findings,omitempty"`

	// Documents are the decoded inputs, for writers that return them.
	Documents []*inventory.Inventory `json:"-"`
	// Cat is the catalogue used, for writers that describe its rules.
	Cat *catalog.Catalog `json:"-"`
	// OUI is the MAC address registry unattributed equipment's
	// registrants are read from (nil: the embedded one).
	OUI *oui.Registry `json:"-"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Catalog identifies the catalogue used, so a report can be replayed.
type Catalog struct {
	Digest      string `json:"digest"`
	Entities    int    `json:"entities"`
	Products    int    `json:"products"`
	Identifiers int    `json:"identifiers"`
}

// CatalogOf identifies cat for a report: its digest and how much it
// holds.
func CatalogOf(cat *catalog.Catalog) Catalog {
	idents := 0
	for _, p := range cat.Products {
		idents += len(p.Identifiers)
	}
	for _, e := range cat.Entities {
		idents += len(e.Identifiers)
	}
	return Catalog{Digest: cat.Digest(), Entities: len(cat.Entities), Products: len(cat.Products), Identifiers: idents}
}

// Input is one input that was scanned, and what came of it.
type Input struct {
	Source   string `json:"source"`
	Reader   string `json:"reader,omitempty"`
	Format   string `json:"format,omitempty"`
	Items    int    `json:"items"`
	Unknowns int    `json:"unknowns"`
	Error    string `json:"error,omitempty"`
}

// Summary counts what the report holds.
type Summary struct {
	Items        int            `json:"items"`
	Attributed   int            `json:"attributed"`
	Unattributed int            `json:"unattributed"`
	Unknown      int            `json:"unknown"`
	FailedInputs int            `json:"failed_inputs"`
	BySupplier   map[string]int `json:"by_supplier"` // entity id → items
	ByCountry    map[string]int `json:"by_country"`  // controlling country → items
	// Findings is set when the scan was judged by policy packs.
	Findings *finding.Summary `json:"findings,omitempty"`
}

// Entry is one item and, when a catalogued supplier matched, its
// attribution.
type Entry struct {
	*inventory.Item
	Attribution *attribute.Attribution `json:"attribution,omitempty"`
}

// Restricted reports whether the scan found what it is asked to fail on:
// an open finding at or above the fail-on effect when the report was
// judged by policy, otherwise anything attributed to a catalogued
// supplier.
func (r *Report) Restricted() bool {
	if r.Policy != nil {
		return r.Summary.Findings != nil && r.Summary.Findings.Failing > 0
	}
	return r.Summary.Attributed > 0
}

// Incomplete reports whether anything could not be read or attributed.
func (r *Report) Incomplete() bool { return r.Summary.Unknown > 0 || r.Summary.FailedInputs > 0 }

// Attributed returns the entries with an attribution, in report order.
func (r *Report) Attributed() []Entry {
	var out []Entry
	for _, e := range r.Items {
		if e.Attribution != nil {
			out = append(out, e)
		}
	}
	return out
}

// Entries yields every item with its attribution, in report order: what
// the judge reads.
func (r *Report) Entries() iter.Seq2[*inventory.Item, *attribute.Attribution] {
	return func(yield func(*inventory.Item, *attribute.Attribution) bool) {
		for i := range r.Items {
			if !yield(r.Items[i].Item, r.Items[i].Attribution) {
				return
			}
		}
	}
}

// SetVerdict records what a judge concluded of the report.
func (r *Report) SetVerdict(v finding.Verdict) {
	r.Policy, r.Findings, r.Summary.Findings = v.Policy, v.Findings, v.Summary
}

// Recount computes the summary again from what the report holds (its
// items and their attributions, its unknowns and its inputs' errors), so
// that a report read from elsewhere (an agent's upload) says only what
// its contents show. The findings' summary is kept.
func (r *Report) Recount() {
	s := Summary{BySupplier: map[string]int{}, ByCountry: map[string]int{}, Findings: r.Summary.Findings,
		Items: len(r.Items), Unknown: len(r.Unknowns)}
	for _, e := range r.Items {
		if e.Attribution == nil || e.Attribution.Entity == nil {
			s.Unattributed++
			continue
		}
		s.Attributed++
		s.BySupplier[e.Attribution.Entity.ID]++
		s.ByCountry[e.Attribution.Chain.Country]++
	}
	for _, in := range r.Inputs {
		if in.Error != "" {
			s.FailedInputs++
		}
	}
	r.Summary = s
}

// DeviceHosts indexes the report's devices by host, for judging; nil when
// there are none.
func (r *Report) DeviceHosts() map[string]*inventory.ManagedDevice {
	if len(r.Devices) == 0 {
		return nil
	}
	m := make(map[string]*inventory.ManagedDevice, len(r.Devices))
	for i := range r.Devices {
		m[r.Devices[i].Host] = &r.Devices[i]
	}
	return m
}
