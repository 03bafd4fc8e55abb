package report

import (
	"encoding/csv"
	"strconv"
	"strings"
	"time"
)

// TrafficCSVHeader lists the columns of the CSV of a traffic report not
// judged by policy, in order: one row per source system and destination,
// its status restricted (the destination is a catalogued entity) or
// not-attributed, with the source addresses seen; then one row per bad
// record, status unknown, with where it is (sample) and why it could not
// be read (reason), as a scan's CSV lists its unknowns: unknown is never
// compliant.
var TrafficCSVHeader = []string{"status", "system", "classification", "unregistered", "source_addresses", "destination", "entity",
	"controlling_country", "decided_by", "evidence", "registered_countries", "asns", "as_orgs", "names", "bytes_out", "bytes_in",
	"packets_out", "packets_in", "flows", "conversations", "first_seen", "last_seen", "sample", "reason", "local", "data"}

func csvTraffic(cw *csv.Writer, r *Report) error {
	row, write, err := csvWriter(cw, TrafficCSVHeader)
	if err != nil {
		return err
	}
	for _, a := range r.Traffic.Aggregates {
		var asns, srcs []string
		for _, n := range a.ASNs {
			asns = append(asns, "AS"+strconv.FormatUint(uint64(n), 10))
		}
		for _, s := range a.Sources {
			srcs = append(srcs, s.String())
		}
		sample := ""
		if len(a.Samples) > 0 {
			sample = a.Samples[0].String()
		}
		status := StatusNotAttributed
		if a.Entity != "" {
			status = StatusRestricted
		}
		copy(row, []string{status, a.System, a.Classification, strconv.FormatBool(a.Unregistered), strings.Join(srcs, " "),
			a.Destination, a.Entity, a.ControllingCountry, string(a.DecidedBy), a.Evidence, strings.Join(a.RegisteredCountries, " "),
			strings.Join(asns, " "), strings.Join(a.ASOrgs, "; "), strings.Join(a.Names, " "), u64(a.BytesOut), u64(a.BytesIn),
			u64(a.PacketsOut), u64(a.PacketsIn), u64(a.Flows), u64(a.Conversations), rfc(a.First), rfc(a.Last), sample, "",
			strconv.FormatBool(a.Local), r.Data.Cell()})
		if err := write(); err != nil {
			return err
		}
	}
	// The bad records kept; a count of those past the limit is a record
	// of its own (its reason says how many and from which line).
	for _, b := range r.Traffic.Bads {
		clear(row)
		row[0], row[22], row[23], row[25] = StatusUnknown, b.Where.String(), b.Reason, r.Data.Cell()
		if err := write(); err != nil {
			return err
		}
	}
	return nil
}

func u64(n uint64) string { return strconv.FormatUint(n, 10) }

func rfc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
