package agent

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/flows"
	"github.com/embargo-dev/embargo/ipdata"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

// realScan is `embargo scan -o json TARGET...` with the embedded
// catalogue, unjudged: the server judges with the register and packs in
// force.
func realScan(targets []string, version string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		cat, err := catalog.Embedded()
		if err != nil {
			return nil, fmt.Errorf("embedded catalogue: %w", err)
		}
		rep, err := scan.Run(ctx, attribute.New(cat), targets, scan.Options{Version: version})
		if err != nil {
			return nil, fmt.Errorf("scanning %q: %w", targets, err)
		}
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

// realFlows is `embargo flows -o json LOG...` with the embedded catalogue
// and IP data, the logs' sources described as one unclassified system:
// the server matches the host to its register.
func realFlows(version string) func(context.Context, []string) ([]byte, error) {
	return func(ctx context.Context, logs []string) ([]byte, error) {
		if len(logs) == 0 {
			return nil, errors.New("no flow log given")
		}
		cat, err := catalog.Embedded()
		if err != nil {
			return nil, fmt.Errorf("embedded catalogue: %w", err)
		}
		db, err := ipdata.Embedded()
		if err != nil {
			return nil, fmt.Errorf("embedded IP data: %w", err)
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
