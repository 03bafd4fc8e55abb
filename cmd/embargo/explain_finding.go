package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/report"
)

// explainFinding prints the chain behind finding id, from a JSON report
// when one is given, otherwise from the state file.
func explainFinding(cmd *cobra.Command, id, reportFile, state, output string) error {
	var rec *judge.Record
	var agg *collect.Aggregate
	var ref *report.Data
	var err error
	if reportFile != "" {
		rec, agg, ref, err = findingFromReport(reportFile, id)
	} else {
		rec, err = findingFromState(state, id)
	}
	if err != nil {
		return err
	}
	if agg != nil { // a finding on traffic, from 'embargo flows -o json'
		if output == "json" {
			return writeJSON(cmd.OutOrStdout(), struct {
				Finding finding.Finding    `json:"finding"`
				Traffic *collect.Aggregate `json:"traffic"`
			}{rec.Finding, agg})
		}
		if err := report.ExplainAggregate(cmd.OutOrStdout(), agg); err != nil {
			return err
		}
		if err := report.FindingChain(cmd.OutOrStdout(), rec.Finding); err != nil {
			return err
		}
		return reportDataLine(cmd, ref)
	}
	if output == "json" {
		return writeJSON(cmd.OutOrStdout(), rec)
	}
	if err := report.ExplainFinding(cmd.OutOrStdout(), rec.Finding, &rec.Item, rec.Attribution); err != nil {
		return err
	}
	if reportFile != "" {
		return reportDataLine(cmd, ref)
	}
	return dataLine(cmd, nil)
}

func findingFromState(path, id string) (*judge.Record, error) {
	if path == "" {
		var err error
		if path, err = defaultStatePath(); err != nil {
			return nil, err
		}
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no state file to read findings from (%w); scan with --policy first, or give --report", err)
	}
	st, err := judge.LoadState(path)
	if err != nil {
		return nil, err
	}
	return st.Record(id)
}

// findingFromReport finds a finding, and the item it was raised on (a
// scan report) or the traffic it is about (a flows report), in a JSON
// report.
func findingFromReport(file, id string) (*judge.Record, *collect.Aggregate, *report.Data, error) {
	data, err := readBounded(file)
	if err != nil {
		return nil, nil, nil, err
	}
	var rep struct {
		Findings []finding.Finding `json:"findings"`
		Items    []json.RawMessage `json:"items"`
		Traffic  *report.Traffic   `json:"traffic"`
		Data     *report.Data      `json:"data"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, nil, nil, inventory.JSONError(file, data, err)
	}
	var matches []finding.Finding
	for _, f := range rep.Findings {
		if f.ID == id {
			matches = []finding.Finding{f}
			break
		}
		if strings.HasPrefix(f.ID, id) {
			matches = append(matches, f)
		}
	}
	if len(matches) != 1 {
		return nil, nil, nil, fmt.Errorf("%s: %d findings match %q", file, len(matches), id)
	}
	rec := &judge.Record{Finding: matches[0], FirstSeen: matches[0].FirstSeen}
	var aggs []collect.Aggregate
	if rep.Traffic != nil {
		aggs = rep.Traffic.Aggregates
	}
	for i := range aggs {
		if a := &aggs[i]; a.System == rec.Finding.System && a.Destination == rec.Finding.Item {
			return rec, a, rep.Data, nil
		}
	}
	for _, raw := range rep.Items {
		var e struct {
			inventory.Item
			Attribution *attribute.View `json:"attribution"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, nil, nil, fmt.Errorf("%s: reading an item: %w", file, err)
		}
		if e.ID == rec.Finding.Item {
			rec.Item, rec.Attribution = e.Item, e.Attribution
			return rec, nil, rep.Data, nil
		}
	}
	return nil, nil, nil, fmt.Errorf("%s: finding %s is about %s, which the report does not hold", file, rec.Finding.ID, rec.Finding.Item)
}
