package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/feed"
	"github.com/embargo-dev/embargo/flows"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

// realScan is `embargo scan -o json TARGET...` with the data installed
// in feedDir (else the binary's), unjudged: the server judges with the
// register and packs in force.
func realScan(targets []string, version, feedDir string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		d, err := feed.InUse(feedDir)
		if err != nil {
			return nil, fmt.Errorf("the data in use: %w", err)
		}
		rep, err := scan.Run(ctx, attribute.New(d.Catalog), targets, scan.Options{Version: version})
		if err != nil {
			return nil, fmt.Errorf("scanning %q: %w", targets, err)
		}
		rep.Data = report.DataOf(d)
		enc, err := report.Lookup("json")
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := enc.Encode(&buf, rep); err != nil {
			return nil, fmt.Errorf("encoding the scan report: %w", err)
		}
		return buf.Bytes(), nil
	}
}

// realFlows is `embargo flows -o json LOG...` with the catalogue and IP
// data installed in feedDir (else the binary's), the logs' sources
// described as one unclassified system: the server matches the host to
// its register.
func realFlows(version, feedDir string) func(context.Context, []string) ([]byte, error) {
	return func(ctx context.Context, logs []string) ([]byte, error) {
		if len(logs) == 0 {
			return nil, errors.New("no flow log given")
		}
		d, err := feed.InUse(feedDir)
		if err != nil {
			return nil, fmt.Errorf("the data in use: %w", err)
		}
		cat := d.Catalog
		db, err := ipdata.Embedded()
		if d.IPData != "" {
			db, err = ipdata.Open(d.IPData)
		}
		if err != nil {
			return nil, fmt.Errorf("IP data: %w", err)
		}
		sys, err := systems.OneOff(systems.UKScale(), "", nil)
		if err != nil {
			return nil, err
		}
		rep, err := flows.Run(ctx, logs, flows.Options{
			Options: collect.Options{Catalog: cat, Lookup: db.Lookup, Sources: collect.OneOffSources(sys)},
			IPData:  func() (*report.IPData, error) { return report.IPDataOf(db.Meta()), nil },
			Version: version,
		})
		if err != nil {
			return nil, fmt.Errorf("flow logs: %w", err)
		}
		var buf bytes.Buffer
		if err := (report.JSON{}).Encode(&buf, rep); err != nil {
			return nil, fmt.Errorf("encoding the flows report: %w", err)
		}
		return buf.Bytes(), nil
	}
}
