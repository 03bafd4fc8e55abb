package egress

import (
	"time"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/report"
)

// Report is what `embargo flows` found: per source system and
// destination, the traffic and, with a policy, the findings.
type Report struct {
	Tool      report.Tool    `json:"tool"`
	Generated time.Time      `json:"generated"`
	Catalog   report.Catalog `json:"catalog"`
	// IPData names the IP data used, or is nil when none was.
	IPData *IPData `json:"ipdata,omitempty"`
	Inputs []Input `json:"inputs"`
	Result
	Findings []finding.Finding  `json:"findings,omitempty"`
	Summary  *finding.Summary   `json:"findings_summary,omitempty"`
	Policy   *finding.PolicyRun `json:"policy,omitempty"`
	Notes    []string           `json:"notes,omitempty"`
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

// SetVerdict records what a judge concluded of the report's traffic.
func (r *Report) SetVerdict(v finding.Verdict) {
	r.Policy, r.Findings, r.Summary = v.Policy, v.Findings, v.Summary
}

// Input is one input read, and what came of it.
type Input struct {
	Source string `json:"source"`
	Reader string `json:"reader,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Restricted reports whether the report holds what fails a run: an open
// finding at or above the fail-on effect with a policy, otherwise traffic
// to a catalogued entity.
func (r *Report) Restricted() bool {
	if r.Policy != nil {
		return r.Summary != nil && r.Summary.Failing > 0
	}
	for _, a := range r.Aggregates {
		if a.Entity != "" {
			return true
		}
	}
	return false
}

// Incomplete reports whether something could not be read.
func (r *Report) Incomplete() bool {
	if r.Stats.Bad > 0 {
		return true
	}
	for _, in := range r.Inputs {
		if in.Error != "" {
			return true
		}
	}
	return false
}

// AsScanReport presents the report's findings and bad records as a scan
// report, so that the scan report's writers (SARIF, the findings table,
// the findings CSV) serve flows too.
func (r *Report) AsScanReport() *report.Report {
	sr := &report.Report{Tool: r.Tool, Generated: r.Generated, Catalog: r.Catalog, Policy: r.Policy, Findings: r.Findings, Notes: r.Notes}
	sr.Summary.Findings = r.Summary
	for _, in := range r.Inputs {
		sr.Inputs = append(sr.Inputs, report.Input{Source: in.Source, Reader: in.Reader, Error: in.Error})
		if in.Error != "" {
			sr.Summary.FailedInputs++
		}
	}
	for _, b := range r.Bads {
		sr.Unknowns = append(sr.Unknowns, inventory.Unknown{
			Location: inventory.Location{Source: b.Where.Source, Line: b.Where.Line, Offset: b.Where.Offset, Ref: b.Where.Record},
			Reason:   b.Reason,
		})
	}
	sr.Summary.Unknown = len(sr.Unknowns)
	return sr
}
