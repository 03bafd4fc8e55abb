package report

import (
	"encoding/csv"
	"strconv"
	"strings"
	"time"
)

// csvTraffic writes a traffic report not judged by policy: one row per
// source system and destination.
// trafficCSVHeader is the header of the aggregates CSV.
var trafficCSVHeader = []string{"system", "classification", "unregistered", "destination", "entity", "controlling_country", "decided_by",
	"evidence", "registered_countries", "asns", "as_orgs", "names", "bytes_out", "bytes_in", "packets_out", "packets_in",
	"flows", "conversations", "first_seen", "last_seen", "sample", "local", "data"}

func csvTraffic(cw *csv.Writer, r *Report) error {
	if err := cw.Write(trafficCSVHeader); err != nil {
		return err
	}
	for _, a := range r.Traffic.Aggregates {
		var asns []string
		for _, n := range a.ASNs {
			asns = append(asns, "AS"+strconv.FormatUint(uint64(n), 10))
		}
		sample := ""
		if len(a.Samples) > 0 {
			sample = a.Samples[0].String()
		}
		row := []string{a.System, a.Classification, strconv.FormatBool(a.Unregistered), a.Destination, a.Entity, a.ControllingCountry,
			string(a.DecidedBy), a.Evidence, strings.Join(a.RegisteredCountries, " "), strings.Join(asns, " "), strings.Join(a.ASOrgs, "; "),
			strings.Join(a.Names, " "), u64(a.BytesOut), u64(a.BytesIn), u64(a.PacketsOut), u64(a.PacketsIn), u64(a.Flows), u64(a.Conversations),
			rfc(a.First), rfc(a.Last), sample, strconv.FormatBool(a.Local), r.Data.Cell()}
		for i, c := range row {
			row[i] = csvCell(c)
		}
		if err := cw.Write(row); err != nil {
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
