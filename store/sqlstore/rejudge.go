package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

// FlowSummaries are a host's traffic per destination, most bytes out
// first.
func (s *Store) FlowSummaries(ctx context.Context, v store.Viewer, hostID string) ([]store.FlowSummary, error) {
	cond, args := scope(v, "department")
	out, err := list(ctx, s, `SELECT `+summaryCols+` FROM flow_summaries WHERE host_id = ?`+cond+` ORDER BY bytes_out DESC, destination LIMIT ?`,
		append(append([]any{hostID}, args...), limit(0)), scanFlowSummary)
	if err != nil {
		return nil, fmt.Errorf("flow summaries of %q: %w", hostID, err)
	}
	return out, nil
}

const summaryCols = `host_id, department, destination, name, country, registered, asn, bytes_out, bytes_in, flows, first_at, last_at, aggregate`

func scanFlowSummary(row interface{ Scan(...any) error }) (store.FlowSummary, error) {
	var f store.FlowSummary
	var asn, out, in, flows, first, last int64
	var agg string
	err := row.Scan(&f.HostID, &f.Department, &f.Destination, &f.Name, &f.Country, &f.Registered, &asn, &out, &in, &flows, &first, &last, &agg)
	f.ASN, f.BytesOut, f.BytesIn, f.Flows = uint32(asn), uint64(out), uint64(in), uint64(flows)
	f.First, f.Last = tm(first), tm(last)
	if agg != "" {
		f.Aggregate = json.RawMessage(agg)
	}
	return f, err
}

// Destinations adds the traffic v may see up per destination. Sums are
// taken as floating point, which cannot overflow, and saturated.
func (s *Store) Destinations(ctx context.Context, v store.Viewer, n int) ([]store.DestinationTotal, error) {
	if n <= 0 || n > store.MaxFactsLimit {
		n = store.MaxFactsLimit
	}
	cond, args := scope(v, "department")
	out, err := list(ctx, s, `SELECT destination, MIN(name), MIN(country), MIN(registered), SUM(CAST(bytes_out AS DOUBLE PRECISION)) AS b,
		SUM(CAST(bytes_in AS DOUBLE PRECISION)), SUM(CAST(flows AS DOUBLE PRECISION)), COUNT(*)
		FROM flow_summaries WHERE 1 = 1`+cond+` GROUP BY destination ORDER BY b DESC, destination LIMIT ?`, append(args, n),
		func(row interface{ Scan(...any) error }) (store.DestinationTotal, error) {
			var d store.DestinationTotal
			var out, in, flows float64
			err := row.Scan(&d.Destination, &d.Name, &d.Country, &d.Registered, &out, &in, &flows, &d.Hosts)
			d.BytesOut, d.BytesIn, d.Flows = saturate(out), saturate(in), saturate(flows)
			return d, err
		})
	if err != nil {
		return nil, fmt.Errorf("egress destinations: %w", err)
	}
	return out, nil
}
